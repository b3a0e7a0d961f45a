package course

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

// The Course service's steps of the subscribe saga (sagamsg): GetCourseInfo
// tells the orchestrator the course's tutor, status and price;
// UpdateCourseInfo counts the new subscriber and RevertCourseInfo takes the
// count back. Each runs in the transaction saga.Participant records it in.

var errNoCourse = saga.Failure(sagamsg.CodeCourseNotFound, "the course does not exist")

// sagaGetInfo answers what the subscription needs to know of the course.
func (s *store) sagaGetInfo(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	c, err := readCourse(ctx, tx, cmd.CourseID)
	if err == ErrNotFound {
		return errNoCourse, nil
	}
	if err != nil {
		return saga.Outcome{}, err
	}
	return saga.Success(c.sagaInfo()), nil
}

// sagaCountSubscriber returns the step that changes the saga's course's
// subscriber count by delta.
func (s *store) sagaCountSubscriber(delta int64) func(context.Context, *spanx.Tx, saga.Command, saga.Input) (saga.Outcome, error) {
	return func(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
		c, err := readCourse(ctx, tx, cmd.CourseID)
		if err == ErrNotFound {
			return errNoCourse, nil
		}
		if err != nil {
			return saga.Outcome{}, err
		}
		c.addSubscribers(delta)
		return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.Update("Courses",
			[]string{"CourseId", "SubscriberCount"}, []any{c.ID, c.SubscriberCount})})
	}
}
