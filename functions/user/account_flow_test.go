package user_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/spanx"
)

// TestAccountLifecycle exports a learner's data, then deletes the account
// through the whole stack: tokens stop at once, the subscription ends, the
// tutor's subscriber list empties, and the email is free again; then a
// tutor's deletion removes the name their course showed.
func TestAccountLifecycle(t *testing.T) {
	e := apitest.Start(t, apitest.Setenv("KW_TOKEN_REVOCATIONS_REFRESH", "0s"))
	_, tutor := e.User("tutor@account.test", "tutor")
	var c struct{ ID string }
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Salsa", "description": "d",
		"price": map[string]any{"amount": 20000, "currency": "MXN"}, "billing_interval": "month"}).JSON(t, &c)
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": "Uno", "body": "b"})
	e.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil)

	const email = "learner@account.test"
	learnerID, _ := e.User(email, "learner")
	s := loginSession(e, email, apitest.Password)
	e.Must(201, "POST", "/v1/billing/payment-methods", s.AccessToken, map[string]string{"payment_method_id": "pm_card_visa"})
	var sub struct{ ID, Status string }
	e.Must(http.StatusAccepted, "POST", "/v1/subscriptions", s.AccessToken, map[string]string{"course_id": c.ID}).JSON(t, &sub)
	e.Eventually("the subscription is active", time.Minute, func() bool {
		e.Must(200, "GET", "/v1/subscriptions/"+sub.ID, s.AccessToken, nil).JSON(t, &sub)
		return sub.Status == "active"
	})
	subscribers := func() int {
		var p struct {
			Subscribers     []any `json:"subscribers"`
			SubscriberCount int   `json:"subscriber_count"`
		}
		e.Must(200, "GET", "/v1/courses/"+c.ID+"/subscribers", tutor, nil).JSON(t, &p)
		return len(p.Subscribers) + p.SubscriberCount
	}
	e.Eventually("the tutor sees the subscriber", time.Minute, func() bool { return subscribers() == 2 })
	progressDB, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, "progress"))
	if err != nil {
		t.Fatal(err)
	}
	defer progressDB.Close()
	progressRows := func(table string) int64 {
		n, err := spanx.Column[int64](progressDB.Single().Query(context.Background(), spanner.Statement{
			SQL: "SELECT COUNT(*) FROM " + table + " WHERE UserId = @u", Params: map[string]any{"u": learnerID}}))
		if err != nil {
			t.Fatal(err)
		}
		return n[0]
	}
	e.Eventually("progress knows the learner's course", time.Minute, func() bool { return progressRows("LearnerCourses") == 1 })

	t.Run("export_200_a_json_file_of_my_data", func(t *testing.T) {
		r := e.Must(200, "GET", "/v1/users/me/export", s.AccessToken, nil)
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="kwipper-account-`+learnerID+`.json"` {
			t.Fatalf("Content-Disposition %q", cd)
		}
		var x user.Export
		r.JSON(t, &x)
		if x.Profile.Email != email || x.ExportedAt.IsZero() || len(x.Courses) != 1 || x.Courses[0].CourseID != c.ID ||
			x.Courses[0].SubscriptionID != sub.ID || len(x.Sessions) < 2 {
			t.Fatalf("export %+v", x)
		}
		// Every other part of the account's data answers at the path the
		// export names, for the same token.
		if len(x.Elsewhere) < 4 {
			t.Fatalf("export names %d other parts", len(x.Elsewhere))
		}
		for _, p := range x.Elsewhere {
			if p.Service == "course" || strings.Contains(p.Path, "/tutors/") {
				continue // a tutor's parts; this is a learner
			}
			e.Must(200, "GET", p.Path, s.AccessToken, nil)
		}
		e.Must(401, "GET", "/v1/users/me/export", "", nil)
	})
	t.Run("delete_refusals_change_nothing", func(t *testing.T) {
		e.Must(401, "DELETE", "/v1/users/me", "", map[string]string{"password": apitest.Password})
		if r := e.Must(403, "DELETE", "/v1/users/me", s.AccessToken, map[string]string{"password": "wrong-horse-99"}); r.Error(t).Error.Fields["password"] == "" {
			t.Fatalf("no field: %s", r.Body)
		}
		e.Must(400, "DELETE", "/v1/users/me", s.AccessToken, map[string]string{})
		e.Must(400, "DELETE", "/v1/users/me", s.AccessToken, nil)
		e.Must(200, "GET", "/v1/users/me", s.AccessToken, nil)
		loginSession(e, email, apitest.Password)
		e.Must(200, "GET", "/v1/subscriptions/"+sub.ID, s.AccessToken, nil).JSON(t, &sub)
		if sub.Status != "active" {
			t.Fatalf("subscription %+v", sub)
		}
	})

	e.Must(204, "DELETE", "/v1/users/me", s.AccessToken, map[string]string{"password": apitest.Password})

	t.Run("deleted_account_tokens_stop_at_once", func(t *testing.T) {
		e.Must(401, "GET", "/v1/users/me", s.AccessToken, nil)
		e.Must(401, "GET", "/v1/subscriptions/"+sub.ID, s.AccessToken, nil)
		refresh(e, 400, s.RefreshToken)
		e.Must(401, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": apitest.Password})
	})
	t.Run("deleted_account_subscription_ends_at_once", func(t *testing.T) {
		e.Eventually("the tutor's subscriber list empties", time.Minute, func() bool { return subscribers() == 0 })
		db, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, "subscriptions"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		row, err := db.Single().ReadRow(context.Background(), "Subscriptions", spanner.Key{sub.ID}, []string{"Status", "ReasonCode"})
		if err != nil {
			t.Fatal(err)
		}
		var status string
		var code spanner.NullString
		if err := row.Columns(&status, &code); err != nil || status != "ended" || code.StringVal != "account_deleted" {
			t.Fatalf("subscription %s %v (%v)", status, code, err)
		}
	})
	t.Run("deleted_account_progress_forgotten", func(t *testing.T) {
		e.Eventually("progress forgets the learner", time.Minute, func() bool {
			return progressRows("DeletedLearners") == 1 && progressRows("LearnerCourses") == 0 && progressRows("Progress") == 0
		})
	})
	t.Run("deleted_account_billing_pseudonymised_customer_deleted", func(t *testing.T) {
		db, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, "billing"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		count := func(sql string, params map[string]any) int64 {
			n, err := spanx.Column[int64](db.Single().Query(context.Background(), spanner.Statement{SQL: sql, Params: params}))
			if err != nil {
				t.Fatal(err)
			}
			return n[0]
		}
		mine := map[string]any{"u": learnerID}
		e.Eventually("billing forgets the learner", time.Minute, func() bool {
			return count("SELECT COUNT(*) FROM Customers WHERE UserId = @u", mine) == 0
		})
		for _, table := range []string{"Payments", "PaymentTerms", "Receipts", "PaymentMethods"} {
			if n := count("SELECT COUNT(*) FROM "+table+" WHERE UserId = @u", mine); n != 0 {
				t.Errorf("%s still names the learner in %d rows", table, n)
			}
		}
		// The payment records tax law requires stay, under a pseudonym,
		// without the card's digits.
		if n := count("SELECT COUNT(*) FROM Payments WHERE STARTS_WITH(UserId, 'deleted-') AND Status = 'succeeded'", nil); n != 1 {
			t.Errorf("%d pseudonymised payments, want the subscription's 1", n)
		}
		if n := count("SELECT COUNT(*) FROM Receipts WHERE STARTS_WITH(UserId, 'deleted-') AND CardLast4 IS NULL", nil); n != 1 {
			t.Errorf("%d pseudonymised receipts without card digits, want 1", n)
		}
		if n := count("SELECT COUNT(*) FROM UserCountries WHERE UserId = @u AND Country = '' AND Email IS NULL AND DisplayName IS NULL", mine); n != 1 {
			t.Errorf("no tombstone of the learner's country (without name and email)")
		}
		if got := e.Stripe.Totals(); got.Succeeded != 1 || e.Stripe.Customers() != 0 {
			t.Errorf("stripe totals %+v, %d customers left (the learner's is deleted with its cards)", got, e.Stripe.Customers())
		}
	})
	t.Run("deleted_account_personal_data_gone", func(t *testing.T) {
		db, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, user.Database))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, table := range []string{"Users", "UserCourses", "Sessions", "RefreshTokens"} {
			n, err := spanx.Column[int64](db.Single().Query(context.Background(), spanner.Statement{
				SQL: "SELECT COUNT(*) FROM " + table + " WHERE UserId = @u", Params: map[string]any{"u": learnerID}}))
			if err != nil || n[0] != 0 {
				t.Fatalf("%s still holds %v rows (%v)", table, n, err)
			}
		}
		e.User(email, "learner") // the email is free again
	})
	t.Run("deleted_tutor_name_leaves_courses", func(t *testing.T) {
		var v struct {
			TutorName string `json:"tutor_name"`
		}
		e.Eventually("the tutor's name shows", time.Minute, func() bool {
			e.Must(200, "GET", "/v1/courses/"+c.ID, "", nil).JSON(t, &v)
			return v.TutorName != ""
		})
		e.Must(204, "DELETE", "/v1/users/me", tutor, map[string]string{"password": apitest.Password})
		e.Eventually("the tutor's name is forgotten", time.Minute, func() bool {
			e.Must(200, "GET", "/v1/courses/"+c.ID, "", nil).JSON(t, &v)
			return v.TutorName == ""
		})
	})
}
