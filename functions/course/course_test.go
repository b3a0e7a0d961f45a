package course

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
)

func ptr[T any](v T) *T { return &v }

// fieldsOf returns the field names an Invalid error names, or fails.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("err = %v, want Invalid", err)
	}
	var e *errs.Error
	errors.As(err, &e)
	var names []string
	for k := range e.Fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func validCreate() CreateRequest {
	return CreateRequest{Title: "Go in depth", Description: "All of it.",
		Price: money.Money{Amount: 15_000_000, Currency: "IDR"}, BillingInterval: "Month"}
}

func TestValidateCreate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*CreateRequest)
		fields []string // nil: valid
	}{
		{"valid", func(*CreateRequest) {}, nil},
		{"valid_max_title", func(r *CreateRequest) { r.Title = strings.Repeat("é", MaxTitleLen) }, nil},
		{"valid_empty_description", func(r *CreateRequest) { r.Description = "" }, nil},
		{"valid_description_with_newlines", func(r *CreateRequest) { r.Description = "a\nb\tc" }, nil},
		{"valid_max_price", func(r *CreateRequest) { r.Price.Amount = 999_999_999_999 }, nil},
		{"valid_min_price", func(r *CreateRequest) { r.Price.Amount = 1_000_000 }, nil},
		{"valid_jpy_year", func(r *CreateRequest) { r.Price = money.Money{Amount: 50, Currency: "JPY"}; r.BillingInterval = "year" }, nil},
		{"title_blank", func(r *CreateRequest) { r.Title = "   " }, []string{"title"}},
		{"title_too_long", func(r *CreateRequest) { r.Title = strings.Repeat("a", MaxTitleLen+1) }, []string{"title"}},
		{"title_control_char", func(r *CreateRequest) { r.Title = "a\x00b" }, []string{"title"}},
		{"description_too_long", func(r *CreateRequest) { r.Description = strings.Repeat("a", MaxDescriptionLen+1) }, []string{"description"}},
		{"description_control_char", func(r *CreateRequest) { r.Description = "a\x07" }, []string{"description"}},
		{"price_zero", func(r *CreateRequest) { r.Price.Amount = 0 }, []string{"price.amount"}},
		{"price_negative", func(r *CreateRequest) { r.Price.Amount = -5 }, []string{"price.amount"}},
		{"price_too_large", func(r *CreateRequest) { r.Price.Amount = 999_999_999_999 + 1 }, []string{"price.amount"}},
		{"price_one_minor_unit", func(r *CreateRequest) { r.Price.Amount = 1 }, []string{"price.amount"}},
		{"price_below_stripe_minimum_jpy", func(r *CreateRequest) { r.Price = money.Money{Amount: 49, Currency: "JPY"} }, []string{"price.amount"}},
		{"price_above_stripe_maximum_mxn", func(r *CreateRequest) { r.Price = money.Money{Amount: 100_000_000, Currency: "MXN"} }, []string{"price.amount"}},
		{"currency_lower_case", func(r *CreateRequest) { r.Price.Currency = "idr" }, []string{"price.currency"}},
		{"currency_unknown", func(r *CreateRequest) { r.Price.Currency = "EUR" }, []string{"price.currency"}},
		{"currency_missing", func(r *CreateRequest) { r.Price.Currency = "" }, []string{"price.currency"}},
		{"interval_unknown", func(r *CreateRequest) { r.BillingInterval = "week" }, []string{"billing_interval"}},
		{"every_field_bad", func(r *CreateRequest) { *r = CreateRequest{Description: strings.Repeat("x", 5001)} },
			[]string{"billing_interval", "description", "price.currency", "title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := validCreate()
			tt.edit(&req)
			c, err := validateCreate(req)
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				if c.Status != coursemsg.StatusDraft || c.Price != req.Price ||
					c.BillingInterval != strings.ToLower(strings.TrimSpace(req.BillingInterval)) {
					t.Fatalf("not normalised: %+v", c)
				}
				return
			}
			if got := fieldsOf(t, err); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestValidateCreate_unknownCurrencyListsSupported(t *testing.T) {
	req := validCreate()
	req.Price.Currency = "EUR"
	_, err := validateCreate(req)
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	for _, c := range money.Currencies() {
		if !strings.Contains(e.Fields["price.currency"], c) {
			t.Fatalf("message %q does not list %s", e.Fields["price.currency"], c)
		}
	}
}

func TestValidateUpdate(t *testing.T) {
	tests := []struct {
		name    string
		req     UpdateRequest
		fields  []string
		invalid bool
	}{
		{"title_only", UpdateRequest{Title: ptr(" New ")}, nil, false},
		{"price_only", UpdateRequest{Price: &money.Money{Amount: 19900, Currency: "MXN"}}, nil, false},
		{"empty_description_allowed", UpdateRequest{Description: ptr("")}, nil, false},
		{"nothing_sent", UpdateRequest{}, nil, true},
		{"bad_title_and_price", UpdateRequest{Title: ptr(""), Price: &money.Money{Amount: -1, Currency: "XXX"}},
			[]string{"price.currency", "title"}, true},
		{"bad_interval", UpdateRequest{BillingInterval: ptr("daily")}, []string{"billing_interval"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := validateUpdate(tt.req)
			if !tt.invalid {
				if err != nil {
					t.Fatal(err)
				}
				if tt.req.Title != nil && *p.title != strings.TrimSpace(*tt.req.Title) {
					t.Fatalf("title not trimmed: %q", *p.title)
				}
				if tt.req.Price != nil && *p.price != *tt.req.Price {
					t.Fatalf("currency not normalised: %q", p.price.Currency)
				}
				return
			}
			if got := fieldsOf(t, err); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestValidateItem(t *testing.T) {
	tests := []struct {
		name   string
		req    ItemRequest
		fields []string
		status string
	}{
		{"text", ItemRequest{Kind: "text", Title: "Intro", Body: "Hello"}, nil, contentmsg.StatusReady},
		{"video_upper_case_kind", ItemRequest{Kind: " VIDEO ", Title: "Lecture 1"}, nil, contentmsg.StatusAwaitingUpload},
		{"file", ItemRequest{Kind: "file", Title: "Slides"}, nil, contentmsg.StatusAwaitingUpload},
		{"text_max_body", ItemRequest{Kind: "text", Title: "Long", Body: strings.Repeat("ñ", MaxBodyLen)}, nil, contentmsg.StatusReady},
		{"text_without_body", ItemRequest{Kind: "text", Title: "Intro"}, []string{"body"}, ""},
		{"text_blank_body", ItemRequest{Kind: "text", Title: "Intro", Body: " \n "}, []string{"body"}, ""},
		{"text_body_too_long", ItemRequest{Kind: "text", Title: "Intro", Body: strings.Repeat("a", MaxBodyLen+1)}, []string{"body"}, ""},
		{"video_with_body", ItemRequest{Kind: "video", Title: "Lecture", Body: "no"}, []string{"body"}, ""},
		{"unknown_kind", ItemRequest{Kind: "quiz", Title: "Q"}, []string{"kind"}, ""},
		{"missing_title_and_kind", ItemRequest{}, []string{"kind", "title"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := validateItem(tt.req)
			if tt.fields == nil {
				if err != nil {
					t.Fatal(err)
				}
				if it.ContentStatus != tt.status {
					t.Fatalf("content status %q, want %q", it.ContentStatus, tt.status)
				}
				return
			}
			if got := fieldsOf(t, err); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestValidateItemUpdate(t *testing.T) {
	if _, err := validateItemUpdate(ItemUpdateRequest{}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("empty update: err = %v, want Invalid", err)
	}
	if got := fieldsOf(t, mustErr(validateItemUpdate(ItemUpdateRequest{Title: ptr(""), Body: ptr("")}))); !slices.Equal(got, []string{"body", "title"}) {
		t.Fatalf("fields = %v", got)
	}
	if _, err := validateItemUpdate(ItemUpdateRequest{Body: ptr("new body")}); err != nil {
		t.Fatal(err)
	}
}

func mustErr[T any](_ T, err error) error { return err }

func courseWithItems(n int) Course {
	c := Course{ID: "c1", TutorID: "tutor", Status: coursemsg.StatusDraft}
	for i := range n {
		c.Items = append(c.Items, Item{ID: string(rune('a' + i)), CourseID: "c1", Position: int64(i + 1), Kind: coursemsg.KindText, Title: "t", Body: "b",
			ContentStatus: contentmsg.StatusReady})
	}
	c.ItemCount = int64(n)
	return c
}

func positions(c Course) (ids string, pos []int64) {
	for _, it := range c.Items {
		ids += it.ID
		pos = append(pos, it.Position)
	}
	return ids, pos
}

func changeTypes(c Course) []string {
	var out []string
	for _, ch := range c.changes {
		out = append(out, ch.Type)
	}
	return out
}

func TestCourse_publish(t *testing.T) {
	c := courseWithItems(0)
	if err := c.publish(); !errs.Is(err, errs.FailedPrecondition) {
		t.Fatalf("publish without items: err = %v, want FailedPrecondition", err)
	}
	// A video item awaiting its upload holds the course back, and names
	// itself.
	c = courseWithItems(1)
	c.Items = append(c.Items, Item{ID: "v", Kind: coursemsg.KindVideo, ContentStatus: contentmsg.StatusAwaitingUpload})
	c.ItemCount = 2
	var e *errs.Error
	if err := c.publish(); !errors.As(err, &e) || e.Kind != errs.FailedPrecondition || e.Details["items_awaiting_content"] != "v" ||
		c.Status != coursemsg.StatusDraft {
		t.Fatalf("publish with a video awaiting upload: %v", err)
	}
	c.Items[1].ContentStatus = contentmsg.StatusReady
	if err := c.publish(); err != nil || c.Status != coursemsg.StatusPublished {
		t.Fatalf("publish: %v, status %s", err, c.Status)
	}
	if err := c.publish(); err != nil {
		t.Fatalf("publish again: %v", err)
	}
	c.unpublish()
	c.unpublish()
	if got := changeTypes(c); !slices.Equal(got, []string{coursemsg.EventPublished, coursemsg.EventUnpublished}) {
		t.Fatalf("changes = %v: repeated publish/unpublish must record nothing", got)
	}
}

func TestCourse_apply_recordsOnlyRealChanges(t *testing.T) {
	c := Course{Title: "A", Price: money.Money{Amount: 1, Currency: "JPY"}, BillingInterval: billingcal.Month}
	c.apply(coursePatch{title: ptr("A"), price: &money.Money{Amount: 1, Currency: "JPY"}})
	if len(c.changes) != 0 {
		t.Fatalf("same values recorded %v", changeTypes(c))
	}
	c.apply(coursePatch{interval: ptr(billingcal.Year)})
	if got := changeTypes(c); !slices.Equal(got, []string{coursemsg.EventUpdated}) || c.BillingInterval != billingcal.Year {
		t.Fatalf("changes = %v, interval %s", got, c.BillingInterval)
	}
}

func TestCourse_items(t *testing.T) {
	t.Run("add_appends", func(t *testing.T) {
		c := courseWithItems(2)
		it, err := c.addItem(Item{ID: "z", Kind: coursemsg.KindVideo, Title: "v"})
		if err != nil || it.Position != 3 || c.ItemCount != 3 || it.CourseID != "c1" {
			t.Fatalf("add: %v %+v count %d", err, it, c.ItemCount)
		}
	})
	t.Run("add_409_over_limit", func(t *testing.T) {
		c := courseWithItems(MaxItems)
		if _, err := c.addItem(Item{ID: "z"}); !errs.Is(err, errs.FailedPrecondition) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("remove_renumbers", func(t *testing.T) {
		c := courseWithItems(4)
		if err := c.removeItem("b"); err != nil {
			t.Fatal(err)
		}
		ids, pos := positions(c)
		if ids != "acd" || !slices.Equal(pos, []int64{1, 2, 3}) || c.ItemCount != 3 {
			t.Fatalf("after remove: %s %v", ids, pos)
		}
	})
	t.Run("remove_404_unknown", func(t *testing.T) {
		c := courseWithItems(2)
		if err := c.removeItem("zz"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("remove_409_last_item_of_published", func(t *testing.T) {
		c := courseWithItems(1)
		c.Status = coursemsg.StatusPublished
		if err := c.removeItem("a"); !errs.Is(err, errs.FailedPrecondition) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("reorder", func(t *testing.T) {
		c := courseWithItems(3)
		if err := c.reorder([]string{"c", "a", "b"}); err != nil {
			t.Fatal(err)
		}
		ids, pos := positions(c)
		if ids != "cab" || !slices.Equal(pos, []int64{1, 2, 3}) {
			t.Fatalf("after reorder: %s %v", ids, pos)
		}
	})
	for name, ids := range map[string][]string{
		"reorder_400_missing":   {"a", "b"},
		"reorder_400_duplicate": {"a", "a", "b"},
		"reorder_400_unknown":   {"a", "b", "x"},
		"reorder_400_extra":     {"a", "b", "c", "d"},
	} {
		t.Run(name, func(t *testing.T) {
			c := courseWithItems(3)
			if got := fieldsOf(t, c.reorder(ids)); !slices.Equal(got, []string{"item_ids"}) {
				t.Fatalf("fields = %v", got)
			}
			if s, _ := positions(c); s != "abc" {
				t.Fatalf("rejected reorder changed the order: %s", s)
			}
		})
	}
	t.Run("update_body_of_media_400", func(t *testing.T) {
		c := courseWithItems(1)
		c.Items[0].Kind = coursemsg.KindFile
		if got := fieldsOf(t, mustErr(c.updateItem("a", itemPatch{body: ptr("x")}))); !slices.Equal(got, []string{"body"}) {
			t.Fatalf("fields = %v", got)
		}
	})
}

func TestVisibility(t *testing.T) {
	owner := auth.Principal{UserID: "tutor", Roles: []auth.Role{auth.Tutor}}
	other := auth.Principal{UserID: "someone", Roles: []auth.Role{auth.Tutor, auth.Learner}}
	anon := auth.Principal{}
	draft := Course{TutorID: "tutor", Status: coursemsg.StatusDraft}
	pub := Course{TutorID: "tutor", Status: coursemsg.StatusPublished}
	for _, tt := range []struct {
		name         string
		c            Course
		p            auth.Principal
		visible, bod bool
		subscribed   bool
	}{
		{"draft_owner", draft, owner, true, true, false},
		{"draft_other", draft, other, false, false, false},
		{"draft_anonymous", draft, anon, false, false, false},
		{"published_owner", pub, owner, true, true, false},
		{"published_other", pub, other, true, false, false},
		{"published_anonymous", pub, anon, true, false, false},
		{"anonymous_never_owns_a_course_without_tutor", Course{Status: coursemsg.StatusDraft}, anon, false, false, false},
		{"published_subscriber", pub, other, true, true, true},
		{"published_anonymous_is_never_a_subscriber", pub, anon, true, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := visibleTo(tt.c, tt.p); got != tt.visible {
				t.Errorf("visibleTo = %v", got)
			}
			if got := mayReadBodies(tt.c, tt.p, func() bool { return tt.subscribed }); got != tt.bod {
				t.Errorf("mayReadBodies = %v", got)
			}
		})
	}
}

func TestListQuery(t *testing.T) {
	cur := encodeCursor(Course{ID: "0b5c7f1e-0000-4000-8000-000000000000", PublishedAt: time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)})
	for _, tt := range []struct {
		name, limit, cursor string
		want                int
		fields              []string
	}{
		{"defaults", "", "", DefaultPageSize, nil},
		{"limit_1", "1", "", 1, nil},
		{"limit_100", "100", cur, 100, nil},
		{"limit_0", "0", "", 0, []string{"limit"}},
		{"limit_101", "101", "", 0, []string{"limit"}},
		{"limit_not_a_number", "ten", "", 0, []string{"limit"}},
		{"cursor_not_base64", "", "!!!", 0, []string{"cursor"}},
		{"cursor_not_json", "", "bm90IGpzb24", 0, []string{"cursor"}},
		{"cursor_empty_object", "", "e30", 0, []string{"cursor"}},
		// {"p":"0000-01-01T00:00:00Z","c":"x"}: year 0 reached Spanner and answered 500.
		{"cursor_year_zero", "", "eyJwIjoiMDAwMC0wMS0wMVQwMDowMDowMFoiLCJjIjoieCJ9", 0, []string{"cursor"}},
		{"cursor_course_id_not_an_id", "", base64.RawURLEncoding.EncodeToString([]byte(`{"p":"2026-01-01T00:00:00Z","c":"\u00ff/.."}`)), 0, []string{"cursor"}},
		{"both_bad", "-1", "e30", 0, []string{"cursor", "limit"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, after, err := parseListQuery(tt.limit, tt.cursor)
			if tt.fields != nil {
				if got := fieldsOf(t, err); !slices.Equal(got, tt.fields) {
					t.Fatalf("fields = %v, want %v", got, tt.fields)
				}
				return
			}
			if err != nil || n != tt.want {
				t.Fatalf("limit %d err %v", n, err)
			}
			if (tt.cursor != "") != (after != nil) {
				t.Fatalf("cursor = %+v", after)
			}
		})
	}
	_, after, _ := parseListQuery("", cur)
	if after.CourseID != "0b5c7f1e-0000-4000-8000-000000000000" || after.PublishedAt.Nanosecond() != 123456000 {
		t.Fatalf("cursor round trip lost data: %+v", after)
	}
}

// The subscriber count moves once per transition, whatever order the news
// arrives in and however often: every sequence of what the Course service
// can hear of one subscription ends counted exactly when it is active.
func TestNextSubscriptionState_countsActiveOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		heard []string
		state string
		count int64
	}{
		{"subscribed", []string{heardSaga, heardActivated}, SubscriptionActive, 1},
		{"activated_twice", []string{heardSaga, heardActivated, heardActivated}, SubscriptionActive, 1},
		{"cancelled", []string{heardSaga, heardActivated, heardEnded}, SubscriptionEnded, 0},
		{"ended_twice", []string{heardSaga, heardActivated, heardEnded, heardEnded}, SubscriptionEnded, 0},
		{"refund_saga_then_ended_event", []string{heardSaga, heardActivated, heardEnded, heardEnded}, SubscriptionEnded, 0},
		{"ended_before_activated", []string{heardSaga, heardEnded, heardActivated}, SubscriptionEnded, 0},
		{"compensated", []string{heardSaga, heardEnded}, SubscriptionEnded, 0},
		{"activated_without_saga_step", []string{heardActivated}, SubscriptionActive, 1},
		{"saga_step_after_activation", []string{heardActivated, heardSaga}, SubscriptionActive, 1},
		{"ended_unknown", []string{heardEnded}, SubscriptionEnded, 0},
	} {
		state, count := "", int64(0)
		for _, h := range tc.heard {
			var d int64
			state, d = nextSubscriptionState(state, h)
			count += d
		}
		if state != tc.state || count != tc.count {
			t.Errorf("%s: state %q count %d, want %q %d", tc.name, state, count, tc.state, tc.count)
		}
	}
}
