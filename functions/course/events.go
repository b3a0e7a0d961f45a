package course

import (
	"context"
	"slices"
	"unicode/utf8"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
)

// The Course service's consumers of other services' events. Each decodes
// and checks its event (a malformed one is Invalid: it can never succeed,
// so it goes to the dead-letter topic) and has the store apply it once,
// however often it is delivered.

// onUserEvent keeps TutorProfiles in step with the User service: a tutor's
// registration or profile update upserts their display name, unless a newer
// rename was applied already. Other event types, and users who are not
// tutors, are acknowledged and ignored.
func (s *Service) onUserEvent(ctx context.Context, m events.Message) error {
	if m.Type != usermsg.EventRegistered && m.Type != usermsg.EventUpdated && m.Type != usermsg.EventDeleted {
		return nil
	}
	var d usermsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.UserID == "" || len(d.UserID) > 36 || utf8.RuneCountInString(d.DisplayName) > 100 {
		return errs.E(errs.Invalid, "event %s %s needs a user_id and a display_name of at most 100 characters", m.Type, m.ID)
	}
	if m.Type == usermsg.EventDeleted {
		// The account is gone: forget the name its courses showed.
		d.DisplayName = ""
		return s.store.applyTutor(ctx, m.ID, d)
	}
	if !slices.Contains(d.Roles, string(auth.Tutor)) {
		return nil
	}
	return s.store.applyTutor(ctx, m.ID, d)
}

// onSubscriptionEvent keeps the Entitlements projection in step with the
// Subscribe service: subscription.activated grants the learner the course's
// content, subscription.ended takes it away, in whatever order the two
// arrive (an ended subscription is never re-activated).
func (s *Service) onSubscriptionEvent(ctx context.Context, m events.Message) error {
	if m.Type != subscribemsg.EventActivated && m.Type != subscribemsg.EventEnded {
		return nil
	}
	var d subscribemsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if !d.Valid() {
		return errs.E(errs.Invalid, "event %s %s needs subscription_id, user_id and course_id", m.Type, m.ID)
	}
	return s.store.applyEntitlement(ctx, m.ID, d, m.Type == subscribemsg.EventEnded)
}

// onContentEvent sets a media item's content status from the Content
// service's events (content.upload_started, content.ready,
// content.rejected); an event older than the one applied (by version) and
// events about removed or text items change nothing.
func (s *Service) onContentEvent(ctx context.Context, m events.Message) error {
	switch m.Type {
	case contentmsg.EventUploadStarted, contentmsg.EventReady, contentmsg.EventRejected:
	default:
		return nil
	}
	var d contentmsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.CourseID == "" || d.ItemID == "" || len(d.CourseID) > 36 || len(d.ItemID) > 36 || d.Version < 1 ||
		(d.Status != contentmsg.StatusReady && d.Status != contentmsg.StatusAwaitingUpload && d.Status != contentmsg.StatusRejected) {
		return errs.E(errs.Invalid, "event %s %s needs course_id, item_id, a version and a known status", m.Type, m.ID)
	}
	return s.store.applyContentStatus(ctx, m.ID, d)
}
