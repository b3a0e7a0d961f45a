package subscribe_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
)

// learnerIn registers a learner living in country who saved card pm.
func (s *stack) learnerIn(country, pm string) (id, token string) {
	s.T.Helper()
	s.n++
	email := fmt.Sprintf("learner%d-%s@receipts.test", s.n, country)
	var u struct {
		ID string `json:"id"`
	}
	s.Must(http.StatusCreated, "POST", "/v1/users", "", map[string]any{"email": email, "password": apitest.Password,
		"display_name": "Learner " + country, "roles": []string{"learner"}, "country": country}).JSON(s.T, &u)
	var sess struct {
		AccessToken string `json:"access_token"`
	}
	s.Must(http.StatusOK, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": apitest.Password}).JSON(s.T, &sess)
	s.Must(201, "POST", "/v1/billing/payment-methods", sess.AccessToken, map[string]string{"payment_method_id": pm})
	return u.ID, sess.AccessToken
}

func (s *stack) payments(token, query string) billing.PaymentsPage {
	s.T.Helper()
	var p billing.PaymentsPage
	s.Must(200, "GET", "/v1/billing/payments"+query, token, nil).JSON(s.T, &p)
	return p
}

// Subscribe, renew and refund in JPY, and subscribe in MXN: the learner's
// list shows each payment and the refund newest first with the tax its
// price included (Japan 10 %, Mexico 16 %, in each currency's minor units),
// pages through a cursor, and each payment has a receipt with net and tax
// itemised; the tutor's revenue sums per course and currency, never across
// them. Another learner's receipt is 404 and a bad cursor 400, and neither
// changes anything.
func TestReceipts_subscribeRenewRefund_taxItemisedInJPYAndMXN(t *testing.T) {
	s := newStack(t)
	yen := s.course(1100, "JPY")    // ¥1,100 = ¥1,000 + ¥100 consumption tax
	peso := s.course(11_600, "MXN") // MXN 116.00 = 100.00 + 16.00 IVA

	jpID, jp := s.learnerIn("JP", "pm_card_visa")
	sub := s.subscribe(jp, yen)
	if got := s.settled(jp, sub.ID, false); got.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v, want active", got)
	}
	end1 := billingcal.PeriodEnd(s.rec(sub.ID).Anchor, billingcal.Month, 1)
	s.cycle(end1.Add(time.Hour))
	s.waitRec("the subscription renews", sub.ID, func(r recRow) bool { return r.Period == 1 })
	s.Must(http.StatusAccepted, "POST", "/v1/subscriptions/"+sub.ID+"/refund", jp, nil)
	s.waitRec("the refund completes", sub.ID, func(r recRow) bool { return r.Status == subscribe.StatusEnded })

	_, mx := s.learnerIn("MX", "pm_card_visa")
	msub := s.subscribe(mx, peso)
	if got := s.settled(mx, msub.ID, false); got.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v, want active", got)
	}

	var list billing.PaymentsPage
	s.Eventually("three rows in JPY", wait, func() bool {
		list = s.payments(jp, "")
		return len(list.Payments) == 3
	})
	rows := list.Payments
	want := []struct{ kind, status string }{{"refund", "refunded"}, {"payment", "refunded"}, {"payment", "succeeded"}}
	for i, r := range rows {
		if r.Kind != want[i].kind || r.Status != want[i].status || r.Amount.Amount != 1100 || r.Amount.Currency != "JPY" ||
			r.Exponent != 0 || r.Tax.Amount != 100 || r.Net != 1000 || r.Tax.RatePercent != "10" || r.Tax.Country != "JP" ||
			r.Tax.Name != "Consumption tax" || r.Method.Type != "card" || r.Method.Last4 == "" || r.CourseID != yen ||
			r.SubscriptionID != sub.ID || r.PeriodStart == nil || r.PeriodEnd == nil {
			t.Errorf("row %d: %+v, want %s %s ¥1,100 with ¥100 tax", i, r, want[i].kind, want[i].status)
		}
		if i > 0 && r.At.After(rows[i-1].At) {
			t.Errorf("row %d at %s is newer than row %d at %s", i, r.At, i-1, rows[i-1].At)
		}
	}
	renewal, first := rows[1], rows[2]
	if renewal.RefundedAmount != 1100 || first.RefundedAmount != 0 || rows[0].PaymentID != renewal.PaymentID ||
		first.PaymentID != billing.PaymentID(sub.ID) || !renewal.PeriodStart.Equal(*first.PeriodEnd) && !renewal.PeriodStart.After(*first.PeriodStart) {
		t.Errorf("renewal %+v, first %+v", renewal, first)
	}
	fmt.Printf("receipts flow: JPY rows %s/%s ¥%d tax ¥%d; %s/%s ¥%d tax ¥%d refunded ¥%d; %s/%s ¥%d tax ¥%d\n",
		rows[0].Kind, rows[0].Status, rows[0].Amount.Amount, rows[0].Tax.Amount, renewal.Kind, renewal.Status, renewal.Amount.Amount,
		renewal.Tax.Amount, renewal.RefundedAmount, first.Kind, first.Status, first.Amount.Amount, first.Tax.Amount)

	t.Run("pages_through_a_cursor", func(t *testing.T) {
		p1 := s.payments(jp, "?limit=2")
		if len(p1.Payments) != 2 || p1.NextCursor == "" || p1.Payments[1].ReceiptNumber != renewal.ReceiptNumber {
			t.Fatalf("page 1 %+v", p1)
		}
		p2 := s.payments(jp, "?limit=2&cursor="+url.QueryEscape(p1.NextCursor))
		if len(p2.Payments) != 1 || p2.NextCursor != "" || p2.Payments[0].ReceiptNumber != first.ReceiptNumber {
			t.Fatalf("page 2 %+v", p2)
		}
	})

	t.Run("receipts_itemise_net_and_tax", func(t *testing.T) {
		var r billing.ReceiptView
		s.Must(200, "GET", "/v1/billing/payments/"+first.PaymentID+"/receipt", jp, nil).JSON(t, &r)
		if r.Number != first.ReceiptNumber || r.Seller != billing.SellerName || r.BuyerCountry != "JP" || r.Currency != "JPY" ||
			r.Exponent != 0 || r.Net != 1000 || r.TaxAmount != 100 || r.Total != 1100 || r.Paid != 1100 || r.Refunded != 0 ||
			len(r.Lines) != 1 || r.Lines[0].Net != 1000 || r.Lines[0].Tax != 100 || r.Tax.RatePercent != "10" {
			t.Fatalf("first receipt %+v", r)
		}
		s.Must(200, "GET", "/v1/billing/payments/"+renewal.PaymentID+"/receipt", jp, nil).JSON(t, &r)
		if r.Status != billing.StatusRefunded || r.Paid != 1100 || r.Refunded != 1100 || r.Total != 0 || r.TaxAmount != 0 || r.Net != 0 ||
			len(r.Lines) != 2 || r.Lines[1].Kind != billing.KindRefund || r.Lines[1].Tax != 100 || r.Lines[1].ReceiptNumber != rows[0].ReceiptNumber {
			t.Fatalf("renewal receipt %+v", r)
		}
	})

	var mxRow billing.PaymentRecordView
	t.Run("mxn_tax_in_centavos", func(t *testing.T) {
		p := s.payments(mx, "")
		if len(p.Payments) != 1 {
			t.Fatalf("MX learner's payments %+v", p)
		}
		mxRow = p.Payments[0]
		if mxRow.Amount.Amount != 11_600 || mxRow.Amount.Currency != "MXN" || mxRow.Exponent != 2 || mxRow.Tax.Amount != 1_600 ||
			mxRow.Net != 10_000 || mxRow.Tax.RatePercent != "16" || mxRow.Tax.Name != "IVA" || mxRow.Display != "MXN 116.00" {
			t.Fatalf("MX row %+v", mxRow)
		}
	})

	t.Run("refusals_change_nothing", func(t *testing.T) {
		before := s.count(s.billingDB, "SELECT COUNT(*) FROM Receipts", nil)
		beforeJP, beforeMX := s.payments(jp, ""), s.payments(mx, "")
		s.Must(404, "GET", "/v1/billing/payments/"+first.PaymentID+"/receipt", mx, nil)
		s.Must(404, "GET", "/v1/billing/payments/"+mxRow.PaymentID+"/receipt", jp, nil)
		s.Must(404, "GET", "/v1/billing/payments/saga-unknown/receipt", jp, nil)
		s.Must(400, "GET", "/v1/billing/payments?cursor=not-a-cursor", jp, nil)
		s.Must(400, "GET", "/v1/billing/payments?limit=0", jp, nil)
		s.Must(400, "GET", "/v1/tutors/me/revenue?from=2026-13", s.tutor, nil)
		s.Must(403, "GET", "/v1/tutors/me/revenue", jp, nil)
		if n := s.count(s.billingDB, "SELECT COUNT(*) FROM Receipts", nil); n != before {
			t.Fatalf("receipts %d, were %d", n, before)
		}
		if a, b := s.payments(jp, ""), s.payments(mx, ""); len(a.Payments) != len(beforeJP.Payments) || len(b.Payments) != len(beforeMX.Payments) {
			t.Fatalf("lists changed: %d %d, were %d %d", len(a.Payments), len(b.Payments), len(beforeJP.Payments), len(beforeMX.Payments))
		}
		if n := s.count(s.billingDB, "SELECT COUNT(*) FROM Payments WHERE UserId = @u", map[string]any{"u": jpID}); n != 2 {
			t.Fatalf("JP learner has %d payments, want 2", n)
		}
	})

	t.Run("tutor_revenue_per_course_and_currency", func(t *testing.T) {
		var v billing.RevenueView
		s.Must(200, "GET", "/v1/tutors/me/revenue", s.tutor, nil).JSON(t, &v)
		month := time.Now().UTC().Format("2006-01")
		got := map[string]billing.RevenueLine{}
		for _, l := range v.Lines {
			got[l.CourseID+"/"+l.Currency+"/"+l.Month] = l
		}
		y, p := got[yen+"/JPY/"+month], got[peso+"/MXN/"+month]
		if len(v.Lines) != 2 ||
			y != (billing.RevenueLine{CourseID: yen, Currency: "JPY", Exponent: 0, Month: month, Gross: 2200, Tax: 100, Refunds: 1100, Net: 1000, Payments: 2}) ||
			p != (billing.RevenueLine{CourseID: peso, Currency: "MXN", Exponent: 2, Month: month, Gross: 11_600, Tax: 1_600, Net: 10_000, Payments: 1}) {
			t.Fatalf("revenue %+v", v)
		}
		fmt.Printf("receipts flow: revenue %s JPY gross %d tax %d refunds %d net %d payments %d; MXN gross %d tax %d net %d payments %d\n",
			month, y.Gross, y.Tax, y.Refunds, y.Net, y.Payments, p.Gross, p.Tax, p.Net, p.Payments)
		_, other := s.User("other-tutor@receipts.test", "tutor")
		s.Must(200, "GET", "/v1/tutors/me/revenue", other, nil).JSON(t, &v)
		if len(v.Lines) != 0 {
			t.Fatalf("another tutor sees %+v", v.Lines)
		}
	})
}
