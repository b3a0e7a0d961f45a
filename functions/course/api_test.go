package course_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/spanx"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// ofType returns the payloads of the course events of type typ r recorded.
func ofType(t testing.TB, r *events.Recorder, typ string) []coursemsg.EventData {
	t.Helper()
	for _, e := range r.Events(typ) {
		if e.Topic != coursemsg.Topic {
			t.Fatalf("event %s went to topic %q", e.Type, e.Topic)
		}
	}
	out, err := events.Decoded[coursemsg.EventData](r, typ)
	if err != nil {
		t.Fatalf("event %s payload: %v", typ, err)
	}
	return out
}

// env is the Course service on a fresh database behind the guarded routes of
// the service's routes, as the local server serves it.
type env struct {
	t      testing.TB
	db     *spanner.Client
	h      http.Handler
	pub    *events.Recorder
	key    auth.SigningKey
	signer auth.Signer
}

const (
	tutorA  = "00000000-0000-4000-8000-00000000000a"
	tutorB  = "00000000-0000-4000-8000-00000000000b"
	learner = "00000000-0000-4000-8000-00000000000c"
)

func newEnv(t testing.TB) *env {
	t.Helper()
	ms, err := course.Registration.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := testenv.Database(t, ms)
	pub := &events.Recorder{}
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	v := &auth.Verifier{Keys: auth.StaticKeys{key.KID: key.Private.Public().(ed25519.PublicKey)}, Issuer: "test"}
	hs, err := course.Registration.Build(fnreg.Deps{DB: db, Outbox: &events.Outbox{DB: db, Publisher: pub}, Publisher: pub})
	if err != nil {
		t.Fatal(err)
	}
	var fns []fnreg.Function
	for _, spec := range course.Registration.Functions {
		h, ok := hs[spec.Name]
		if !ok {
			t.Fatalf("Build made no handler for %s", spec.Name)
		}
		fns = append(fns, fnreg.Function{Spec: spec, Handler: fnreg.Guard(spec, fnreg.Auth{Tokens: v, Push: auth.PushToken(testPushToken)}, h)})
	}
	if len(fns) != len(hs) {
		t.Fatalf("Build made %d handlers for %d course functions", len(hs), len(fns))
	}
	return &env{t: t, db: db, h: fnreg.Mux(fns), pub: pub, key: key,
		signer: auth.Signer{Key: key, Issuer: "test", TTL: 15 * time.Minute}}
}

func (e *env) token(userID string, roles ...auth.Role) string {
	e.t.Helper()
	tok, _, err := e.signer.Issue(userID, roles, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *env) tutor(id string) string { return e.token(id, auth.Tutor) }

// do sends a request; body is sent as is when it is a string, else as JSON.
func (e *env) do(method, path, token string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// expect fails unless rec has status want.
func expect(t testing.TB, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d; body %s", rec.Code, want, rec.Body)
	}
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder, want int) T {
	t.Helper()
	expect(t, rec, want)
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T: %v; body %s", v, err, rec.Body)
	}
	return v
}

// rejected checks an error response: its status, code and the fields it names.
func rejected(t testing.TB, rec *httptest.ResponseRecorder, status int, fields ...string) httpx.ErrorDetail {
	t.Helper()
	b := decode[httpx.ErrorBody](t, rec, status)
	var got []string
	for f := range b.Error.Fields {
		got = append(got, f)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if len(fields) > 0 && !slices.Equal(got, fields) {
		t.Fatalf("fields %v, want %v; body %s", got, fields, rec.Body)
	}
	if b.Error.Message == "" || b.Error.Code == "" {
		t.Fatalf("error without code or message: %s", rec.Body)
	}
	return b.Error
}

// same reports whether two views show the same thing.
func same(a, b course.View) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func createReq(title string) course.CreateRequest {
	return course.CreateRequest{Title: title, Description: "Learn it well.",
		Price: money.Money{Amount: 15_000_000, Currency: "IDR"}, BillingInterval: "month"}
}

func (e *env) createCourse(tok, title string) course.View {
	e.t.Helper()
	return decode[course.View](e.t, e.do("POST", "/v1/courses", tok, createReq(title)), http.StatusCreated)
}

func (e *env) addText(tok, courseID, title string) course.ItemView {
	e.t.Helper()
	return decode[course.ItemView](e.t, e.do("POST", "/v1/courses/"+courseID+"/items", tok,
		course.ItemRequest{Kind: "text", Title: title, Body: "Body of " + title}), http.StatusCreated)
}

func (e *env) get(tok, courseID string) course.View {
	e.t.Helper()
	return decode[course.View](e.t, e.do("GET", "/v1/courses/"+courseID, tok, nil), http.StatusOK)
}

func (e *env) items(tok, courseID string) []course.ItemView {
	e.t.Helper()
	return decode[course.ItemList](e.t, e.do("GET", "/v1/courses/"+courseID+"/items", tok, nil), http.StatusOK).Items
}

func (e *env) count(table string) int64 {
	e.t.Helper()
	var n int64
	err := spanx.Each(e.db.Single().Query(context.Background(), spanner.Statement{SQL: "SELECT COUNT(*) FROM " + table}),
		func(r *spanner.Row) error { return r.Columns(&n) })
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestCreate(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)

	t.Run("create_201", func(t *testing.T) {
		req := createReq("  Go in depth  ")
		req.Price = money.Money{Amount: 1500, Currency: "JPY"}
		req.BillingInterval = "Year"
		rec := e.do("POST", "/v1/courses", tok, req)
		v := decode[course.View](t, rec, http.StatusCreated)
		if loc := rec.Header().Get("Location"); loc != "/v1/courses/"+v.ID || v.ID == "" {
			t.Fatalf("Location %q for id %q", loc, v.ID)
		}
		want := course.View{ID: v.ID, TutorID: tutorA, Title: "Go in depth", Description: "Learn it well.",
			Price: money.Money{Amount: 1500, Currency: "JPY"}, BillingInterval: "year", Status: "draft",
			CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
		if !same(v, want) || v.CreatedAt.IsZero() || !v.UpdatedAt.Equal(v.CreatedAt) {
			t.Fatalf("got  %+v\nwant %+v", v, want)
		}
		if strings.Contains(rec.Body.String(), "published_at") {
			t.Fatalf("a draft shows published_at: %s", rec.Body)
		}
		if got := ofType(t, e.pub, coursemsg.EventCreated); len(got) != 1 || got[0].CourseID != v.ID || got[0].Status != "draft" {
			t.Fatalf("course.created events: %+v", got)
		}
	})
	before := e.count("Courses")

	bad := func(name, token, body string, status int, fields ...string) {
		t.Run(name, func(t *testing.T) {
			rejected(t, e.do("POST", "/v1/courses", token, body), status, fields...)
		})
	}
	bad("create_400_negative_price", tok, `{"title":"T","price":{"amount":-100,"currency":"IDR"},"billing_interval":"month"}`,
		400, "price.amount")
	bad("create_400_zero_price", tok, `{"title":"T","price":{"amount":0,"currency":"IDR"},"billing_interval":"month"}`,
		400, "price.amount")
	bad("create_400_unknown_currency", tok, `{"title":"T","price":{"amount":100,"currency":"EUR"},"billing_interval":"month"}`,
		400, "price.currency")
	bad("create_400_every_bad_field_named", tok, `{"title":" ","price":{"amount":-1,"currency":"X"},"billing_interval":"weekly"}`,
		400, "title", "price.currency", "billing_interval")
	bad("create_400_currency_lower_case", tok, `{"title":"T","price":{"amount":1500,"currency":"jpy"},"billing_interval":"month"}`,
		400, "price.currency")
	bad("create_400_one_minor_unit", tok, `{"title":"T","price":{"amount":1,"currency":"MXN"},"billing_interval":"month"}`,
		400, "price.amount")
	bad("create_400_over_stripes_maximum", tok, `{"title":"T","price":{"amount":100000000,"currency":"JPY"},"billing_interval":"month"}`,
		400, "price.amount")
	bad("create_400_malformed_json", tok, `{"title":`, 400)
	bad("create_400_empty_body", tok, ``, 400)
	bad("create_400_unknown_field", tok, `{"title":"T","colour":"red"}`, 400, "colour")
	bad("create_400_wrong_type", tok, `{"title":"T","price":{"amount":"100","currency":"IDR"},"billing_interval":"month"}`, 400)
	good := `{"title":"T","price":{"amount":100,"currency":"IDR"},"billing_interval":"month"}`
	bad("create_401_no_token", "", good, 401)
	other, _ := auth.GenerateKey()
	forged, _, _ := auth.Signer{Key: auth.SigningKey{KID: e.key.KID, Private: other.Private}, Issuer: "test", TTL: time.Minute}.
		Issue(tutorA, []auth.Role{auth.Tutor}, time.Now())
	bad("create_401_bad_signature", forged, good, 401)
	expired, _, _ := e.signer.Issue(tutorA, []auth.Role{auth.Tutor}, time.Now().Add(-time.Hour))
	bad("create_401_expired", expired, good, 401)
	bad("create_403_learner", e.token(learner, auth.Learner), good, 403)

	t.Run("rejected_requests_create_nothing", func(t *testing.T) {
		if n := e.count("Courses"); n != before {
			t.Fatalf("%d courses after rejected creates, want %d", n, before)
		}
	})
}

func TestUpdate(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	c := e.createCourse(tok, "Original")
	path := "/v1/courses/" + c.ID

	t.Run("update_200", func(t *testing.T) {
		v := decode[course.View](t, e.do("PATCH", path, tok, `{"title":" Renamed ","price":{"amount":99900,"currency":"PHP"}}`), 200)
		if v.Title != "Renamed" || v.Price != (money.Money{Amount: 99900, Currency: "PHP"}) || v.Description != c.Description ||
			v.BillingInterval != "month" || !v.UpdatedAt.After(c.UpdatedAt) || !v.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("after update: %+v", v)
		}
		if got := ofType(t, e.pub, coursemsg.EventUpdated); len(got) != 1 || got[0].Title != "Renamed" || got[0].Price.Currency != "PHP" {
			t.Fatalf("course.updated events: %+v", got)
		}
	})
	want := e.get(tok, c.ID)

	for _, tt := range []struct {
		name, token, path, body string
		status                  int
		fields                  []string
	}{
		{"update_400_bad_fields", tok, path, `{"title":"","price":{"amount":-5,"currency":"IDR"}}`, 400, []string{"title", "price.amount"}},
		{"update_400_nothing_to_change", tok, path, `{}`, 400, nil},
		{"update_400_unknown_field", tok, path, `{"status":"published"}`, 400, []string{"status"}},
		{"update_403_not_owner", e.tutor(tutorB), path, `{"title":"Mine now"}`, 403, nil},
		{"update_403_learner", e.token(learner, auth.Learner), path, `{"title":"Mine now"}`, 403, nil},
		{"update_401_no_token", "", path, `{"title":"Mine now"}`, 401, nil},
		{"update_404_unknown", tok, "/v1/courses/00000000-0000-4000-8000-000000000999", `{"title":"X"}`, 404, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rejected(t, e.do("PATCH", tt.path, tt.token, tt.body), tt.status, tt.fields...)
			if got := e.get(tok, c.ID); !same(got, want) {
				t.Fatalf("a rejected update changed the course:\n got  %+v\n want %+v", got, want)
			}
		})
	}
	t.Run("update_403_message", func(t *testing.T) {
		d := rejected(t, e.do("PATCH", path, e.tutor(tutorB), `{"title":"X"}`), 403)
		if d.Message != "only the course's tutor may change it" {
			t.Fatalf("message %q", d.Message)
		}
	})
	t.Run("update_200_same_values_changes_nothing", func(t *testing.T) {
		v := decode[course.View](t, e.do("PATCH", path, tok, `{"title":"Renamed"}`), 200)
		if !same(v, want) || len(ofType(t, e.pub, coursemsg.EventUpdated)) != 1 {
			t.Fatalf("a no-op update wrote: %+v", v)
		}
	})
}

func TestPublish(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	c := e.createCourse(tok, "To publish")
	path := "/v1/courses/" + c.ID

	t.Run("publish_409_no_items", func(t *testing.T) {
		d := rejected(t, e.do("POST", path+"/publish", tok, nil), 409)
		if !strings.Contains(d.Message, "at least one item") {
			t.Fatalf("message %q does not say what to do", d.Message)
		}
		if v := e.get(tok, c.ID); v.Status != "draft" {
			t.Fatalf("status %s", v.Status)
		}
	})
	e.addText(tok, c.ID, "Lesson 1")
	t.Run("publish_403_not_owner", func(t *testing.T) {
		rejected(t, e.do("POST", path+"/publish", e.tutor(tutorB), nil), 403)
	})
	t.Run("publish_404_unknown", func(t *testing.T) {
		rejected(t, e.do("POST", "/v1/courses/nope/publish", tok, nil), 404)
	})
	var published course.View
	t.Run("publish_200", func(t *testing.T) {
		published = decode[course.View](t, e.do("POST", path+"/publish", tok, nil), 200)
		if published.Status != "published" || published.PublishedAt == nil || published.ItemCount != 1 {
			t.Fatalf("after publish: %+v", published)
		}
		// The event went out through the outbox, in the same transaction,
		// numbered after course.created (1) and item.added (2).
		got := ofType(t, e.pub, coursemsg.EventPublished)
		if len(got) != 1 || got[0] != (coursemsg.EventData{CourseID: c.ID, TutorID: tutorA, Status: "published",
			Price: c.Price, BillingInterval: "month", Title: "To publish", ItemCount: 1, Version: 3}) {
			t.Fatalf("course.published events: %+v", got)
		}
	})
	t.Run("publish_200_idempotent", func(t *testing.T) {
		v := decode[course.View](t, e.do("POST", path+"/publish", tok, nil), 200)
		if !same(v, published) {
			t.Fatalf("publishing again changed the course:\n %+v\n %+v", v, published)
		}
		if n := len(ofType(t, e.pub, coursemsg.EventPublished)); n != 1 {
			t.Fatalf("%d course.published events, want 1", n)
		}
	})
	t.Run("unpublish_200_idempotent", func(t *testing.T) {
		for range 2 {
			v := decode[course.View](t, e.do("POST", path+"/unpublish", tok, nil), 200)
			if v.Status != "draft" || v.PublishedAt != nil {
				t.Fatalf("after unpublish: %+v", v)
			}
		}
		if n := len(ofType(t, e.pub, coursemsg.EventUnpublished)); n != 1 {
			t.Fatalf("%d course.unpublished events, want 1", n)
		}
		rejected(t, e.do("GET", path, "", nil), 404)
	})
	t.Run("unpublish_403_not_owner", func(t *testing.T) {
		rejected(t, e.do("POST", path+"/unpublish", e.tutor(tutorB), nil), 403)
	})
}

func TestGet(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	draft := e.createCourse(tok, "Draft")
	pub := e.createCourse(tok, "Public")
	e.addText(tok, pub.ID, "L1")
	expect(t, e.do("POST", "/v1/courses/"+pub.ID+"/publish", tok, nil), 200)

	t.Run("get_draft_200_for_owner", func(t *testing.T) {
		if v := e.get(tok, draft.ID); v.ID != draft.ID || v.Status != "draft" {
			t.Fatalf("%+v", v)
		}
	})
	for name, other := range map[string]string{
		"anonymous":   "",
		"other_tutor": e.tutor(tutorB),
		"learner":     e.token(learner, auth.Learner),
	} {
		t.Run("get_draft_404_for_others/"+name, func(t *testing.T) {
			d := rejected(t, e.do("GET", "/v1/courses/"+draft.ID, other, nil), 404)
			if d.Message != "course not found" {
				t.Fatalf("message %q", d.Message)
			}
			rejected(t, e.do("GET", "/v1/courses/"+draft.ID+"/items", other, nil), 404)
		})
		t.Run("get_published_200/"+name, func(t *testing.T) {
			if v := decode[course.View](t, e.do("GET", "/v1/courses/"+pub.ID, other, nil), 200); v.ID != pub.ID || v.ItemCount != 1 {
				t.Fatalf("%+v", v)
			}
		})
	}
	t.Run("get_404_unknown", func(t *testing.T) {
		rejected(t, e.do("GET", "/v1/courses/00000000-0000-4000-8000-000000000999", tok, nil), 404)
	})
	t.Run("get_401_invalid_token_on_public_route", func(t *testing.T) {
		rejected(t, e.do("GET", "/v1/courses/"+pub.ID, "not-a-jwt", nil), 401)
	})
}

func TestItems(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	c := e.createCourse(tok, "With items")
	itemsPath := "/v1/courses/" + c.ID + "/items"

	t.Run("item_add_201", func(t *testing.T) {
		it := e.addText(tok, c.ID, "Intro")
		if it.Position != 1 || it.Kind != "text" || it.Body != "Body of Intro" || it.ContentStatus != "ready" ||
			it.CourseID != c.ID || it.CreatedAt.IsZero() {
			t.Fatalf("%+v", it)
		}
		v := decode[course.ItemView](t, e.do("POST", itemsPath, tok, `{"kind":"video","title":"Lecture"}`), 201)
		if v.Position != 2 || v.ContentStatus != "awaiting_upload" || v.Body != "" {
			t.Fatalf("%+v", v)
		}
		e.addText(tok, c.ID, "Summary")
		if got := e.get(tok, c.ID); got.ItemCount != 3 || !got.UpdatedAt.After(c.UpdatedAt) {
			t.Fatalf("course after adds: %+v", got)
		}
		added := ofType(t, e.pub, coursemsg.EventItemAdded)
		if len(added) != 3 || added[1].ItemID != v.ID || added[1].ItemKind != "video" || added[1].ItemCount != 2 {
			t.Fatalf("item_added events: %+v", added)
		}
	})
	for _, tt := range []struct {
		name, token, path, body string
		status                  int
		fields                  []string
	}{
		{"item_add_400_body_for_video", tok, itemsPath, `{"kind":"video","title":"V","body":"text"}`, 400, []string{"body"}},
		{"item_add_400_text_without_body", tok, itemsPath, `{"kind":"text","title":"T"}`, 400, []string{"body"}},
		{"item_add_400_unknown_kind", tok, itemsPath, `{"kind":"quiz","title":"Q"}`, 400, []string{"kind"}},
		{"item_add_403_not_owner", e.tutor(tutorB), itemsPath, `{"kind":"file","title":"F"}`, 403, nil},
		{"item_add_404_unknown_course", tok, "/v1/courses/nope/items", `{"kind":"file","title":"F"}`, 404, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rejected(t, e.do("POST", tt.path, tt.token, tt.body), tt.status, tt.fields...)
			if n := len(e.items(tok, c.ID)); n != 3 {
				t.Fatalf("%d items after a rejected add, want 3", n)
			}
		})
	}

	list := e.items(tok, c.ID)
	t.Run("items_draft_404_for_others", func(t *testing.T) {
		rejected(t, e.do("GET", itemsPath, "", nil), 404)
		rejected(t, e.do("GET", itemsPath, e.tutor(tutorB), nil), 404)
	})
	t.Run("items_bodies_hidden_from_public", func(t *testing.T) {
		// Not while a media item has no content; once the Content
		// service says each is ready, it publishes.
		rejected(t, e.do("POST", "/v1/courses/"+c.ID+"/publish", tok, nil), 409)
		for i, it := range list {
			if it.Kind != coursemsg.KindText {
				b, _ := json.Marshal(contentmsg.EventData{CourseID: c.ID, ItemID: it.ID, Status: contentmsg.StatusReady, Version: 1})
				expect(t, e.push("course-on-content-event", fmt.Sprintf("ready-%d", i), contentmsg.EventReady, b), http.StatusNoContent)
			}
		}
		expect(t, e.do("POST", "/v1/courses/"+c.ID+"/publish", tok, nil), 200)
		for _, who := range []string{"", e.token(learner, auth.Learner), e.tutor(tutorB)} {
			rec := e.do("GET", itemsPath, who, nil)
			got := decode[course.ItemList](t, rec, 200).Items
			if len(got) != 3 || strings.Contains(rec.Body.String(), `"body"`) {
				t.Fatalf("public item list: %s", rec.Body)
			}
			for i, it := range got {
				if it.Title != list[i].Title || it.Kind != list[i].Kind || it.Position != int64(i+1) {
					t.Fatalf("item %d: %+v", i, it)
				}
			}
		}
		if owner := e.items(tok, c.ID); owner[0].Body != "Body of Intro" {
			t.Fatalf("owner does not see bodies: %+v", owner[0])
		}
	})

	itemPath := itemsPath + "/" + list[0].ID
	t.Run("item_update_200", func(t *testing.T) {
		v := decode[course.ItemView](t, e.do("PATCH", itemPath, tok, `{"title":"Welcome","body":"New body"}`), 200)
		if v.Title != "Welcome" || v.Body != "New body" || v.Position != 1 || !v.UpdatedAt.After(list[0].UpdatedAt) {
			t.Fatalf("%+v", v)
		}
		if got := ofType(t, e.pub, coursemsg.EventItemUpdated); len(got) != 1 || got[0].ItemID != list[0].ID {
			t.Fatalf("item_updated events: %+v", got)
		}
	})
	t.Run("item_update_400_body_on_video", func(t *testing.T) {
		rejected(t, e.do("PATCH", itemsPath+"/"+list[1].ID, tok, `{"body":"x"}`), 400, "body")
	})
	t.Run("item_update_404_unknown_item", func(t *testing.T) {
		rejected(t, e.do("PATCH", itemsPath+"/nope", tok, `{"title":"x"}`), 404)
	})
	t.Run("item_update_403_not_owner", func(t *testing.T) {
		rejected(t, e.do("PATCH", itemPath, e.tutor(tutorB), `{"title":"x"}`), 403)
		if got := e.items(tok, c.ID)[0]; got.Title != "Welcome" {
			t.Fatalf("title %q", got.Title)
		}
	})

	orderPath := itemsPath + "/order"
	ids := func(items []course.ItemView) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	t.Run("reorder_200", func(t *testing.T) {
		want := []string{list[2].ID, list[0].ID, list[1].ID}
		got := decode[course.ItemList](t, e.do("PUT", orderPath, tok, course.ReorderRequest{ItemIDs: want}), 200).Items
		if !slices.Equal(ids(got), want) || got[0].Position != 1 || got[2].Position != 3 {
			t.Fatalf("after reorder: %+v", got)
		}
		if !slices.Equal(ids(e.items("", c.ID)), want) {
			t.Fatal("the public list does not show the new order")
		}
	})
	order := ids(e.items(tok, c.ID))
	for name, body := range map[string]course.ReorderRequest{
		"reorder_400_not_a_permutation_missing":   {ItemIDs: order[:2]},
		"reorder_400_not_a_permutation_duplicate": {ItemIDs: []string{order[0], order[0], order[1]}},
		"reorder_400_not_a_permutation_unknown":   {ItemIDs: []string{order[0], order[1], "nope"}},
		"reorder_400_missing_item_ids":            {},
	} {
		t.Run(name, func(t *testing.T) {
			rejected(t, e.do("PUT", orderPath, tok, body), 400, "item_ids")
			if got := ids(e.items(tok, c.ID)); !slices.Equal(got, order) {
				t.Fatalf("a rejected reorder changed the order: %v", got)
			}
		})
	}
	t.Run("reorder_403_not_owner", func(t *testing.T) {
		rejected(t, e.do("PUT", orderPath, e.tutor(tutorB), course.ReorderRequest{ItemIDs: order}), 403)
	})

	t.Run("remove_204_renumbers_positions", func(t *testing.T) {
		rec := e.do("DELETE", itemsPath+"/"+order[1], tok, nil)
		expect(t, rec, 204)
		if rec.Body.Len() != 0 {
			t.Fatalf("204 with a body: %s", rec.Body)
		}
		got := e.items(tok, c.ID)
		if !slices.Equal(ids(got), []string{order[0], order[2]}) || got[0].Position != 1 || got[1].Position != 2 {
			t.Fatalf("after remove: %+v", got)
		}
		if v := e.get(tok, c.ID); v.ItemCount != 2 {
			t.Fatalf("item_count %d", v.ItemCount)
		}
		if got := ofType(t, e.pub, coursemsg.EventItemRemoved); len(got) != 1 || got[0].ItemID != order[1] || got[0].ItemCount != 2 {
			t.Fatalf("item_removed events: %+v", got)
		}
	})
	t.Run("remove_404_already_removed", func(t *testing.T) {
		rejected(t, e.do("DELETE", itemsPath+"/"+order[1], tok, nil), 404)
	})
	t.Run("remove_403_not_owner", func(t *testing.T) {
		rejected(t, e.do("DELETE", itemsPath+"/"+order[0], e.tutor(tutorB), nil), 403)
	})
	t.Run("remove_409_last_item_of_published_course", func(t *testing.T) {
		expect(t, e.do("DELETE", itemsPath+"/"+order[0], tok, nil), 204)
		rejected(t, e.do("DELETE", itemsPath+"/"+order[2], tok, nil), 409)
		if n := len(e.items(tok, c.ID)); n != 1 {
			t.Fatalf("%d items", n)
		}
	})
}

func TestItems_limitOf100(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	c := e.createCourse(tok, "Full")
	// Seed 100 items directly (100 requests would only slow the test down).
	muts := []*spanner.Mutation{spanner.Update("Courses", []string{"CourseId", "ItemCount"}, []any{c.ID, int64(course.MaxItems)})}
	for i := range course.MaxItems {
		muts = append(muts, spanner.Insert("CourseItems",
			[]string{"CourseId", "ItemId", "Position", "Kind", "Title", "Body", "ContentStatus", "CreatedAt", "UpdatedAt"},
			[]any{c.ID, fmt.Sprintf("item-%03d", i), int64(i + 1), "file", "F", nil, "awaiting_upload", spanner.CommitTimestamp, spanner.CommitTimestamp}))
	}
	if _, err := e.db.Apply(context.Background(), muts); err != nil {
		t.Fatal(err)
	}
	rejected(t, e.do("POST", "/v1/courses/"+c.ID+"/items", tok, `{"kind":"file","title":"one too many"}`), 409)
	if n := e.get(tok, c.ID).ItemCount; n != course.MaxItems {
		t.Fatalf("item_count %d", n)
	}
}

func TestCatalog(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// 25 published courses in 5 groups sharing a publish time (so ties are
	// broken by id), 3 drafts, and one tutor with a projected name.
	base := time.Date(2020, 3, 1, 12, 0, 0, 0, time.UTC) // before anything published through the API
	var muts []*spanner.Mutation
	var want []string
	cols := []string{"CourseId", "TutorId", "Title", "Description", "PriceAmount", "Currency", "BillingInterval",
		"Status", "ItemCount", "CreatedAt", "UpdatedAt", "PublishedAt"}
	for g := 4; g >= 0; g-- { // newest group first, as the catalog lists
		for i := range 5 {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i*10+g)
			want = append(want, id)
			muts = append(muts, spanner.Insert("Courses", cols, []any{id, tutorA, "Course " + id, "", int64(100), "USD", "month",
				"published", int64(1), base, base, base.Add(time.Duration(g) * time.Minute)}))
		}
	}
	slices.SortStableFunc(want, func(a, b string) int { // by group desc (last digit), then id
		if ga, gb := a[len(a)-1], b[len(b)-1]; ga != gb {
			return int(gb) - int(ga)
		}
		return strings.Compare(a, b)
	})
	for i := range 3 {
		muts = append(muts, spanner.Insert("Courses", cols, []any{fmt.Sprintf("draft-%d", i), tutorA, "Draft", "", int64(100), "USD",
			"month", "draft", int64(0), base, base, nil}))
	}
	muts = append(muts, spanner.Insert("TutorProfiles", []string{"TutorId", "DisplayName", "UpdatedAt"},
		[]any{tutorA, "Ayu", spanner.CommitTimestamp}))
	if _, err := e.db.Apply(ctx, muts); err != nil {
		t.Fatal(err)
	}

	t.Run("catalog_pages_return_each_course_once_in_stable_order", func(t *testing.T) {
		var got []string
		var sizes []int
		cursor := ""
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatal("pagination does not end")
			}
			p := decode[course.Page](t, e.do("GET", "/v1/courses?limit=10&cursor="+cursor, "", nil), 200)
			sizes = append(sizes, len(p.Courses))
			for _, v := range p.Courses {
				if v.Status != "published" || v.TutorName != "Ayu" || v.PublishedAt == nil {
					t.Fatalf("catalog entry %+v", v)
				}
				got = append(got, v.ID)
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if !slices.Equal(sizes, []int{10, 10, 5}) {
			t.Fatalf("page sizes %v, want [10 10 5]", sizes)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("order\n got  %v\n want %v", got, want)
		}
	})
	t.Run("catalog_default_limit_20", func(t *testing.T) {
		p := decode[course.Page](t, e.do("GET", "/v1/courses", "", nil), 200)
		if len(p.Courses) != 20 || p.NextCursor == "" {
			t.Fatalf("%d courses, next %q", len(p.Courses), p.NextCursor)
		}
	})
	t.Run("catalog_last_page_exact_has_no_cursor", func(t *testing.T) {
		p := decode[course.Page](t, e.do("GET", "/v1/courses?limit=25", "", nil), 200)
		if len(p.Courses) != 25 || p.NextCursor != "" {
			t.Fatalf("%d courses, next %q", len(p.Courses), p.NextCursor)
		}
	})
	for name, q := range map[string]string{
		"cursor_400_malformed":          "cursor=not*base64!",
		"cursor_400_not_ours":           "cursor=eyJ4IjoxfQ",
		"limit_400_zero":                "limit=0",
		"limit_400_too_large":           "limit=101",
		"limit_400_not_a_number":        "limit=ten",
		"limit_and_cursor_400_both_bad": "limit=-1&cursor=x",
	} {
		t.Run(name, func(t *testing.T) {
			want := []string{}
			for _, f := range []string{"limit", "cursor"} {
				if strings.Contains(q, f+"=") {
					want = append(want, f)
				}
			}
			rejected(t, e.do("GET", "/v1/courses?"+q, "", nil), 400, want...)
		})
	}
	t.Run("catalog_empty_is_an_empty_list", func(t *testing.T) {
		e2 := newEnv(t)
		rec := e2.do("GET", "/v1/courses", "", nil)
		expect(t, rec, 200)
		if got := strings.TrimSpace(rec.Body.String()); got != `{"courses":[],"filters":{}}` {
			t.Fatalf("body %s", got)
		}
	})
	t.Run("catalog_shows_published_through_api_first_and_not_after_unpublish", func(t *testing.T) {
		tok := e.tutor(tutorB)
		c := e.createCourse(tok, "Fresh")
		e.addText(tok, c.ID, "L1")
		expect(t, e.do("POST", "/v1/courses/"+c.ID+"/publish", tok, nil), 200)
		p := decode[course.Page](t, e.do("GET", "/v1/courses?limit=1", "", nil), 200)
		if len(p.Courses) != 1 || p.Courses[0].ID != c.ID || p.Courses[0].TutorName != "" {
			t.Fatalf("newest course %+v", p.Courses)
		}
		expect(t, e.do("POST", "/v1/courses/"+c.ID+"/unpublish", tok, nil), 200)
		p = decode[course.Page](t, e.do("GET", "/v1/courses?limit=1", "", nil), 200)
		if p.Courses[0].ID == c.ID {
			t.Fatal("unpublished course still in the catalog")
		}
	})
}

// testPushToken is the push token the test's functions accept.
const testPushToken = "push-token"

// push delivers a Pub/Sub push envelope to a push function.
func (e *env) push(function, eventID, typ string, data []byte) *httptest.ResponseRecorder {
	e.t.Helper()
	var env struct {
		Message struct {
			Data       []byte            `json:"data"`
			Attributes map[string]string `json:"attributes"`
			MessageID  string            `json:"messageId"`
		} `json:"message"`
		Subscription string `json:"subscription"`
	}
	env.Message.Data = data
	env.Message.Attributes = map[string]string{events.AttrEventID: eventID, events.AttrType: typ}
	env.Message.MessageID = "1"
	env.Subscription = "x"
	return e.do("POST", fnreg.PushPath(function)+"?token="+testPushToken, "", env)
}

func (e *env) profile(tutorID string) (name string, updated time.Time, ok bool) {
	e.t.Helper()
	row, err := e.db.Single().ReadRow(context.Background(), "TutorProfiles", spanner.Key{tutorID}, []string{"DisplayName", "UpdatedAt"})
	if spanx.IsNotFound(err) {
		return "", time.Time{}, false
	}
	if err != nil {
		e.t.Fatal(err)
	}
	if err := row.Columns(&name, &updated); err != nil {
		e.t.Fatal(err)
	}
	return name, updated, true
}

func TestUserEventProjection(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	c := e.createCourse(tok, "Named")
	if c.TutorName != "" {
		t.Fatalf("tutor_name %q before any user event", c.TutorName)
	}
	payload := func(id, name string, roles ...string) []byte {
		b, _ := json.Marshal(usermsg.EventData{UserID: id, DisplayName: name, Roles: roles, Country: "ID"})
		return b
	}

	t.Run("redelivered_event_changes_nothing", func(t *testing.T) {
		data := payload(tutorA, "Ayu Lestari", "tutor")
		expect(t, e.push("course-on-user-event", "ev-1", usermsg.EventRegistered, data), 204)
		name, first, ok := e.profile(tutorA)
		if !ok || name != "Ayu Lestari" {
			t.Fatalf("profile %q %v", name, ok)
		}
		expect(t, e.push("course-on-user-event", "ev-1", usermsg.EventRegistered, data), 204)
		if _, again, _ := e.profile(tutorA); !again.Equal(first) {
			t.Fatalf("redelivery rewrote the profile (%v, then %v)", first, again)
		}
		if n := e.count("ProcessedEvents"); n != 1 {
			t.Fatalf("%d processed events, want 1", n)
		}
		if v := e.get(tok, c.ID); v.TutorName != "Ayu Lestari" {
			t.Fatalf("tutor_name %q", v.TutorName)
		}
	})
	t.Run("update_event_renames", func(t *testing.T) {
		expect(t, e.push("course-on-user-event", "ev-2", usermsg.EventUpdated, payload(tutorA, "Ayu L.", "learner", "tutor")), 204)
		if v := e.get(tok, c.ID); v.TutorName != "Ayu L." {
			t.Fatalf("tutor_name %q", v.TutorName)
		}
	})
	t.Run("learner_is_not_projected", func(t *testing.T) {
		expect(t, e.push("course-on-user-event", "ev-3", usermsg.EventRegistered, payload(learner, "Lea", "learner")), 204)
		if _, _, ok := e.profile(learner); ok {
			t.Fatal("a learner was projected")
		}
	})
	t.Run("unknown_type_acknowledged", func(t *testing.T) {
		expect(t, e.push("course-on-user-event", "ev-4", "user.deleted_someday", []byte(`not even json`)), 204)
	})
	t.Run("malformed_payload_400", func(t *testing.T) {
		rejected(t, e.push("course-on-user-event", "ev-5", usermsg.EventRegistered, []byte(`{"user_id":`)), 400)
		rejected(t, e.push("course-on-user-event", "ev-6", usermsg.EventUpdated, []byte(`{"display_name":"No id","roles":["tutor"]}`)), 400)
		rejected(t, e.push("course-on-user-event", "ev-7", usermsg.EventUpdated, []byte(`{"user_id":7}`)), 400)
		if name, _, _ := e.profile(tutorA); name != "Ayu L." {
			t.Fatalf("a malformed event changed the profile: %q", name)
		}
	})
	t.Run("older_rename_arriving_late_changes_nothing", func(t *testing.T) {
		versioned := func(name string, version int64) []byte {
			b, _ := json.Marshal(usermsg.EventData{UserID: tutorA, DisplayName: name, Roles: []string{"tutor"}, Version: version})
			return b
		}
		expect(t, e.push("course-on-user-event", "ev-8", usermsg.EventUpdated, versioned("Ayu v3", 3)), 204)
		expect(t, e.push("course-on-user-event", "ev-9", usermsg.EventUpdated, versioned("Ayu v2", 2)), 204)
		if v := e.get(tok, c.ID); v.TutorName != "Ayu v3" {
			t.Fatalf("after a late v2: tutor_name %q, want Ayu v3", v.TutorName)
		}
		expect(t, e.push("course-on-user-event", "ev-10", usermsg.EventUpdated, versioned("Ayu v4", 4)), 204)
		if v := e.get(tok, c.ID); v.TutorName != "Ayu v4" {
			t.Fatalf("after v4: tutor_name %q", v.TutorName)
		}
	})
}

func TestOutboxRelay_publishesWhatTheCommitCouldNot(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	e.pub.Failing.Store(true)
	c := e.createCourse(tok, "Created while Pub/Sub is down")
	if n := len(ofType(t, e.pub, coursemsg.EventCreated)); n != 0 {
		t.Fatalf("%d events published while failing", n)
	}
	e.pub.Failing.Store(false)
	expect(t, e.push("course-outbox-relay", "tick-1", "", []byte(`{}`)), 204)
	got := ofType(t, e.pub, coursemsg.EventCreated)
	if len(got) != 1 || got[0].CourseID != c.ID {
		t.Fatalf("after relay: %+v", got)
	}
	expect(t, e.push("course-outbox-relay", "tick-2", "", []byte(`{}`)), 204)
	if n := len(ofType(t, e.pub, coursemsg.EventCreated)); n != 1 {
		t.Fatalf("a second relay republished: %d events", n)
	}
}

func BenchmarkGetCourse(b *testing.B) {
	e := newEnv(b)
	tok := e.tutor(tutorA)
	c := e.createCourse(tok, "Benchmarked")
	e.addText(tok, c.ID, "L1")
	expect(b, e.do("POST", "/v1/courses/"+c.ID+"/publish", tok, nil), 200)
	path := "/v1/courses/" + c.ID
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
