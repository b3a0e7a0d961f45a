package course_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/money"
)

func TestMyCourses(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	var ids []string
	for i := range 5 {
		c := e.createCourse(tok, fmt.Sprintf("Mine %d", i))
		ids = append(ids, c.ID)
	}
	e.addText(tok, ids[0], "One")
	e.addText(tok, ids[0], "Two")
	expect(t, e.do("POST", "/v1/courses/"+ids[0]+"/publish", tok, nil), 200)
	e.createCourse(e.tutor(tutorB), "Not mine")
	slices.Reverse(ids) // newest first

	t.Run("list_mine_200_drafts_included_with_counts_in_pages", func(t *testing.T) {
		var got []string
		cursor := ""
		for range 5 {
			p := decode[course.TutorCoursePage](t, e.do("GET", "/v1/tutors/me/courses?limit=2&cursor="+cursor, tok, nil), 200)
			for _, v := range p.Courses {
				got = append(got, v.ID)
				if v.TutorID != tutorA {
					t.Fatalf("another tutor's course %+v", v)
				}
				if v.ID == ids[4] && (v.Status != "published" || v.ItemCount != 2 || v.SubscriberCount != 0) {
					t.Fatalf("published course %+v", v)
				}
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if !slices.Equal(got, ids) {
			t.Fatalf("courses %v, want %v", got, ids)
		}
	})
	t.Run("list_mine_200_empty_for_a_tutor_without_courses", func(t *testing.T) {
		p := decode[course.TutorCoursePage](t, e.do("GET", "/v1/tutors/me/courses", e.tutor("00000000-0000-4000-8000-0000000000ff"), nil), 200)
		if len(p.Courses) != 0 || p.Courses == nil || p.NextCursor != "" {
			t.Fatalf("page %+v", p)
		}
	})
	t.Run("list_mine_401_no_token", func(t *testing.T) { rejected(t, e.do("GET", "/v1/tutors/me/courses", "", nil), 401) })
	t.Run("list_mine_403_learner", func(t *testing.T) {
		rejected(t, e.do("GET", "/v1/tutors/me/courses", e.token(learner, auth.Learner), nil), 403)
	})
	t.Run("list_mine_400_bad_limit_and_cursor", func(t *testing.T) {
		rejected(t, e.do("GET", "/v1/tutors/me/courses?limit=0&cursor=zzz", tok, nil), 400, "limit", "cursor")
	})
}

func TestSubscribers(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	pub := e.createCourse(tok, "Published")
	e.addText(tok, pub.ID, "One")
	expect(t, e.do("POST", "/v1/courses/"+pub.ID+"/publish", tok, nil), 200)
	draft := e.createCourse(tok, "Draft")
	now := time.Now()
	cols := []string{"CourseId", "UserId", "SubscriptionId", "Active", "State", "UpdatedAt"}
	var muts []*spanner.Mutation
	var want []string
	for i := range 5 {
		user := fmt.Sprintf("00000000-0000-4000-8000-1000000000%02d", i)
		muts = append(muts, spanner.Insert("Entitlements", cols, []any{pub.ID, user, fmt.Sprintf("sub-%02d", i), true, "active", now}))
		want = append(want, user)
	}
	// An ended, a pending and a legacy (State NULL) active subscription.
	muts = append(muts,
		spanner.Insert("Entitlements", cols, []any{pub.ID, "u-ended", "s1", false, "ended", now}),
		spanner.Insert("Entitlements", cols, []any{pub.ID, "u-pending", "s2", false, "pending", now}),
		spanner.Insert("Entitlements", cols, []any{pub.ID, "u-legacy", "s3", true, nil, now}),
		spanner.Update("Courses", []string{"CourseId", "SubscriberCount"}, []any{pub.ID, int64(6)}))
	want = append(want, "u-legacy")
	slices.Sort(want)
	if _, err := e.db.Apply(context.Background(), muts); err != nil {
		t.Fatal(err)
	}
	t.Run("subscribers_200_active_only_in_pages", func(t *testing.T) {
		var got []string
		cursor := ""
		for range 5 {
			p := decode[course.SubscriberPage](t, e.do("GET", "/v1/courses/"+pub.ID+"/subscribers?limit=4&cursor="+cursor, tok, nil), 200)
			if p.CourseID != pub.ID || p.SubscriberCount != 6 {
				t.Fatalf("page %+v", p)
			}
			for _, s := range p.Subscribers {
				got = append(got, s.UserID)
				if s.SubscriptionID == "" || s.Since.IsZero() {
					t.Fatalf("subscriber %+v", s)
				}
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("subscribers %v, want %v", got, want)
		}
	})
	t.Run("subscribers_200_none_on_a_draft", func(t *testing.T) {
		p := decode[course.SubscriberPage](t, e.do("GET", "/v1/courses/"+draft.ID+"/subscribers", tok, nil), 200)
		if len(p.Subscribers) != 0 || p.Subscribers == nil {
			t.Fatalf("page %+v", p)
		}
	})
	for _, tc := range []struct {
		name, path, token string
		status            int
	}{
		{"401_no_token", "/v1/courses/" + pub.ID + "/subscribers", "", 401},
		{"403_learner", "/v1/courses/" + pub.ID + "/subscribers", e.token(learner, auth.Learner), 403},
		{"403_other_tutor_published", "/v1/courses/" + pub.ID + "/subscribers", e.tutor(tutorB), 403},
		{"404_other_tutor_draft", "/v1/courses/" + draft.ID + "/subscribers", e.tutor(tutorB), 404},
		{"404_unknown_course", "/v1/courses/00000000-0000-4000-8000-999999999999/subscribers", tok, 404},
		{"400_bad_cursor", "/v1/courses/" + pub.ID + "/subscribers?cursor=bm9wZQ", tok, 400},
	} {
		t.Run("subscribers_"+tc.name, func(t *testing.T) { rejected(t, e.do("GET", tc.path, tc.token, nil), tc.status) })
	}
}

func TestCatalogFilters(t *testing.T) {
	e := newEnv(t)
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	cols := []string{"CourseId", "TutorId", "Title", "Description", "PriceAmount", "Currency", "BillingInterval",
		"Status", "ItemCount", "CreatedAt", "UpdatedAt", "PublishedAt"}
	type row struct{ id, tutor, title, currency, status string }
	rows := []row{
		{"c01", tutorA, "Go for Beginners", "USD", "published"},
		{"c02", tutorA, "Advanced Go Concurrency", "JPY", "published"},
		{"c03", tutorB, "Beginners' Bahasa", "IDR", "published"},
		{"c04", tutorB, "GO Beginners Workshop", "USD", "published"},
		{"c05", tutorB, "日本語の基礎 入門", "JPY", "published"},
		{"c06", tutorA, "Go for Beginners (draft)", "USD", "draft"},
		{"c07", tutorA, "Cooking", "USD", "published"},
		{"c08", tutorB, "go beginners again", "USD", "published"},
	}
	var muts []*spanner.Mutation
	for i, r := range rows {
		var published any
		if r.status == "published" {
			published = base.Add(time.Duration(i) * time.Minute)
		}
		amount := int64(100)
		if c, _ := money.Lookup(r.currency); c.Min > amount {
			amount = c.Min
		}
		muts = append(muts, spanner.Insert("Courses", cols, []any{r.id, r.tutor, r.title, "", amount, r.currency, "month",
			r.status, int64(1), base, base, published}))
	}
	if _, err := e.db.Apply(context.Background(), muts); err != nil {
		t.Fatal(err)
	}
	list := func(t *testing.T, query string, limit int) ([]string, course.CatalogFilters) {
		t.Helper()
		var got []string
		var filters course.CatalogFilters
		cursor := ""
		for range 10 {
			p := decode[course.Page](t, e.do("GET", fmt.Sprintf("/v1/courses?limit=%d&cursor=%s&%s", limit, cursor, query), "", nil), 200)
			filters = p.Filters
			for _, v := range p.Courses {
				got = append(got, v.ID)
			}
			if cursor = p.NextCursor; cursor == "" {
				return got, filters
			}
		}
		t.Fatal("pagination does not end")
		return nil, filters
	}
	for _, tc := range []struct {
		name, query string
		want        []string
		filters     course.CatalogFilters
	}{
		{"no_filters_lists_every_published", "", []string{"c08", "c07", "c05", "c04", "c03", "c02", "c01"}, course.CatalogFilters{}},
		{"words_all_must_match_ignoring_case", "q=go+BEGINNERS", []string{"c08", "c04", "c01"},
			course.CatalogFilters{Query: "go BEGINNERS", Words: []string{"go", "beginners"}}},
		{"words_match_inside_japanese_titles", "q=%E5%85%A5%E9%96%80", []string{"c05"}, course.CatalogFilters{Query: "入門", Words: []string{"入門"}}},
		{"currency_lower_case_normalised", "currency=usd", []string{"c08", "c07", "c04", "c01"}, course.CatalogFilters{Currency: "USD"}},
		{"tutor", "tutor_id=" + tutorA, []string{"c07", "c02", "c01"}, course.CatalogFilters{TutorID: tutorA}},
		{"all_three", "q=go&currency=USD&tutor_id=" + tutorB, []string{"c08", "c04"},
			course.CatalogFilters{Query: "go", Words: []string{"go"}, Currency: "USD", TutorID: tutorB}},
		{"nothing_matches", "q=quantum", nil, course.CatalogFilters{Query: "quantum", Words: []string{"quantum"}}},
	} {
		t.Run("catalog_200_"+tc.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 20} { // the cursor stays valid under the filters
				got, filters := list(t, tc.query, limit)
				if !slices.Equal(got, tc.want) {
					t.Fatalf("limit %d: %v, want %v", limit, got, tc.want)
				}
				if fmt.Sprint(filters) != fmt.Sprint(tc.filters) {
					t.Fatalf("filters %+v, want %+v", filters, tc.filters)
				}
			}
		})
	}
	for _, tc := range []struct {
		name, query string
		fields      []string
	}{
		{"unknown_currency", "currency=EUR", []string{"currency"}},
		{"bad_tutor_id", "tutor_id=a%20b", []string{"tutor_id"}},
		{"too_many_words", "q=a+b+c+d+e+f+g+h+i", []string{"q"}},
		{"too_long", "q=" + fmt.Sprintf("%0201d", 0), []string{"q"}},
	} {
		t.Run("catalog_400_"+tc.name, func(t *testing.T) {
			rejected(t, e.do("GET", "/v1/courses?"+tc.query, "", nil), http.StatusBadRequest, tc.fields...)
		})
	}
}

func TestCurrencies(t *testing.T) {
	e := newEnv(t)
	l := decode[course.CurrencyList](t, e.do("GET", "/v1/currencies", "", nil), 200)
	if fmt.Sprint(l.Currencies) != fmt.Sprint(money.All()) || len(l.Currencies) == 0 {
		t.Fatalf("currencies %+v", l)
	}
	for _, c := range l.Currencies {
		if f, _ := money.Check(money.Money{Amount: c.Min, Currency: c.Code}); f != "" {
			t.Fatalf("%s minimum refused", c.Code)
		}
		if f, _ := money.Check(money.Money{Amount: c.Min - 1, Currency: c.Code}); f != "amount" {
			t.Fatalf("%s below minimum accepted", c.Code)
		}
		if c.Code == "JPY" && c.Exponent != 0 || c.Code == "IDR" && c.Exponent != 2 {
			t.Fatalf("exponent %+v", c)
		}
	}
}
