package billing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/tax"
)

// Receipts and revenue (the domain; no cloud SDK).
//
// Prices are tax-inclusive: what a tutor sets is what the learner pays. When
// a payment is first recorded (before Stripe is called) its Terms fix what
// it is for and the tax it includes: the buyer's country (the learner's,
// from the User service's events; else the home country of the price's
// currency), the rate of that country on that date (shared/tax) and the tax
// part of the amount (half up in minor units). A receipt reads the terms,
// never today's rates, so a change of law never rewrites an old receipt.
//
// Money that moved is a Receipt: a payment when it succeeds, a refund when
// it is refunded (the refund gives back the payment's amount and its tax:
// Stripe refunds are whole here). Both are written in the transaction that
// settles the payment, at most once (ReceiptID is derived from the payment
// and the kind). A learner lists theirs; a tutor's revenue sums theirs per
// course, currency and month, never across currencies.

// Receipt kinds.
const (
	KindPayment = "payment"
	KindRefund  = "refund"
)

// SellerName is the seller every receipt names.
const SellerName = "Kwipper"

// Terms are what a payment is for and the tax its price includes, fixed
// when it is first recorded.
type Terms struct {
	PaymentID      string
	UserID         string
	SubscriptionID string
	CourseID       string
	TutorID        string
	Interval       string
	PeriodStart    time.Time
	PeriodEnd      time.Time
	// Country is the buyer's country the tax is of ("" when unknown: no tax).
	Country string
	Rate    tax.Rate
	// Tax is the tax part of the payment's amount, in its minor units.
	Tax int64
}

// fixTerms completes t for a payment of amount made at at: the buyer's
// country (country, else the currency's home country), the rate of that
// country at that moment and the tax part of amount; the period ends one
// interval after it starts.
func fixTerms(rates tax.Table, t Terms, amount money.Money, country string, at time.Time) Terms {
	if country == "" {
		country = tax.HomeCountry(amount.Currency)
	}
	t.Country = country
	if r, ok := rates.Lookup(country, at); ok {
		t.Rate = r
		_, t.Tax = r.Split(amount.Amount)
	}
	if !t.PeriodStart.IsZero() && billingcal.Valid(t.Interval) {
		t.PeriodEnd = billingcal.PeriodEnd(t.PeriodStart, t.Interval, 1)
	}
	return t
}

// Receipt is money that moved: a payment or a refund of one.
type Receipt struct {
	// ID is the receipt's number (ReceiptID).
	ID             string
	PaymentID      string
	Kind           string
	UserID         string
	TutorID        string
	CourseID       string
	SubscriptionID string
	// Amount is tax-inclusive and positive (a refund's is what it gives back).
	Amount      money.Money
	Tax         int64
	Country     string
	Rate        tax.Rate
	PeriodStart time.Time
	PeriodEnd   time.Time
	MethodType  string
	CardBrand   string
	CardLast4   string
	IssuedAt    time.Time
	// PaymentStatus is the payment's status now (read with the receipt).
	PaymentStatus string
}

// Net is the amount without its tax.
func (r Receipt) Net() int64 { return r.Amount.Amount - r.Tax }

// ReceiptID is the number of payment paymentID's receipt of kind: "KW"
// and 20 hex digits of a SHA-256 of both, so the same receipt is never
// written twice and the number says nothing about volumes.
func ReceiptID(paymentID, kind string) string {
	h := sha256.Sum256([]byte(paymentID + "\x00" + kind))
	return "KW" + strings.ToUpper(hex.EncodeToString(h[:10]))
}

// receiptsFor are the receipts payment p (as settled to p.Status, with its
// amount) owes under terms t, paid with method m: none before it succeeds,
// a payment once it has, and a refund too once refunded.
func receiptsFor(p Payment, t Terms, m PaymentMethod) []Receipt {
	if p.Status != StatusSucceeded && p.Status != StatusRefunded {
		return nil
	}
	base := Receipt{PaymentID: p.ID, UserID: p.UserID, TutorID: t.TutorID, CourseID: t.CourseID, SubscriptionID: t.SubscriptionID,
		Amount: p.Amount, Tax: t.Tax, Country: t.Country, Rate: t.Rate, PeriodStart: t.PeriodStart, PeriodEnd: t.PeriodEnd,
		MethodType: m.Type, CardBrand: m.Brand, CardLast4: m.Last4}
	if base.MethodType == "" {
		base.MethodType = p.MethodType // a voucher, transfer or QR code
	}
	if base.MethodType == "" {
		base.MethodType = "card"
	}
	kinds := []string{KindPayment}
	if p.Status == StatusRefunded {
		kinds = append(kinds, KindRefund)
	}
	out := make([]Receipt, 0, len(kinds))
	for _, k := range kinds {
		r := base
		r.ID, r.Kind = ReceiptID(p.ID, k), k
		out = append(out, r)
	}
	return out
}

// Month is a calendar month in UTC, "YYYY-MM".
const monthLayout = "2006-01"

// MaxRevenueMonths is the longest range a revenue request may ask for.
const MaxRevenueMonths = 24

// revenueRange reads ?from= and ?to= (YYYY-MM, both included; default the
// twelve months up to now's) into [start, end) in UTC; every problem is one
// 400 naming its fields.
func revenueRange(from, to string, now time.Time) (start, end time.Time, err error) {
	var f errs.Fields
	n := now.UTC()
	last := time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, time.UTC)
	if to != "" {
		t, perr := time.Parse(monthLayout, to)
		if perr != nil || t.Year() < 2000 || t.Year() > 9000 {
			f.Add("to", "must be a month as YYYY-MM, e.g. 2026-12")
		}
		last = t
	}
	first := last.AddDate(0, -11, 0)
	if from != "" {
		t, perr := time.Parse(monthLayout, from)
		if perr != nil || t.Year() < 2000 || t.Year() > 9000 {
			f.Add("from", "must be a month as YYYY-MM, e.g. 2026-01")
		}
		first = t
	}
	if err := f.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	months := (last.Year()-first.Year())*12 + int(last.Month()) - int(first.Month()) + 1
	switch {
	case months < 1:
		f.Add("from", "must not be after to")
	case months > MaxRevenueMonths:
		f.Add("from", fmt.Sprintf("must be at most %d months before to", MaxRevenueMonths-1))
	}
	if err := f.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return first, last.AddDate(0, 1, 0), nil
}

// RevenueLine is a tutor's revenue from one course in one currency in one
// month (UTC), in minor units of Currency: Gross is what learners paid
// (tax-inclusive), Tax the tax in it less the tax refunded, Refunds what was
// given back (tax-inclusive), Net what is left without tax
// (Gross − Refunds − Tax), Payments how many payments were made.
type RevenueLine struct {
	CourseID string `json:"course_id"`
	Currency string `json:"currency"`
	// Exponent is the currency's minor-unit digits (JPY 0).
	Exponent int    `json:"exponent"`
	Month    string `json:"month" example:"2026-12"`
	Gross    int64  `json:"gross"`
	Tax      int64  `json:"tax"`
	Refunds  int64  `json:"refunds"`
	Net      int64  `json:"net"`
	Payments int64  `json:"payments"`
}

// revenue sums receipts per course, currency and month (of IssuedAt, UTC),
// ordered by course, currency and month. Amounts of different currencies
// are never added together.
func revenue(rs []Receipt) []RevenueLine {
	type key struct{ course, currency, month string }
	lines := map[key]*RevenueLine{}
	for _, r := range rs {
		k := key{r.CourseID, r.Amount.Currency, r.IssuedAt.UTC().Format(monthLayout)}
		l := lines[k]
		if l == nil {
			exp, _ := money.Exponent(k.currency)
			l = &RevenueLine{CourseID: k.course, Currency: k.currency, Exponent: exp, Month: k.month}
			lines[k] = l
		}
		switch r.Kind {
		case KindPayment:
			l.Gross += r.Amount.Amount
			l.Tax += r.Tax
			l.Payments++
		case KindRefund:
			l.Refunds += r.Amount.Amount
			l.Tax -= r.Tax
		}
	}
	out := make([]RevenueLine, 0, len(lines))
	for _, l := range lines {
		l.Net = l.Gross - l.Refunds - l.Tax
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.CourseID != b.CourseID {
			return a.CourseID < b.CourseID
		}
		if a.Currency != b.Currency {
			return a.Currency < b.Currency
		}
		return a.Month < b.Month
	})
	return out
}
