package progress

import (
	"context"
	"slices"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
)

// The Progress service's consumers of other services' events. Each decodes
// and checks its event (a malformed one is Invalid: it can never succeed,
// so it goes to the dead-letter topic) and has the store apply it once,
// however often it is delivered.

// onCourseEvent keeps the course and item projections in step with the
// Course service: every event carries the course (owner, title, status, item
// count); item events add, rename or remove (tombstone) an item. An event
// older than the one a row applied changes that row nothing.
func (s *Service) onCourseEvent(ctx context.Context, m events.Message) error {
	var d coursemsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if !validID(d.CourseID) || !validID(d.TutorID) || (d.ItemID != "" && !validID(d.ItemID)) || d.ItemCount < 0 {
		return errs.E(errs.Invalid, "event %s %s needs a course_id, a tutor_id and a valid item_id", m.Type, m.ID)
	}
	c := Course{ID: d.CourseID, TutorID: d.TutorID, Title: d.Title, Status: d.Status, ItemCount: d.ItemCount}
	var it *Item
	switch m.Type {
	case coursemsg.EventItemAdded, coursemsg.EventItemUpdated, coursemsg.EventItemRemoved:
		if d.ItemID == "" || !slices.Contains(coursemsg.Kinds, d.ItemKind) {
			return errs.E(errs.Invalid, "item event %s %s needs an item_id and a known item_kind", m.Type, m.ID)
		}
		it = &Item{CourseID: d.CourseID, ItemID: d.ItemID, Kind: d.ItemKind, Title: d.ItemTitle,
			Removed: m.Type == coursemsg.EventItemRemoved}
	}
	return s.store.applyCourse(ctx, m.ID, m.Type, d.Version, c, it)
}

// onSubscriptionEvent keeps the entitlement projection in step with the
// Subscribe service: subscription.activated grants reporting on the course,
// subscription.ended takes it away, in whatever order the two arrive (an
// ended subscription is never re-activated). Other types are acknowledged.
func (s *Service) onSubscriptionEvent(ctx context.Context, m events.Message) error {
	if m.Type != subscribemsg.EventActivated && m.Type != subscribemsg.EventEnded {
		return nil
	}
	var d subscribemsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if !d.Valid() || !validID(d.UserID) || !validID(d.CourseID) {
		return errs.E(errs.Invalid, "event %s %s needs a subscription_id, a user_id and a course_id", m.Type, m.ID)
	}
	return s.store.applySubscription(ctx, m.ID, d, m.Type == subscribemsg.EventEnded)
}

// onUserEvent is the Progress service's step of deleting an account
// (user.deleted); other user events are acknowledged.
func (s *Service) onUserEvent(ctx context.Context, m events.Message) error {
	if m.Type != usermsg.EventDeleted {
		return nil
	}
	var d usermsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if !validID(d.UserID) {
		return errs.E(errs.Invalid, "event %s %s needs a user_id", m.Type, m.ID)
	}
	return s.store.forgetLearner(ctx, m.ID, d.UserID)
}
