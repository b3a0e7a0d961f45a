package billing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
)

// Billing's step of an account deletion (user.deleted; see the User
// service's api_account.go for the choreography). Tax law keeps payment
// records for years (Indonesia 10, Japan 7, the Philippines 10, Mexico 5),
// so Billing keeps them, but not who paid: the user id on every payment,
// its terms and its receipts becomes a pseudonym nothing maps back to, and
// the card's last four digits are cleared. The Stripe customer is deleted,
// which detaches every saved payment method for good; the customer row,
// its methods and the learner's country go. The step is idempotent and
// retried until done; while a payment of the user is still in flight
// (attempting, or waiting for the learner) it waits, so no payment lands
// after the pseudonymisation with the real id.

// pseudonym is what replaces a deleted user's id in the payment records
// (deterministic per deletion event, so a retried step writes the same).
func pseudonym(eventID string) string {
	h := sha256.Sum256([]byte("kwipper-deleted-user:" + eventID))
	return "deleted-" + hex.EncodeToString(h[:14])
}

var errPaymentInFlight = errs.E(errs.Unavailable, "a payment of the deleted account is still in flight: the deletion waits for it")

// forgetUser is Billing's step of deleting account d.UserID.
func (s *Service) forgetUser(ctx context.Context, eventID string, d usermsg.EventData) error {
	c, ok, err := s.store.customerNow(ctx, d.UserID)
	if err != nil {
		return err
	}
	if ok && c.StripeCustomerID != "" {
		if s.gw == nil {
			return errNoStripe
		}
		if err := s.gw.DeleteCustomer(ctx, c.StripeCustomerID); err != nil {
			return err
		}
	}
	return s.store.forgetUser(ctx, eventID, d, pseudonym(eventID))
}
