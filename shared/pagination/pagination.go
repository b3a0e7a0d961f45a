// Package pagination reads and writes the list parameters every paged endpoint
// takes: ?limit= and an opaque ?cursor= that names where the previous page
// ended. A cursor is base64url JSON of a small struct of the service's own;
// only one this API could have issued decodes (known fields, a time of this
// era, an id of the API's form), so a forged or damaged cursor is a 400 and
// never reaches Spanner.
package pagination

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// Cursor is a service's cursor struct: Valid says whether a decoded one is
// one the service could have issued (use ValidTime and ValidID).
type Cursor interface {
	Valid() bool
}

// Encode returns the opaque cursor for c.
func Encode(c any) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CursorHelp is what a client is told about a cursor it may not send.
const CursorHelp = "must be a next_cursor value this API returned; omit it for the first page"

// Decode decodes s into c; "" is no cursor (false, nil).
func Decode[C Cursor](s string, c C) (bool, error) {
	if s == "" {
		return false, nil
	}
	bad := &errs.Error{Kind: errs.Invalid, Message: "cursor is not valid", Fields: map[string]string{"cursor": CursorHelp}}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return false, bad
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil || dec.More() || !c.Valid() {
		return false, bad
	}
	return true, nil
}

// Params reads ?limit= (default def, at most max) and ?cursor= into c,
// reporting whether a cursor was given; every problem is one 400 naming its
// fields.
func Params[C Cursor](limitParam, cursorParam string, def, max int, c C) (limit int, after bool, err error) {
	var f errs.Fields
	limit = def
	if limitParam != "" {
		n, err := strconv.Atoi(limitParam)
		if err != nil || n < 1 || n > max {
			f.Add("limit", fmt.Sprintf("must be a whole number from 1 to %d", max))
		}
		limit = n
	}
	after, err = Decode(cursorParam, c)
	if err != nil {
		f.Add("cursor", CursorHelp)
	}
	if err := f.Err(); err != nil {
		return 0, false, err
	}
	return limit, after, nil
}

// ValidTime says whether t is a time of this era, one the API could have
// written (Spanner refuses year 0, for one).
func ValidTime(t time.Time) bool { return t.Year() >= 2000 && t.Year() <= 9000 }

var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidID says whether id has the form of the API's ids.
func ValidID(id string) bool { return idRE.MatchString(id) }
