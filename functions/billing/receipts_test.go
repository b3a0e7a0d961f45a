package billing

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/saga"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/tax"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFixTerms(t *testing.T) {
	rates := tax.Default()
	now := day("2026-12-07T02:00:00Z")
	for _, c := range []struct {
		name             string
		amount           money.Money
		country          string
		interval         string
		wantCountry      string
		wantTax          int64
		wantBP           int64
		wantEnd          time.Time
		wantNoPeriodEnd  bool
		wantRateNameNone bool
	}{
		{name: "jp_learner_jpy_10pct", amount: money.Money{Amount: 1100, Currency: "JPY"}, country: "JP", interval: "month",
			wantCountry: "JP", wantTax: 100, wantBP: 1000, wantEnd: day("2027-01-07T02:00:00Z")},
		{name: "mx_learner_mxn_16pct", amount: money.Money{Amount: 19_900, Currency: "MXN"}, country: "MX", interval: "year",
			wantCountry: "MX", wantTax: 2_745, wantBP: 1600, wantEnd: day("2027-12-07T02:00:00Z")},
		{name: "id_learner_idr_11pct_effective", amount: money.Money{Amount: 15_000_000, Currency: "IDR"}, country: "ID", interval: "month",
			wantCountry: "ID", wantTax: 1_486_486, wantBP: 1100, wantEnd: day("2027-01-07T02:00:00Z")},
		{name: "buyer_country_wins_over_currency", amount: money.Money{Amount: 11_200, Currency: "MXN"}, country: "PH", interval: "month",
			wantCountry: "PH", wantTax: 1_200, wantBP: 1200, wantEnd: day("2027-01-07T02:00:00Z")},
		{name: "unknown_country_takes_currency_home", amount: money.Money{Amount: 11_600, Currency: "MXN"}, interval: "month",
			wantCountry: "MX", wantTax: 1_600, wantBP: 1600, wantEnd: day("2027-01-07T02:00:00Z")},
		{name: "usd_untaxed", amount: money.Money{Amount: 999, Currency: "USD"}, interval: "month",
			wantCountry: "", wantTax: 0, wantBP: 0, wantEnd: day("2027-01-07T02:00:00Z"), wantRateNameNone: true},
		{name: "no_interval_no_period_end", amount: money.Money{Amount: 1100, Currency: "JPY"}, country: "JP",
			wantCountry: "JP", wantTax: 100, wantBP: 1000, wantNoPeriodEnd: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := fixTerms(rates, Terms{Interval: c.interval, PeriodStart: now}, c.amount, c.country, now)
			if got.Country != c.wantCountry || got.Tax != c.wantTax || got.Rate.EffectiveBP() != c.wantBP ||
				(got.Rate.Name == "") != c.wantRateNameNone {
				t.Fatalf("terms %+v, want country %q tax %d rate %d bp", got, c.wantCountry, c.wantTax, c.wantBP)
			}
			if c.wantNoPeriodEnd != got.PeriodEnd.IsZero() || (!c.wantNoPeriodEnd && !got.PeriodEnd.Equal(c.wantEnd)) {
				t.Fatalf("period end %s, want %s", got.PeriodEnd, c.wantEnd)
			}
		})
	}
}

func TestReceiptsFor(t *testing.T) {
	terms := Terms{TutorID: "tutor", CourseID: "course", SubscriptionID: "sub", Country: "JP", Tax: 100,
		Rate: tax.Rate{Country: "JP", Name: "Consumption tax", NominalBP: 1000, BaseNum: 1, BaseDen: 1}}
	p := Payment{ID: "saga-sub", UserID: "learner", Amount: money.Money{Amount: 1100, Currency: "JPY"}}
	card := PaymentMethod{Type: "card", Brand: "visa", Last4: "4242"}
	for _, c := range []struct {
		status string
		kinds  []string
	}{
		{StatusAttempting, nil},
		{StatusActionRequired, nil},
		{StatusFailed, nil},
		{StatusSucceeded, []string{KindPayment}},
		{StatusRefunded, []string{KindPayment, KindRefund}},
	} {
		t.Run(c.status+"_owes_"+itoaKinds(c.kinds), func(t *testing.T) {
			p.Status = c.status
			rs := receiptsFor(p, terms, card)
			if len(rs) != len(c.kinds) {
				t.Fatalf("%d receipts, want %v", len(rs), c.kinds)
			}
			for i, r := range rs {
				if r.Kind != c.kinds[i] || r.ID != ReceiptID(p.ID, r.Kind) || r.Amount != p.Amount || r.Tax != 100 || r.Net() != 1000 ||
					r.TutorID != "tutor" || r.CardLast4 != "4242" {
					t.Fatalf("receipt %+v", r)
				}
			}
		})
	}
	if a, b := ReceiptID("p", KindPayment), ReceiptID("p", KindRefund); a == b || len(a) != 22 {
		t.Fatalf("receipt ids %q %q: want distinct, 22 characters", a, b)
	}
}

func itoaKinds(k []string) string {
	if len(k) == 0 {
		return "nothing"
	}
	out := k[0]
	for _, s := range k[1:] {
		out += "_and_" + s
	}
	return out
}

// Revenue sums per course, currency and month; never across currencies.
func TestRevenue(t *testing.T) {
	jpy := func(kind, course string, amount, tx int64, at string) Receipt {
		return Receipt{Kind: kind, CourseID: course, Amount: money.Money{Amount: amount, Currency: "JPY"}, Tax: tx, IssuedAt: day(at)}
	}
	mxn := func(kind, course string, amount, tx int64, at string) Receipt {
		return Receipt{Kind: kind, CourseID: course, Amount: money.Money{Amount: amount, Currency: "MXN"}, Tax: tx, IssuedAt: day(at)}
	}
	got := revenue([]Receipt{
		jpy(KindPayment, "c1", 1100, 100, "2026-11-30T23:59:59Z"),
		jpy(KindPayment, "c1", 1100, 100, "2026-12-01T00:00:00Z"),
		jpy(KindPayment, "c1", 1100, 100, "2026-12-07T00:00:00Z"),
		jpy(KindRefund, "c1", 1100, 100, "2026-12-08T00:00:00Z"),
		mxn(KindPayment, "c1", 11_600, 1_600, "2026-12-07T00:00:00Z"),
		mxn(KindPayment, "c2", 19_900, 2_745, "2026-12-07T00:00:00Z"),
	})
	want := []RevenueLine{
		{CourseID: "c1", Currency: "JPY", Exponent: 0, Month: "2026-11", Gross: 1100, Tax: 100, Net: 1000, Payments: 1},
		{CourseID: "c1", Currency: "JPY", Exponent: 0, Month: "2026-12", Gross: 2200, Tax: 100, Refunds: 1100, Net: 1000, Payments: 2},
		{CourseID: "c1", Currency: "MXN", Exponent: 2, Month: "2026-12", Gross: 11_600, Tax: 1_600, Net: 10_000, Payments: 1},
		{CourseID: "c2", Currency: "MXN", Exponent: 2, Month: "2026-12", Gross: 19_900, Tax: 2_745, Net: 17_155, Payments: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("revenue %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRevenueRange(t *testing.T) {
	now := day("2026-12-07T02:00:00Z")
	for _, c := range []struct {
		name, from, to   string
		wantFrom, wantTo string
		bad              []string
	}{
		{name: "default_last_twelve_months", wantFrom: "2026-01-01T00:00:00Z", wantTo: "2027-01-01T00:00:00Z"},
		{name: "one_month", from: "2026-12", to: "2026-12", wantFrom: "2026-12-01T00:00:00Z", wantTo: "2027-01-01T00:00:00Z"},
		{name: "twenty_four_months", from: "2025-01", to: "2026-12", wantFrom: "2025-01-01T00:00:00Z", wantTo: "2027-01-01T00:00:00Z"},
		{name: "400_twenty_five_months", from: "2024-12", to: "2026-12", bad: []string{"from"}},
		{name: "400_from_after_to", from: "2026-12", to: "2026-11", bad: []string{"from"}},
		{name: "400_not_a_month", from: "2026-13", to: "december", bad: []string{"from", "to"}},
		{name: "400_a_date_not_a_month", from: "2026-12-01", bad: []string{"from"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			from, to, err := revenueRange(c.from, c.to, now)
			if len(c.bad) > 0 {
				var e *errs.Error
				if !errors.As(err, &e) || e.Kind != errs.Invalid {
					t.Fatalf("err %v, want Invalid", err)
				}
				for _, f := range c.bad {
					if e.Fields[f] == "" {
						t.Errorf("no problem named for %s: %v", f, e.Fields)
					}
				}
				return
			}
			if err != nil || !from.Equal(day(c.wantFrom)) || !to.Equal(day(c.wantTo)) {
				t.Fatalf("range %s..%s, %v; want %s..%s", from, to, err, c.wantFrom, c.wantTo)
			}
		})
	}
}

// A payment's receipt is written once however often its command is
// delivered, keeps the tax rate of the date it was first recorded even when
// the rates change after, and its refund adds a refund receipt with the same
// tax; a declined payment has none.
func TestReceipts_oncePerPayment_rateOfItsDate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.customer("u-receipt", "pm_card_visa")
	sagaID := "00000000-0000-4000-8000-000000000071"
	cmd := func(kind string) saga.Command {
		args, _ := json.Marshal(sagamsg.PaymentArgs{Amount: money.Money{Amount: 1500, Currency: "JPY"}, Description: "test",
			TutorID: "tutor-1", BillingInterval: "month"})
		return saga.Command{SagaID: sagaID, Step: sagamsg.StepPayment, Kind: kind, Attempt: 1, UserID: "u-receipt", CourseID: "course-1", Args: args}
	}
	if err := e.participant.Handle(ctx, cmd(saga.Do), e.step()); err != nil {
		t.Fatal(err)
	}
	// The law changes; the command comes again: the payment keeps its rate.
	later, err := tax.Parse([]byte(`{"rates": [{"country": "JP", "name": "Consumption tax", "from": "2000-01-01T00:00:00Z", "nominal_bp": 2000, "base_num": 1, "base_den": 1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.taxRates = later
	if err := e.participant.Handle(ctx, cmd(saga.Do), e.step()); err != nil {
		t.Fatal(err)
	}
	rs, err := e.svc.store.paymentReceipts(ctx, PaymentID(sagaID))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Kind != KindPayment || rs[0].Tax != 136 || rs[0].Net() != 1364 || rs[0].Country != "JP" ||
		rs[0].Rate.EffectiveBP() != 1000 || rs[0].TutorID != "tutor-1" || rs[0].CourseID != "course-1" || rs[0].PeriodEnd.IsZero() {
		t.Fatalf("receipts %+v, want one payment of ¥1,500 with ¥136 tax at 10 %%", rs)
	}

	undo := saga.Step{Prepare: e.svc.prepareRefund, Apply: e.svc.store.applyRefund, AlwaysUndo: true}
	for range 2 {
		if err := e.participant.Handle(ctx, cmd(saga.Undo), undo); err != nil {
			t.Fatal(err)
		}
	}
	list, err := e.svc.store.listReceipts(ctx, "u-receipt", nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Kind != KindRefund || list[0].Tax != 136 || list[0].Amount.Amount != 1500 ||
		list[1].Kind != KindPayment || list[1].PaymentStatus != StatusRefunded {
		t.Fatalf("list %+v, want the refund then the payment", list)
	}
	rev, err := e.svc.store.tutorReceipts(ctx, "tutor-1", time.Now().AddDate(0, -1, 0), time.Now().AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if lines := revenue(rev); len(lines) != 1 || lines[0].Gross != 1500 || lines[0].Refunds != 1500 || lines[0].Tax != 0 || lines[0].Net != 0 || lines[0].Payments != 1 {
		t.Fatalf("revenue %+v", lines)
	}

	e.customer("u-declined", "pm_card_chargeDeclinedInsufficientFunds")
	declined := payCommand("00000000-0000-4000-8000-000000000072", "u-declined")
	if err := e.participant.Handle(ctx, declined, e.step()); err != nil {
		t.Fatal(err)
	}
	if list, err := e.svc.store.listReceipts(ctx, "u-declined", nil, 10); err != nil || len(list) != 0 {
		t.Fatalf("a declined payment has receipts %+v, %v", list, err)
	}
}
