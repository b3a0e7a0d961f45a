// Package usermsg is the User service's published language: the topic it
// announces user changes on and their payload.
package usermsg

// Topic is where the User service announces user events.
const Topic = "user-events"

// Event types on Topic; every one carries EventData.
const (
	EventRegistered = "user.registered"
	EventUpdated    = "user.updated"
	// EventDeleted announces that the account is gone: each service ends
	// what it holds for the user and removes the personal data it keeps
	// (its EventData carries only the user id and version).
	EventDeleted = "user.deleted"
)

// EventData is the payload of user events: what other services may keep a
// projection of (no email or credentials).
type EventData struct {
	UserID      string   `json:"user_id"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles"`
	Country     string   `json:"country"`
	// Email is the account's address: Billing makes vouchers and bank
	// transfers out to it (Stripe requires a name and email for them).
	Email string `json:"email,omitempty"`
	// Version numbers the user's events: 1 for user.registered, one more
	// for each update. A consumer applies an event only when it is newer
	// than what it has.
	Version int64 `json:"version"`
}
