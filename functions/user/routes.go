package user

import (
	"net/http"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
)

// Database is the service's Spanner database id.
const Database = "users"

// Registration is the User service as the platform knows it: its database,
// what it publishes, and every function with its handler.
var Registration = fnreg.Define(fnreg.Service{Name: "user", Database: Database, Schema: migrationFiles,
	Publishes: []string{usermsg.Topic}}, routes(nil),
	func(d fnreg.Deps) ([]fnreg.Func, error) {
		s, err := New(d, Config{})
		return routes(s), err
	})

// routes are the service's functions bound to s (nil: their specs only).
func routes(s *Service) []fnreg.Func {
	return []fnreg.Func{
		{Spec: fnreg.Spec{Name: "user-register", Method: http.MethodPost, Path: "/v1/users", Access: fnreg.Public,
			Summary: "Register a tutor or learner account", Request: RegisterRequest{}, Response: View{}, Status: http.StatusCreated, Idempotent: true, Refuses: []errs.Kind{errs.Conflict}},
			HTTP: s.register},
		{Spec: fnreg.Spec{Name: "user-login", Method: http.MethodPost, Path: "/v1/sessions", Access: fnreg.Public,
			Summary: "Log in: exchange email and password for an access token", Request: LoginRequest{}, Response: Session{}, Refuses: []errs.Kind{errs.Unauthenticated, errs.TooManyRequests}},
			HTTP: s.login},
		{Spec: fnreg.Spec{Name: "user-refresh", Method: http.MethodPost, Path: "/v1/sessions/refresh", Access: fnreg.Public,
			Summary: "Exchange a refresh token for new tokens (the refresh token rotates; reusing an old one revokes the session)", Request: RefreshRequest{}, Response: Session{}},
			HTTP: s.refresh},
		{Spec: fnreg.Spec{Name: "user-logout", Method: http.MethodDelete, Path: "/v1/sessions/current", Access: fnreg.User,
			Summary: "Log out on this device: end the session of the access token", Status: http.StatusNoContent},
			HTTP: s.logout},
		{Spec: fnreg.Spec{Name: "user-logout-all", Method: http.MethodDelete, Path: "/v1/sessions", Access: fnreg.User,
			Summary: "Log out on every device: end every session, refresh and access tokens alike", Status: http.StatusNoContent},
			HTTP: s.logoutAll},
		{Spec: fnreg.Spec{Name: "user-change-password", Method: http.MethodPost, Path: "/v1/users/me/password", Access: fnreg.User,
			Summary: "Change my password (needs the current one): ends every session and starts a new one", Request: ChangePasswordRequest{}, Response: Session{}, Refuses: []errs.Kind{errs.NotFound, errs.PermissionDenied}},
			HTTP: s.changePassword},
		{Spec: fnreg.Spec{Name: "user-token-revocations", Method: http.MethodGet, Path: TokenRevocationsPath, Access: fnreg.Public,
			Summary: "Access tokens revoked before they expire (verifiers fetch it like the JWKS)", Response: auth.RevocationList{}},
			HTTP: s.tokenRevocations},
		{Spec: fnreg.Spec{Name: "user-get-me", Method: http.MethodGet, Path: "/v1/users/me", Access: fnreg.User,
			Summary: "Get my profile", Response: View{}, Refuses: []errs.Kind{errs.NotFound}},
			HTTP: s.getMe},
		{Spec: fnreg.Spec{Name: "user-update-me", Method: http.MethodPatch, Path: "/v1/users/me", Access: fnreg.User,
			Summary: "Update my display name or country", Request: UpdateRequest{}, Response: View{}, Refuses: []errs.Kind{errs.NotFound}},
			HTTP: s.updateMe},
		{Spec: fnreg.Spec{Name: "user-delete-me", Method: http.MethodDelete, Path: "/v1/users/me", Access: fnreg.User,
			Summary: "Delete my account (needs my password): ends my subscriptions at once and removes my personal data", Request: DeleteAccountRequest{}, Status: http.StatusNoContent, Refuses: []errs.Kind{errs.NotFound, errs.PermissionDenied}},
			HTTP: s.deleteMe},
		{Spec: fnreg.Spec{Name: "user-export-me", Method: http.MethodGet, Path: "/v1/users/me/export", Access: fnreg.User,
			Summary: "Export my personal data as a JSON file", Response: Export{}, Refuses: []errs.Kind{errs.NotFound}},
			HTTP: s.exportMe},
		{Spec: fnreg.Spec{Name: "user-send-email-verification", Method: http.MethodPost, Path: "/v1/users/me/email-verification", Access: fnreg.User,
			Summary: "Email me a new link that verifies my address (one a minute)", Response: EmailSent{}, Status: http.StatusAccepted,
			Refuses: []errs.Kind{errs.NotFound, errs.FailedPrecondition, errs.TooManyRequests, errs.Unavailable}},
			HTTP: s.sendVerification},
		{Spec: fnreg.Spec{Name: "user-verify-email", Method: http.MethodPost, Path: "/v1/email-verifications", Access: fnreg.Public,
			Summary: "Verify an email address with the token of the emailed link", Request: TokenRequest{}, Response: View{}},
			HTTP: s.verifyEmail},
		{Spec: fnreg.Spec{Name: "user-request-password-reset", Method: http.MethodPost, Path: "/v1/password-resets", Access: fnreg.Public,
			Summary: "Email a link to choose a new password (the answer is the same whether the address has an account or not)", Request: PasswordResetRequest{}, Response: EmailSent{}, Status: http.StatusAccepted,
			Refuses: []errs.Kind{errs.TooManyRequests, errs.Unavailable}},
			HTTP: s.requestPasswordReset},
		{Spec: fnreg.Spec{Name: "user-reset-password", Method: http.MethodPost, Path: "/v1/password-resets/confirm", Access: fnreg.Public,
			Summary: "Choose a new password with the token of the emailed link: every session ends and a new one starts", Request: PasswordResetConfirm{}, Response: Session{},
			Refuses: []errs.Kind{errs.Conflict}},
			HTTP: s.resetPassword},
		{Spec: fnreg.Spec{Name: "user-jwks", Method: http.MethodGet, Path: "/.well-known/jwks.json", Access: fnreg.Public,
			Summary: "Public keys that verify access tokens (JWKS)", Response: auth.JWKS{}},
			HTTP: s.jwks},
		{Spec: fnreg.Spec{Name: "user-outbox-relay", Topic: events.OutboxTick,
			Summary: "Publish user events the outbox still holds"},
			Event: s.relay},

		// The subscribe saga's steps (functions/contract/sagamsg).
		{Spec: fnreg.Spec{Name: "user-saga-get-info", Topic: sagamsg.Lookup(sagamsg.StepUserGetInfo).Do,
			Summary: "Saga step GetUserInfo"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaGetInfo} }},
		{Spec: fnreg.Spec{Name: "user-saga-update-info", Topic: sagamsg.Lookup(sagamsg.StepUserUpdateInfo).Do,
			Summary: "Saga step UpdateUserInfo: add the course to the learner's courses"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaAddCourse} }},
		{Spec: fnreg.Spec{Name: "user-saga-revert-info", Topic: sagamsg.Lookup(sagamsg.StepUserUpdateInfo).Undo,
			Summary: "Saga compensation RevertUserInfo"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaRemoveCourse} }},
	}
}
