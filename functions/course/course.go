// Package course is Kwipper's Course service: tutors create courses (a title,
// a description and a recurring price), fill them with ordered items (text,
// video, downloadable files) and publish them to the catalog everyone can
// browse. It owns the "courses" database, announces changes on course-events
// (functions/contract/coursemsg), and keeps projections of other services'
// events: tutors' display names, who may read a course's content, and each
// media item's content status.
//
// course.go is the domain: validation and the rules of changing a course (no
// cloud SDK). api.go holds the thin HTTP handlers and their request and
// response types, events.go the event consumers, routes.go the service's
// functions, store*.go the Spanner storage.
package course

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
)

// Limits on what a course may hold.
const (
	MaxTitleLen       = 200   // characters, course and item titles
	MaxDescriptionLen = 5000  // characters
	MaxBodyLen        = 50000 // characters of a text item's body
	MaxItems          = 100   // items per course
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
	// SubscriberCount is how many subscriptions to the course are active,
	// moved by nextSubscriptionState, not by the course's own changes.
	SubscriberCount int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	PublishedAt     time.Time // zero unless published
	// eventVersion is the version of the course's latest event (coursemsg.EventData).
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

// Errors the service returns.
var (
	ErrNotFound     = errs.E(errs.NotFound, "course not found")
	ErrItemNotFound = errs.E(errs.NotFound, "item not found in this course")
	ErrNotOwner     = errs.E(errs.PermissionDenied, "only the course's tutor may change it")
)

func (c Course) eventData(it *Item) coursemsg.EventData {
	d := coursemsg.EventData{CourseID: c.ID, TutorID: c.TutorID, Status: c.Status, Price: c.Price,
		BillingInterval: c.BillingInterval, Title: c.Title, ItemCount: c.ItemCount}
	if it != nil {
		d.ItemID, d.ItemKind, d.ItemTitle = it.ID, it.Kind, it.Title
		if it.Kind == coursemsg.KindText {
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
	return c.Status == coursemsg.StatusPublished || c.isOwner(p)
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
		Price:           req.Price,
		BillingInterval: normalizeInterval(req.BillingInterval),
		Status:          coursemsg.StatusDraft,
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
		m := *req.Price
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
	case coursemsg.KindText:
		checkBody(&f, it.Body)
		it.ContentStatus = contentmsg.StatusReady
	case coursemsg.KindVideo, coursemsg.KindFile:
		if it.Body != "" {
			f.Add("body", "is only for text items: upload "+it.Kind+" content through the Content service")
		}
		it.ContentStatus = contentmsg.StatusAwaitingUpload
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
	if field, problem := money.Check(m); field != "" {
		f.Add("price."+field, problem)
	}
}

func checkInterval(f *errs.Fields, i string) {
	if !billingcal.Valid(i) {
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
		c.record(coursemsg.EventUpdated, nil)
	}
}

// publish puts the course in the catalog. It needs at least one item, every
// item's content ready, and the items loaded; publishing a published course
// changes nothing.
func (c *Course) publish() error {
	if c.Status == coursemsg.StatusPublished {
		return nil
	}
	if c.ItemCount == 0 {
		return errs.E(errs.FailedPrecondition, "a course needs at least one item before it can be published: add an item first")
	}
	// Learners pay for what they can watch: every video and file item
	// needs its content before the course goes public (items added after
	// show as awaiting upload until theirs is ready).
	var waiting []string
	for _, it := range c.Items {
		if it.ContentStatus != contentmsg.StatusReady {
			waiting = append(waiting, it.ID)
		}
	}
	if len(waiting) > 0 {
		return &errs.Error{Kind: errs.FailedPrecondition,
			Message: fmt.Sprintf("%d of the course's items have no content yet: upload their video or file (and wait until it is ready) before publishing", len(waiting)),
			Details: map[string]string{"items_awaiting_content": strings.Join(waiting, ",")}}
	}
	c.Status = coursemsg.StatusPublished
	c.record(coursemsg.EventPublished, nil)
	return nil
}

// unpublish takes the course out of the catalog; unpublishing a draft
// changes nothing.
func (c *Course) unpublish() {
	if c.Status == coursemsg.StatusDraft {
		return
	}
	c.Status = coursemsg.StatusDraft
	c.record(coursemsg.EventUnpublished, nil)
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
	c.record(coursemsg.EventItemAdded, &it)
	return it, nil
}

// updateItem changes item id's title and/or body. Items must be loaded.
func (c *Course) updateItem(id string, p itemPatch) (Item, error) {
	i := c.itemIndex(id)
	if i < 0 {
		return Item{}, ErrItemNotFound
	}
	it := &c.Items[i]
	if p.body != nil && it.Kind != coursemsg.KindText {
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
		c.record(coursemsg.EventItemUpdated, it)
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
	if c.Status == coursemsg.StatusPublished && len(c.Items) == 1 {
		return errs.E(errs.FailedPrecondition, "a published course needs at least one item: unpublish the course before removing its last item")
	}
	removed := c.Items[i]
	c.Items = slices.Delete(c.Items, i, i+1)
	c.renumber()
	c.record(coursemsg.EventItemRemoved, &removed)
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
		c.record(coursemsg.EventUpdated, nil)
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

// --- What other services learn of a course.

// sagaInfo is what the subscribe saga learns of the course (GetCourseInfo).
func (c Course) sagaInfo() sagamsg.CourseInfo {
	return sagamsg.CourseInfo{TutorID: c.TutorID, Title: c.Title, Status: c.Status, Price: c.Price, BillingInterval: c.BillingInterval}
}

// Where a subscription stands on the course's side (Entitlements.State).
const (
	SubscriptionPending = "pending" // the subscribe saga counts on it
	SubscriptionActive  = "active"  // its learner reads the content, and it is counted
	SubscriptionEnded   = "ended"   // for good: a new subscription has a new id
)

// Things that happen to a subscription, as the Course service hears of them.
const (
	heardSaga      = "saga"      // the saga's UpdateCourseInfo step
	heardActivated = "activated" // subscription.activated
	heardEnded     = "ended"     // subscription.ended, or the saga's RevertCourseInfo
)

// nextSubscriptionState is the one rule of the subscriber count: from state
// (where the subscription stands, "" when unknown) what it heard moves it to
// next, and delta is what that does to the course's subscriber count. A
// subscription is counted exactly while it is active, so the count changes
// once per transition however often, and in whatever order, the news
// arrives: an ended subscription never comes back.
func nextSubscriptionState(state, heard string) (next string, delta int64) {
	switch {
	case heard == heardSaga && state == "":
		return SubscriptionPending, 0
	case heard == heardActivated && (state == "" || state == SubscriptionPending):
		return SubscriptionActive, +1
	case heard == heardEnded && state == SubscriptionActive:
		return SubscriptionEnded, -1
	case heard == heardEnded && state != SubscriptionEnded:
		return SubscriptionEnded, 0
	}
	return state, 0
}

// contentStatusApplies reports whether a content event (status after the
// event, version) changes a media item of kind that applied version applied:
// text items have no uploads, and an event older than the one applied
// changes nothing (Pub/Sub does not keep order).
func contentStatusApplies(kind string, applied int64, d contentmsg.EventData) bool {
	return kind != coursemsg.KindText && d.Version > applied
}
