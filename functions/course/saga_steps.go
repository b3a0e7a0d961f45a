package course

import (
	"context"
	"net/http"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/subscribe/saga"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/spanx"
)

// The Course service's steps of the subscribe saga (functions/subscribe/saga):
// course-saga-get-info tells the orchestrator the course's tutor, status and
// price; course-saga-update-info counts the new subscriber and
// course-saga-revert-info takes the count back.

// sagaHandlers returns the saga step functions by name.
func (s *Service) sagaHandlers() map[string]http.Handler {
	p := &saga.Participant{DB: s.store.db, Outbox: s.store.outbox, Publisher: s.store.outbox.Publisher, Fail: s.failSagaStep}
	return map[string]http.Handler{
		"course-saga-get-info": events.Push(p.Handler(saga.Step{Apply: s.sagaGetInfo})),
		"course-saga-update-info": events.Push(p.Handler(saga.Step{Apply: func(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
			return addSubscribers(ctx, tx, cmd.CourseID, +1)
		}})),
		"course-saga-revert-info": events.Push(p.Handler(saga.Step{Apply: func(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
			return addSubscribers(ctx, tx, cmd.CourseID, -1)
		}})),
	}
}

// sagaGetInfo answers what the subscription needs to know of the course.
func (s *Service) sagaGetInfo(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	row, err := tx.ReadRow(ctx, "Courses", spanner.Key{cmd.CourseID}, []string{"TutorId", "Title", "Status", "PriceAmount", "Currency", "BillingInterval"})
	if spanx.IsNotFound(err) {
		return saga.Failure("course_not_found", "the course does not exist"), nil
	}
	if err != nil {
		return saga.Outcome{}, err
	}
	var c saga.CourseInfo
	if err := row.Columns(&c.TutorID, &c.Title, &c.Status, &c.Price.Amount, &c.Price.Currency, &c.BillingInterval); err != nil {
		return saga.Outcome{}, err
	}
	c.Price = money.Money{Amount: c.Price.Amount, Currency: c.Price.Currency}
	return saga.Success(c), nil
}

// addSubscribers changes course id's subscriber count by delta.
func addSubscribers(ctx context.Context, tx *spanx.Tx, id string, delta int64) (saga.Outcome, error) {
	row, err := tx.ReadRow(ctx, "Courses", spanner.Key{id}, []string{"SubscriberCount"})
	if spanx.IsNotFound(err) {
		return saga.Failure("course_not_found", "the course does not exist"), nil
	}
	if err != nil {
		return saga.Outcome{}, err
	}
	var n int64
	if err := row.Columns(&n); err != nil {
		return saga.Outcome{}, err
	}
	return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.Update("Courses",
		[]string{"CourseId", "SubscriberCount"}, []any{id, max(n+delta, 0)})})
}
