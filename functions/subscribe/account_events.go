package subscribe

import (
	"context"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
)

// maxSubscriptionsPerUser bounds what one deleted account's event reads.
const maxSubscriptionsPerUser = 1000

// onUserEvent is the Subscribe service's step of deleting an account
// (user.deleted): every active or past-due subscription of the user ends at
// once (no refund; subscription.ended stops access and the course's count).
// It is idempotent: an ended subscription stays as it is. A subscription
// still pending (its saga under way) makes it fail so the event comes again:
// the saga either fails (the user is gone) or activates, and the next
// delivery ends it.
func (s *Service) onUserEvent(ctx context.Context, m events.Message) error {
	if m.Type != usermsg.EventDeleted {
		return nil
	}
	var d usermsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.UserID == "" || len(d.UserID) > 36 {
		return errs.E(errs.Invalid, "event %s %s needs a user_id", m.Type, m.ID)
	}
	subs, err := s.store.byUser(ctx, d.UserID, maxSubscriptionsPerUser)
	if err != nil {
		return err
	}
	pending := 0
	for _, sub := range subs {
		switch sub.Status {
		case StatusActive, StatusPastDue:
			if _, err := s.store.end(ctx, sub.ID, "", CodeAccountDeleted); err != nil && !errs.Is(err, errs.FailedPrecondition) {
				return err
			}
		case StatusPending:
			pending++
		}
	}
	if pending > 0 {
		return errs.E(errs.Unavailable, "%d subscription(s) of deleted user %s are still pending: try again", pending, d.UserID)
	}
	return nil
}
