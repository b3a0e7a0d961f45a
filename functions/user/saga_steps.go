package user

import (
	"context"
	"net/http"
	"slices"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/subscribe/saga"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// The User service's steps of the subscribe saga (functions/subscribe/saga):
// user-saga-get-info checks the learner, user-saga-update-info adds the course
// to the learner's courses (UserCourses) and user-saga-revert-info removes it.

// sagaHandlers returns the saga step functions by name.
func (s *Service) sagaHandlers() map[string]http.Handler {
	p := &saga.Participant{DB: s.store.db, Outbox: s.store.outbox, Publisher: s.store.outbox.Publisher, Fail: s.failSagaStep}
	return map[string]http.Handler{
		"user-saga-get-info":    events.Push(p.Handler(saga.Step{Apply: s.sagaGetInfo})),
		"user-saga-update-info": events.Push(p.Handler(saga.Step{Apply: s.sagaUpdateInfo})),
		"user-saga-revert-info": events.Push(p.Handler(saga.Step{Apply: s.sagaRevertInfo})),
	}
}

// sagaGetInfo answers who the learner is; an unknown user or one who is not
// a learner fails the saga.
func (s *Service) sagaGetInfo(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	row, err := tx.ReadRow(ctx, "Users", spanner.Key{cmd.UserID}, userColumns)
	if spanx.IsNotFound(err) {
		return saga.Failure("user_not_found", "your account was not found"), nil
	}
	if err != nil {
		return saga.Outcome{}, err
	}
	u, err := scanUser(row)
	if err != nil {
		return saga.Outcome{}, err
	}
	if !slices.Contains(u.Roles, auth.Learner) {
		return saga.Failure("not_a_learner", "only learners can subscribe to courses"), nil
	}
	return saga.Success(saga.UserInfo{DisplayName: u.DisplayName, Country: u.Country, Roles: roleNames(u.Roles)}), nil
}

// sagaUpdateInfo records the subscription among the learner's courses.
func (s *Service) sagaUpdateInfo(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	var args saga.UserUpdateArgs
	if err := cmd.Decode(&args); err != nil {
		return saga.Outcome{}, err
	}
	if _, err := tx.ReadRow(ctx, "Users", spanner.Key{cmd.UserID}, []string{"UserId"}); spanx.IsNotFound(err) {
		return saga.Failure("user_not_found", "your account was not found"), nil
	} else if err != nil {
		return saga.Outcome{}, err
	}
	return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("UserCourses",
		[]string{"UserId", "SubscriptionId", "CourseId", "CourseTitle", "AddedAt"},
		[]any{cmd.UserID, cmd.SagaID, cmd.CourseID, args.CourseTitle, spanner.CommitTimestamp})})
}

// sagaRevertInfo removes what sagaUpdateInfo added.
func (s *Service) sagaRevertInfo(_ context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.Delete("UserCourses", spanner.Key{cmd.UserID, cmd.SagaID})})
}
