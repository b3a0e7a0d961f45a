package course

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/pagination"
)

// Catalog search. At the platform's scale (about a thousand courses) a
// catalog page scans the CoursesByCatalog index, which stores the title,
// currency and tutor, and filters it there; the keyset cursor (publication
// time, id) stays valid under any filter because the order never changes.
// Title words match anywhere in the title, ignoring case (a substring, so
// Japanese titles, which have no spaces, match too). Past tens of thousands
// of courses, a Spanner search index (TOKENIZE_FULLTEXT) takes over the
// words.

// Limits of a catalog search.
const (
	MaxSearchLen   = 200 // characters of ?q=
	MaxSearchWords = 8
)

// CatalogFilters are the filters a catalog page applied, as normalised.
type CatalogFilters struct {
	// Query is ?q= as given (trimmed); Words are its words, lower case,
	// each of which a title must contain.
	Query string   `json:"q,omitempty"`
	Words []string `json:"words,omitempty"`
	// Currency keeps courses priced in it (ISO code).
	Currency string `json:"currency,omitempty"`
	// TutorID keeps one tutor's courses.
	TutorID string `json:"tutor_id,omitempty"`
}

// parseCatalogFilters reads ?q=, ?currency= and ?tutor_id=.
func parseCatalogFilters(q url.Values) (CatalogFilters, error) {
	var f errs.Fields
	c := CatalogFilters{Query: strings.TrimSpace(q.Get("q")),
		Currency: strings.ToUpper(strings.TrimSpace(q.Get("currency"))), TutorID: strings.TrimSpace(q.Get("tutor_id"))}
	if utf8.RuneCountInString(c.Query) > MaxSearchLen || !utf8.ValidString(c.Query) || strings.ContainsFunc(c.Query, isBadControl) {
		f.Add("q", "must be at most 200 characters of text")
	} else {
		for _, w := range strings.Fields(strings.ToLower(c.Query)) {
			if !slices.Contains(c.Words, w) {
				c.Words = append(c.Words, w)
			}
		}
		if len(c.Words) > MaxSearchWords {
			f.Add("q", "may hold at most 8 words")
		}
	}
	if c.Currency != "" && !money.Supported(c.Currency) {
		f.Add("currency", "must be one of "+strings.Join(money.Currencies(), ", "))
	}
	if c.TutorID != "" && !pagination.ValidID(c.TutorID) {
		f.Add("tutor_id", "must be a tutor id (a course's tutor_id)")
	}
	if err := f.Err(); err != nil {
		return CatalogFilters{}, err
	}
	return c, nil
}

// currencies lists the currencies a course may be priced in, with their
// minor-unit exponents and price bounds (shared/money), so a client need not
// learn them from a validation error.
func (s *Service) currencies(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	httpx.WriteJSON(w, http.StatusOK, CurrencyList{Currencies: money.All()})
	return nil
}

// CurrencyList is the answer of GET /v1/currencies. An amount is in minor
// units: amount / 10^exponent major units (JPY has none).
type CurrencyList struct {
	Currencies []money.Currency `json:"currencies"`
}
