// Package course is Kwipper's Course service: tutors create courses (a title,
// a description and a recurring price), fill them with ordered items (text,
// video, downloadable files) and publish them to the catalog everyone can
// browse. It owns the "courses" database, announces changes on the
// course-events topic, and keeps a projection of tutors' display names from
// the User service's events.
//
// This file holds the domain: request and response types, validation and the
// rules of changing a course. It imports no cloud SDK; store.go persists
// courses in Spanner and api.go exposes them as functions.
package course

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
)

// Database is the service's Spanner database id.
const Database = "courses"

// Topic is where the service announces course events.
const Topic = "course-events"

// Event types on Topic. Every event carries EventData.
const (
	EventCreated     = "course.created"
	EventUpdated     = "course.updated" // course fields changed, or its items were reordered
	EventPublished   = "course.published"
	EventUnpublished = "course.unpublished"
	EventItemAdded   = "course.item_added"
	EventItemUpdated = "course.item_updated"
	EventItemRemoved = "course.item_removed"
)

// Course statuses: a draft is seen only by its tutor; a published course is
// in the catalog.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Billing intervals a course's price recurs over.
const (
	IntervalMonth = "month"
	IntervalYear  = "year"
)

// Item kinds.
const (
	KindText  = "text"
	KindVideo = "video"
	KindFile  = "file"
)

// Content statuses of an item: text is ready as soon as it is written; video
// and file items wait for their upload (through the Content service).
const (
	ContentReady          = "ready"
	ContentAwaitingUpload = "awaiting_upload"
)

// Limits on what a course may hold.
const (
	MaxTitleLen       = 200   // characters, course and item titles
	MaxDescriptionLen = 5000  // characters
	MaxBodyLen        = 50000 // characters of a text item's body
	MaxItems          = 100   // items per course
	MaxPriceAmount    = 1_000_000_000_000
)

// Catalog page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Course is a course with, when loaded, its items.
type Course struct {
	ID              string
	TutorID         string
	TutorName       string // from the TutorProfiles projection; may be empty
	Title           string
	Description     string
	Price           money.Money
	BillingInterval string
	Status          string
	ItemCount       int64
	// SubscriberCount is kept by the subscribe saga's course step (and its
	// compensation), not by the course's own changes.
	SubscriberCount int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	PublishedAt     time.Time // zero unless published
	// eventVersion is the version of the course's latest event (EventData).
	eventVersion int64
	// Items are the course's items in position order, when the store loaded
	// them (store.updateItems, store.getWithItems).
	Items []Item

	// changes records what the domain methods did, for the store to announce.
	changes []change
}

// Item is one piece of a course.
type Item struct {
	ID            string
	CourseID      string
	Position      int64 // 1..n, dense
	Kind          string
	Title         string
	Body          string // text items only
	ContentStatus string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// change is one announced fact: an event type and, for item events, the item.
type change struct {
	Type string
	Item *Item
}

// CreateRequest is the body of POST /v1/courses.
type CreateRequest struct {
	Title           string      `json:"title"`
	Description     string      `json:"description"`
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval"`
}

// UpdateRequest is the body of PATCH /v1/courses/{courseId}; absent fields
// stay as they are, and at least one must be sent.
type UpdateRequest struct {
	Title           *string      `json:"title,omitempty"`
	Description     *string      `json:"description,omitempty"`
	Price           *money.Money `json:"price,omitempty"`
	BillingInterval *string      `json:"billing_interval,omitempty"`
}

// View is a course as the API shows it.
type View struct {
	ID              string      `json:"id"`
	TutorID         string      `json:"tutor_id"`
	TutorName       string      `json:"tutor_name"`
	Title           string      `json:"title"`
	Description     string      `json:"description"`
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval"`
	Status          string      `json:"status"`
	ItemCount       int64       `json:"item_count"`
	SubscriberCount int64       `json:"subscriber_count"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
	PublishedAt     *time.Time  `json:"published_at,omitempty"`
}

// Page is one page of the catalog, newest first. NextCursor, when set, asks
// for the next page (?cursor=); it is absent on the last page.
type Page struct {
	Courses    []View `json:"courses"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// ItemRequest is the body of POST /v1/courses/{courseId}/items. Body is
// required for text items and forbidden for video and file items (their
// content is uploaded separately).
type ItemRequest struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
}

// ItemUpdateRequest is the body of PATCH /v1/courses/{courseId}/items/{itemId};
// absent fields stay, at least one must be sent, and body only fits text items.
type ItemUpdateRequest struct {
	Title *string `json:"title,omitempty"`
	Body  *string `json:"body,omitempty"`
}

// ItemView is an item as the API shows it. Body is omitted for media items
// and for callers who may not read the course's content.
type ItemView struct {
	ID            string    `json:"id"`
	CourseID      string    `json:"course_id"`
	Position      int64     `json:"position"`
	Kind          string    `json:"kind"`
	Title         string    `json:"title"`
	Body          string    `json:"body,omitempty"`
	ContentStatus string    `json:"content_status"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ItemList is a course's items in position order.
type ItemList struct {
	Items []ItemView `json:"items"`
}

// ReorderRequest is the body of PUT /v1/courses/{courseId}/items/order: every
// item id of the course, each exactly once, in the new order.
type ReorderRequest struct {
	ItemIDs []string `json:"item_ids"`
}

// EventData is the payload of every course event. ItemID and ItemKind are
// set on item events only.
type EventData struct {
	CourseID        string      `json:"course_id"`
	TutorID         string      `json:"tutor_id"`
	Status          string      `json:"status"`
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval"`
	Title           string      `json:"title"`
	ItemCount       int64       `json:"item_count"`
	ItemID          string      `json:"item_id,omitempty"`
	ItemKind        string      `json:"item_kind,omitempty"`
	// ItemTitle and, for text items, ItemBody are the item as it is after
	// the event (the Content service serves text bodies from them).
	ItemTitle string `json:"item_title,omitempty"`
	ItemBody  string `json:"item_body,omitempty"`
	// Version numbers the course's events: 1 for course.created, one more
	// for each event after (about the course or any of its items). A
	// consumer applies an event only when it is newer than what it has.
	Version int64 `json:"version"`
}

// Errors the service returns.
var (
	ErrNotFound     = errs.E(errs.NotFound, "course not found")
	ErrItemNotFound = errs.E(errs.NotFound, "item not found in this course")
	ErrNotOwner     = errs.E(errs.PermissionDenied, "only the course's tutor may change it")
)

func (c Course) view() View {
	v := View{ID: c.ID, TutorID: c.TutorID, TutorName: c.TutorName, Title: c.Title, Description: c.Description,
		Price: c.Price, BillingInterval: c.BillingInterval, Status: c.Status, ItemCount: c.ItemCount, SubscriberCount: c.SubscriberCount,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if !c.PublishedAt.IsZero() {
		t := c.PublishedAt
		v.PublishedAt = &t
	}
	return v
}

func (it Item) view(withBody bool) ItemView {
	v := ItemView{ID: it.ID, CourseID: it.CourseID, Position: it.Position, Kind: it.Kind, Title: it.Title,
		ContentStatus: it.ContentStatus, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if withBody {
		v.Body = it.Body
	}
	return v
}

func (c Course) eventData(it *Item) EventData {
	d := EventData{CourseID: c.ID, TutorID: c.TutorID, Status: c.Status, Price: c.Price,
		BillingInterval: c.BillingInterval, Title: c.Title, ItemCount: c.ItemCount}
	if it != nil {
		d.ItemID, d.ItemKind, d.ItemTitle = it.ID, it.Kind, it.Title
		if it.Kind == KindText {
			d.ItemBody = it.Body
		}
	}
	return d
}

// --- Who may see and change what.

// isOwner reports whether p is the course's tutor.
func (c Course) isOwner(p auth.Principal) bool { return p.UserID != "" && p.UserID == c.TutorID }

// authorize checks that p may change the course.
func (c Course) authorize(p auth.Principal) error {
	if !c.isOwner(p) {
		return ErrNotOwner
	}
	return nil
}

// visibleTo reports whether p (the zero Principal when anonymous) may know the
// course exists: published courses are public, drafts are their tutor's
// alone (everyone else is told "not found", so drafts do not leak).
func visibleTo(c Course, p auth.Principal) bool {
	return c.Status == StatusPublished || c.isOwner(p)
}

// mayReadBodies reports whether p may read the content (item bodies, and
// later media) of course c. It is the one place entitlement is decided: the
// course's tutor, and learners with an active subscription to it (subscribed
// asks the Entitlements projection; it is only called for signed-in callers
// who are not the tutor).
func mayReadBodies(c Course, p auth.Principal, subscribed func() bool) bool {
	if c.isOwner(p) {
		return true
	}
	return p.UserID != "" && subscribed != nil && subscribed()
}

// --- Validation.

// validateCreate checks a create request and returns the normalised course
// (without id, tutor or times), or an Invalid error naming each bad field.
func validateCreate(req CreateRequest) (Course, error) {
	var f errs.Fields
	c := Course{
		Title:           strings.TrimSpace(req.Title),
		Description:     strings.TrimSpace(req.Description),
		Price:           money.Money{Amount: req.Price.Amount, Currency: money.Normalize(req.Price.Currency)},
		BillingInterval: normalizeInterval(req.BillingInterval),
		Status:          StatusDraft,
	}
	checkTitle(&f, "title", c.Title)
	checkDescription(&f, c.Description)
	checkPrice(&f, c.Price)
	checkInterval(&f, c.BillingInterval)
	return c, f.Err()
}

// coursePatch is a validated, normalised UpdateRequest.
type coursePatch struct {
	title, description, interval *string
	price                        *money.Money
}

// validateUpdate checks an update request and returns it normalised.
func validateUpdate(req UpdateRequest) (coursePatch, error) {
	var f errs.Fields
	var p coursePatch
	if req.Title != nil {
		t := strings.TrimSpace(*req.Title)
		checkTitle(&f, "title", t)
		p.title = &t
	}
	if req.Description != nil {
		d := strings.TrimSpace(*req.Description)
		checkDescription(&f, d)
		p.description = &d
	}
	if req.Price != nil {
		m := money.Money{Amount: req.Price.Amount, Currency: money.Normalize(req.Price.Currency)}
		checkPrice(&f, m)
		p.price = &m
	}
	if req.BillingInterval != nil {
		i := normalizeInterval(*req.BillingInterval)
		checkInterval(&f, i)
		p.interval = &i
	}
	if err := f.Err(); err != nil {
		return coursePatch{}, err
	}
	if p == (coursePatch{}) {
		return coursePatch{}, errs.E(errs.Invalid, "send at least one of title, description, price, billing_interval to change")
	}
	return p, nil
}

// validateItem checks an item request and returns the new item (without id,
// course, position or times).
func validateItem(req ItemRequest) (Item, error) {
	var f errs.Fields
	it := Item{Kind: strings.ToLower(strings.TrimSpace(req.Kind)), Title: strings.TrimSpace(req.Title), Body: req.Body}
	checkTitle(&f, "title", it.Title)
	switch it.Kind {
	case KindText:
		checkBody(&f, it.Body)
		it.ContentStatus = ContentReady
	case KindVideo, KindFile:
		if it.Body != "" {
			f.Add("body", "is only for text items: upload "+it.Kind+" content through the Content service")
		}
		it.ContentStatus = ContentAwaitingUpload
	default:
		f.Add("kind", `must be one of "text", "video", "file"`)
	}
	return it, f.Err()
}

// itemPatch is a validated ItemUpdateRequest.
type itemPatch struct {
	title, body *string
}

// validateItemUpdate checks an item update request; whether a body fits the
// item's kind is checked when the item is known (Course.updateItem).
func validateItemUpdate(req ItemUpdateRequest) (itemPatch, error) {
	var f errs.Fields
	var p itemPatch
	if req.Title != nil {
		t := strings.TrimSpace(*req.Title)
		checkTitle(&f, "title", t)
		p.title = &t
	}
	if req.Body != nil {
		checkBody(&f, *req.Body)
		p.body = req.Body
	}
	if err := f.Err(); err != nil {
		return itemPatch{}, err
	}
	if p == (itemPatch{}) {
		return itemPatch{}, errs.E(errs.Invalid, "send title and/or body to change")
	}
	return p, nil
}

func checkTitle(f *errs.Fields, field, t string) {
	n := utf8.RuneCountInString(t)
	if n == 0 || n > MaxTitleLen {
		f.Add(field, fmt.Sprintf("must be 1 to %d characters", MaxTitleLen))
	}
	if strings.ContainsFunc(t, unicode.IsControl) {
		f.Add(field, "must not contain control characters")
	}
}

func checkDescription(f *errs.Fields, d string) {
	if utf8.RuneCountInString(d) > MaxDescriptionLen {
		f.Add("description", fmt.Sprintf("must be at most %d characters", MaxDescriptionLen))
	}
	if strings.ContainsFunc(d, isBadControl) {
		f.Add("description", "must not contain control characters other than newlines and tabs")
	}
}

func checkBody(f *errs.Fields, b string) {
	if strings.TrimSpace(b) == "" {
		f.Add("body", "is required for text items: send 1 to 50000 characters")
		return
	}
	if utf8.RuneCountInString(b) > MaxBodyLen {
		f.Add("body", fmt.Sprintf("must be at most %d characters", MaxBodyLen))
	}
	if !utf8.ValidString(b) || strings.ContainsFunc(b, isBadControl) {
		f.Add("body", "must be UTF-8 text without control characters other than newlines and tabs")
	}
}

func checkPrice(f *errs.Fields, m money.Money) {
	switch {
	case m.Amount <= 0:
		f.Add("price.amount", "must be greater than 0 (an integer in the currency's minor units)")
	case m.Amount > MaxPriceAmount:
		f.Add("price.amount", fmt.Sprintf("must be at most %d", int64(MaxPriceAmount)))
	}
	if !money.Supported(m.Currency) {
		f.Add("price.currency", "must be one of "+strings.Join(money.Currencies(), ", "))
	}
}

func checkInterval(f *errs.Fields, i string) {
	if i != IntervalMonth && i != IntervalYear {
		f.Add("billing_interval", `must be "month" or "year"`)
	}
}

func normalizeInterval(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func isBadControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }

// --- Changing a course. Each method changes the course in memory and records
// what happened; the store persists the difference and announces the record.

func (c *Course) record(typ string, it *Item) {
	if it != nil {
		cp := *it
		it = &cp
	}
	c.changes = append(c.changes, change{Type: typ, Item: it})
}

// apply changes the course's fields; it records course.updated only when a
// value actually changed.
func (c *Course) apply(p coursePatch) {
	before := *c
	if p.title != nil {
		c.Title = *p.title
	}
	if p.description != nil {
		c.Description = *p.description
	}
	if p.price != nil {
		c.Price = *p.price
	}
	if p.interval != nil {
		c.BillingInterval = *p.interval
	}
	if c.Title != before.Title || c.Description != before.Description || c.Price != before.Price ||
		c.BillingInterval != before.BillingInterval {
		c.record(EventUpdated, nil)
	}
}

// publish puts the course in the catalog. It needs at least one item;
// publishing a published course changes nothing.
func (c *Course) publish() error {
	if c.Status == StatusPublished {
		return nil
	}
	if c.ItemCount == 0 {
		return errs.E(errs.FailedPrecondition, "a course needs at least one item before it can be published: add an item first")
	}
	c.Status = StatusPublished
	c.record(EventPublished, nil)
	return nil
}

// unpublish takes the course out of the catalog; unpublishing a draft
// changes nothing.
func (c *Course) unpublish() {
	if c.Status == StatusDraft {
		return
	}
	c.Status = StatusDraft
	c.record(EventUnpublished, nil)
}

// addItem appends it (which has an id) at position n+1. Items must be loaded.
func (c *Course) addItem(it Item) (Item, error) {
	if len(c.Items) >= MaxItems {
		return Item{}, errs.E(errs.FailedPrecondition, "a course holds at most %d items: remove one first", MaxItems)
	}
	it.CourseID = c.ID
	it.Position = int64(len(c.Items)) + 1
	c.Items = append(c.Items, it)
	c.ItemCount = int64(len(c.Items))
	c.record(EventItemAdded, &it)
	return it, nil
}

// updateItem changes item id's title and/or body. Items must be loaded.
func (c *Course) updateItem(id string, p itemPatch) (Item, error) {
	i := c.itemIndex(id)
	if i < 0 {
		return Item{}, ErrItemNotFound
	}
	it := &c.Items[i]
	if p.body != nil && it.Kind != KindText {
		return Item{}, &errs.Error{Kind: errs.Invalid, Message: "a " + it.Kind + " item has no body",
			Fields: map[string]string{"body": "is only for text items: upload " + it.Kind + " content through the Content service"}}
	}
	before := *it
	if p.title != nil {
		it.Title = *p.title
	}
	if p.body != nil {
		it.Body = *p.body
	}
	if it.Title != before.Title || it.Body != before.Body {
		c.record(EventItemUpdated, it)
	}
	return *it, nil
}

// removeItem deletes item id and renumbers the rest 1..n. A published course
// keeps at least one item. Items must be loaded.
func (c *Course) removeItem(id string) error {
	i := c.itemIndex(id)
	if i < 0 {
		return ErrItemNotFound
	}
	if c.Status == StatusPublished && len(c.Items) == 1 {
		return errs.E(errs.FailedPrecondition, "a published course needs at least one item: unpublish the course before removing its last item")
	}
	removed := c.Items[i]
	c.Items = slices.Delete(c.Items, i, i+1)
	c.renumber()
	c.record(EventItemRemoved, &removed)
	return nil
}

// reorder puts the items in the order of ids, which must name every item
// exactly once. Items must be loaded.
func (c *Course) reorder(ids []string) error {
	bad := &errs.Error{Kind: errs.Invalid, Message: "item_ids must be a permutation of the course's item ids",
		Fields: map[string]string{"item_ids": fmt.Sprintf("must list each of the course's %d item ids exactly once", len(c.Items))}}
	if len(ids) != len(c.Items) {
		return bad
	}
	byID := make(map[string]Item, len(c.Items))
	for _, it := range c.Items {
		byID[it.ID] = it
	}
	out := make([]Item, 0, len(ids))
	for _, id := range ids {
		it, ok := byID[id]
		if !ok {
			return bad // unknown or repeated
		}
		delete(byID, id)
		out = append(out, it)
	}
	moved := false
	for i := range out {
		if out[i].ID != c.Items[i].ID {
			moved = true
		}
	}
	c.Items = out
	c.renumber()
	if moved {
		c.record(EventUpdated, nil)
	}
	return nil
}

func (c *Course) renumber() {
	for i := range c.Items {
		c.Items[i].Position = int64(i) + 1
	}
	c.ItemCount = int64(len(c.Items))
}

func (c *Course) itemIndex(id string) int {
	return slices.IndexFunc(c.Items, func(it Item) bool { return it.ID == id })
}

// --- Catalog paging.

// cursor is the position after which a catalog page starts: the last course
// of the previous page.
type cursor struct {
	PublishedAt time.Time `json:"p"`
	CourseID    string    `json:"c"`
}

// encodeCursor returns the opaque cursor that follows course c.
func encodeCursor(c Course) string {
	b, _ := json.Marshal(cursor{PublishedAt: c.PublishedAt.UTC(), CourseID: c.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

var errBadCursor = &errs.Error{Kind: errs.Invalid, Message: "cursor is not valid",
	Fields: map[string]string{"cursor": "must be a next_cursor value this API returned; omit it for the first page"}}

func decodeCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errBadCursor
	}
	var c cursor
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || c.PublishedAt.IsZero() || c.CourseID == "" || len(c.CourseID) > 36 {
		return nil, errBadCursor
	}
	return &c, nil
}

// parseListQuery reads ?limit= and ?cursor= of the catalog.
func parseListQuery(limitParam, cursorParam string) (int, *cursor, error) {
	var f errs.Fields
	limit := DefaultPageSize
	if limitParam != "" {
		n, err := strconv.Atoi(limitParam)
		if err != nil || n < 1 || n > MaxPageSize {
			f.Add("limit", fmt.Sprintf("must be a whole number from 1 to %d", MaxPageSize))
		}
		limit = n
	}
	after, err := decodeCursor(cursorParam)
	if err != nil {
		f.Add("cursor", errBadCursor.Fields["cursor"])
	}
	if err := f.Err(); err != nil {
		return 0, nil, err
	}
	return limit, after, nil
}
