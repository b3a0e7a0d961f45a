package billing

import (
	"context"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
)

// The Billing service's consumers of other services' events.

// onUserEvent keeps the learners' countries (UserCountries) in step with the
// User service, so the API can say which payment methods a learner's country
// offers; an older event than the one applied changes nothing.
func (s *Service) onUserEvent(ctx context.Context, m events.Message) error {
	if m.Type != usermsg.EventRegistered && m.Type != usermsg.EventUpdated && m.Type != usermsg.EventDeleted {
		return nil
	}
	var d usermsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if m.Type == usermsg.EventDeleted {
		if d.UserID == "" || len(d.UserID) > 36 {
			return errs.E(errs.Invalid, "event %s %s needs a user_id", m.Type, m.ID)
		}
		return s.forgetUser(ctx, m.ID, d)
	}
	if d.UserID == "" || len(d.UserID) > 36 || len(d.Country) != 2 {
		return errs.E(errs.Invalid, "event %s %s needs a user_id and a two-letter country", m.Type, m.ID)
	}
	return s.store.applyUserCountry(ctx, m.ID, d)
}
