package course

import (
	"context"

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

// sagaUpdateInfo is UpdateCourseInfo: the course knows the subscription is
// coming (pending); it is counted once subscription.activated arrives.
func (s *store) sagaUpdateInfo(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	return s.sagaMove(ctx, tx, cmd, heardSaga)
}

// sagaRevertInfo is RevertCourseInfo, the compensation (and, in a refund
// saga, the course's step): the subscription ends on the course's side, and
// stops being counted if it was.
func (s *store) sagaRevertInfo(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	return s.sagaMove(ctx, tx, cmd, heardEnded)
}

func (s *store) sagaMove(ctx context.Context, tx *spanx.Tx, cmd saga.Command, heard string) (saga.Outcome, error) {
	found, err := moveSubscription(ctx, tx, cmd.CourseID, cmd.UserID, cmd.SagaID, heard)
	if err != nil {
		return saga.Outcome{}, err
	}
	if !found {
		return errNoCourse, nil
	}
	return saga.Success(nil), nil
}
