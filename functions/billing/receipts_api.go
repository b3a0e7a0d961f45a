package billing

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/pagination"
	"github.com/kwipper/kwipper/shared/saga"
)

// Receipts: the terms recorded with each payment, the learner's payments
// and receipts, and a tutor's revenue (the handlers and their views).

// Page sizes of GET /v1/billing/payments.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// noteSagaTerms records what a subscribe saga's payment is for and the tax
// its price includes, before it is first recorded: the course and its tutor
// and interval come with the command (sagamsg.PaymentArgs); the period
// starts now (the subscription starts when it is paid).
func (s *Service) noteSagaTerms(ctx context.Context, cmd saga.Command, args sagamsg.PaymentArgs) error {
	country, err := s.store.userCountry(ctx, cmd.UserID)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	t := Terms{PaymentID: PaymentID(cmd.SagaID), UserID: cmd.UserID, SubscriptionID: cmd.SagaID, CourseID: cmd.CourseID,
		TutorID: args.TutorID, Interval: args.BillingInterval, PeriodStart: now}
	_, err = s.store.noteTerms(ctx, fixTerms(s.taxRates, t, args.Amount, country, now))
	return err
}

// noteRenewalTerms records what a renewal attempt pays for (the period from
// its start) and the tax its price includes; the course's tutor and
// interval are the subscription's first payment's.
func (s *Service) noteRenewalTerms(ctx context.Context, c subscribemsg.RenewalCharge) error {
	first, _, err := s.store.getTerms(ctx, PaymentID(c.SubscriptionID))
	if err != nil {
		return err
	}
	country, err := s.store.userCountry(ctx, c.UserID)
	if err != nil {
		return err
	}
	if country == "" {
		country = first.Country
	}
	t := Terms{PaymentID: c.Key, UserID: c.UserID, SubscriptionID: c.SubscriptionID, CourseID: c.CourseID,
		TutorID: first.TutorID, Interval: first.Interval, PeriodStart: c.PeriodStart.UTC()}
	_, err = s.store.noteTerms(ctx, fixTerms(s.taxRates, t, c.Amount, country, s.now()))
	return err
}

// TaxView is the tax a price includes.
type TaxView struct {
	// Name is the tax's (PPN, Consumption tax, VAT, IVA); empty when none.
	Name string `json:"name,omitempty" example:"PPN"`
	// Country is the buyer's country whose tax it is.
	Country string `json:"country,omitempty" example:"ID"`
	// RatePercent is the rate on the net price ("11"); NominalPercent and
	// Base what the law states (Indonesia: 12 % of an 11/12 base).
	RatePercent    string `json:"rate_percent" example:"11"`
	NominalPercent string `json:"nominal_percent" example:"12"`
	Base           string `json:"base" example:"11/12"`
	// Amount is the tax, in minor units of the currency.
	Amount int64 `json:"amount" example:"1486486"`
}

// MethodSummary is how a payment was paid.
type MethodSummary struct {
	Type  string `json:"type" example:"card"`
	Brand string `json:"brand,omitempty" example:"visa"`
	Last4 string `json:"last4,omitempty" example:"4242"`
}

// PaymentRecordView is one row of the learner's payments: a payment or a
// refund of one. Amounts are in minor units of amount.currency (exponent
// digits: JPY 0); a refund's amount and tax are what it gave back.
type PaymentRecordView struct {
	ReceiptNumber string      `json:"receipt_number" example:"KW0A1B2C3D4E5F60718293"`
	PaymentID     string      `json:"payment_id"`
	Kind          string      `json:"kind" enum:"payment,refund"`
	Status        string      `json:"status" example:"succeeded"`
	At            time.Time   `json:"at"`
	Amount        money.Money `json:"amount"`
	Exponent      int         `json:"exponent" example:"2"`
	Display       string      `json:"display" example:"IDR 150000.00"`
	Net           int64       `json:"net"`
	Tax           TaxView     `json:"tax"`
	// RefundedAmount is, on a payment, how much of it was refunded.
	RefundedAmount int64         `json:"refunded_amount"`
	Method         MethodSummary `json:"method"`
	CourseID       string        `json:"course_id,omitempty"`
	SubscriptionID string        `json:"subscription_id,omitempty"`
	PeriodStart    *time.Time    `json:"period_start,omitempty"`
	PeriodEnd      *time.Time    `json:"period_end,omitempty"`
}

// PaymentsPage is a page of the learner's payments, newest first.
type PaymentsPage struct {
	Payments   []PaymentRecordView `json:"payments"`
	NextCursor string              `json:"next_cursor,omitempty" example:"eyJ0IjoiMjAyNi0wMS0wMlQwMzowNDowNVoiLCJpZCI6ImMxIn0"`
}

func taxView(r Receipt) TaxView {
	v := TaxView{Name: r.Rate.Name, Country: r.Country, RatePercent: r.Rate.Percent(), Base: "1/1", Amount: r.Tax}
	nominal := r.Rate
	nominal.BaseNum, nominal.BaseDen = 1, 1
	v.NominalPercent = nominal.Percent()
	if r.Rate.BaseDen > 0 {
		v.Base = strconv.FormatInt(r.Rate.BaseNum, 10) + "/" + strconv.FormatInt(r.Rate.BaseDen, 10)
	}
	return v
}

func recordView(r Receipt) PaymentRecordView {
	exp, _ := money.Exponent(r.Amount.Currency)
	v := PaymentRecordView{ReceiptNumber: r.ID, PaymentID: r.PaymentID, Kind: r.Kind, Status: r.PaymentStatus, At: r.IssuedAt.UTC(),
		Amount: r.Amount, Exponent: exp, Display: r.Amount.String(), Net: r.Net(), Tax: taxView(r),
		Method:   MethodSummary{Type: r.MethodType, Brand: r.CardBrand, Last4: r.CardLast4},
		CourseID: r.CourseID, SubscriptionID: r.SubscriptionID}
	if r.Kind == KindPayment && r.PaymentStatus == StatusRefunded {
		v.RefundedAmount = r.Amount.Amount
	}
	if !r.PeriodStart.IsZero() {
		t := r.PeriodStart.UTC()
		v.PeriodStart = &t
	}
	if !r.PeriodEnd.IsZero() {
		t := r.PeriodEnd.UTC()
		v.PeriodEnd = &t
	}
	return v
}

// Valid says whether c is a cursor this API could have issued.
func (c *receiptCursor) Valid() bool { return pagination.ValidTime(c.At) && pagination.ValidID(c.ID) }

// listPayments answers the caller's payments and refunds, newest first
// (cursor-paginated). A bad limit or cursor is a 400 that reads nothing.
func (s *Service) listPayments(w http.ResponseWriter, r *http.Request) error {
	var c receiptCursor
	q := r.URL.Query()
	limit, after, err := pagination.Params(q.Get("limit"), q.Get("cursor"), DefaultPageSize, MaxPageSize, &c)
	if err != nil {
		return err
	}
	var cur *receiptCursor
	if after {
		cur = &c
	}
	rs, err := s.store.listReceipts(r.Context(), auth.Caller(r).UserID, cur, limit+1)
	if err != nil {
		return err
	}
	page := PaymentsPage{Payments: []PaymentRecordView{}}
	if len(rs) > limit {
		rs = rs[:limit]
		last := rs[len(rs)-1]
		page.NextCursor = pagination.Encode(receiptCursor{At: last.IssuedAt.UTC(), ID: last.ID})
	}
	for _, x := range rs {
		page.Payments = append(page.Payments, recordView(x))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

// ReceiptLine is one line of a receipt: the payment, or its refund (a
// credit: amounts given back, shown positive).
type ReceiptLine struct {
	Kind          string    `json:"kind" enum:"payment,refund"`
	ReceiptNumber string    `json:"receipt_number"`
	Description   string    `json:"description" example:"Course subscription"`
	At            time.Time `json:"at"`
	Net           int64     `json:"net"`
	Tax           int64     `json:"tax"`
	Total         int64     `json:"total"`
}

// ReceiptView is a payment's receipt: who sold to whom, what the price was
// made of (net and tax itemised, in minor units of currency) and what was
// given back. Net, Tax and Total are what remains after refunds.
type ReceiptView struct {
	Number         string        `json:"number" example:"KW0A1B2C3D4E5F60718293"`
	PaymentID      string        `json:"payment_id"`
	IssuedAt       time.Time     `json:"issued_at"`
	Status         string        `json:"status" example:"succeeded"`
	Seller         string        `json:"seller" example:"Kwipper"`
	BuyerCountry   string        `json:"buyer_country,omitempty" example:"JP"`
	Currency       string        `json:"currency" example:"JPY"`
	Exponent       int           `json:"exponent" example:"0"`
	Tax            TaxView       `json:"tax"`
	Lines          []ReceiptLine `json:"lines"`
	Paid           int64         `json:"paid"`
	Refunded       int64         `json:"refunded"`
	Net            int64         `json:"net"`
	TaxAmount      int64         `json:"tax_amount"`
	Total          int64         `json:"total"`
	Method         MethodSummary `json:"method"`
	CourseID       string        `json:"course_id,omitempty"`
	SubscriptionID string        `json:"subscription_id,omitempty"`
	PeriodStart    *time.Time    `json:"period_start,omitempty"`
	PeriodEnd      *time.Time    `json:"period_end,omitempty"`
}

// receiptView is the receipt of a payment from its receipts (the payment
// first).
func receiptView(rs []Receipt) ReceiptView {
	p := rs[0]
	for _, r := range rs {
		if r.Kind == KindPayment {
			p = r
		}
	}
	pv := recordView(p)
	exp, _ := money.Exponent(p.Amount.Currency)
	v := ReceiptView{Number: p.ID, PaymentID: p.PaymentID, IssuedAt: p.IssuedAt.UTC(), Status: p.PaymentStatus, Seller: SellerName,
		BuyerCountry: p.Country, Currency: p.Amount.Currency, Exponent: exp, Tax: pv.Tax, Method: pv.Method,
		CourseID: p.CourseID, SubscriptionID: p.SubscriptionID, PeriodStart: pv.PeriodStart, PeriodEnd: pv.PeriodEnd, Lines: []ReceiptLine{}}
	for _, r := range rs {
		l := ReceiptLine{Kind: r.Kind, ReceiptNumber: r.ID, At: r.IssuedAt.UTC(), Net: r.Net(), Tax: r.Tax, Total: r.Amount.Amount,
			Description: "Course subscription"}
		if r.Kind == KindRefund {
			l.Description = "Refund"
			v.Refunded += r.Amount.Amount
			v.Net -= r.Net()
			v.TaxAmount -= r.Tax
		} else {
			v.Paid += r.Amount.Amount
			v.Net += r.Net()
			v.TaxAmount += r.Tax
		}
		v.Lines = append(v.Lines, l)
	}
	v.Total = v.Paid - v.Refunded
	return v
}

// receipt answers the receipt of one of the caller's payments. A payment
// that is not theirs (or unknown) is 404; one of theirs that moved no money
// (failed, or still waiting) is 409 with its status.
func (s *Service) receipt(w http.ResponseWriter, r *http.Request) error {
	id, me := r.PathValue("paymentId"), auth.Caller(r).UserID
	rs, err := s.store.paymentReceipts(r.Context(), id)
	if err != nil {
		return err
	}
	if len(rs) == 0 || rs[0].UserID != me {
		p, ok, err := s.store.getPayment(r.Context(), id)
		if err != nil {
			return err
		}
		if ok && p.UserID == me && len(rs) == 0 {
			return &errs.Error{Kind: errs.FailedPrecondition, Message: "this payment moved no money: it has no receipt",
				Details: map[string]string{"status": p.Status}}
		}
		return errs.E(errs.NotFound, "no payment of yours has this id")
	}
	httpx.WriteJSON(w, http.StatusOK, receiptView(rs))
	return nil
}

// RevenueView is a tutor's revenue per course, currency and month (UTC),
// from From to To included; amounts of different currencies are never
// added together.
type RevenueView struct {
	From  string        `json:"from" example:"2026-01"`
	To    string        `json:"to" example:"2026-12"`
	Lines []RevenueLine `json:"lines"`
}

// tutorRevenue answers the calling tutor's revenue for ?from= to ?to= (months,
// YYYY-MM; default the last twelve).
func (s *Service) tutorRevenue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, to, err := revenueRange(q.Get("from"), q.Get("to"), s.now())
	if err != nil {
		return err
	}
	rs, err := s.store.tutorReceipts(r.Context(), auth.Caller(r).UserID, from, to)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, RevenueView{From: from.Format(monthLayout), To: to.AddDate(0, -1, 0).Format(monthLayout), Lines: revenue(rs)})
	return nil
}
