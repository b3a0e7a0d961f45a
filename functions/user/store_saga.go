package user

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

// The User service's steps of the subscribe saga (sagamsg): GetUserInfo
// checks the learner, UpdateUserInfo adds the course to the learner's
// courses (UserCourses) and RevertUserInfo removes it. Each runs in the
// transaction saga.Participant records it in.

var errNoAccount = saga.Failure(sagamsg.CodeUserNotFound, "your account was not found")

// sagaGetInfo answers who the learner is; an unknown user or one who is not
// a learner fails the saga.
func (s *store) sagaGetInfo(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	row, err := tx.ReadRow(ctx, "Users", spanner.Key{cmd.UserID}, userColumns)
	if spanx.IsNotFound(err) {
		return errNoAccount, nil
	}
	if err != nil {
		return saga.Outcome{}, err
	}
	u, err := scanUser(row)
	if err != nil {
		return saga.Outcome{}, err
	}
	info, code, reason := u.sagaInfo()
	if code != "" {
		return saga.Failure(code, reason), nil
	}
	return saga.Success(info), nil
}

// sagaAddCourse records the subscription (the saga) among the learner's
// courses.
func (s *store) sagaAddCourse(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	var args sagamsg.UserUpdateArgs
	if err := cmd.Decode(&args); err != nil {
		return saga.Outcome{}, err
	}
	if _, err := tx.ReadRow(ctx, "Users", spanner.Key{cmd.UserID}, []string{"UserId"}); spanx.IsNotFound(err) {
		return errNoAccount, nil
	} else if err != nil {
		return saga.Outcome{}, err
	}
	return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("UserCourses",
		[]string{"UserId", "SubscriptionId", "CourseId", "CourseTitle", "AddedAt"},
		[]any{cmd.UserID, cmd.SagaID, cmd.CourseID, args.CourseTitle, spanner.CommitTimestamp})})
}

// sagaRemoveCourse removes what sagaAddCourse added.
func (s *store) sagaRemoveCourse(_ context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.Delete("UserCourses", spanner.Key{cmd.UserID, cmd.SagaID})})
}
