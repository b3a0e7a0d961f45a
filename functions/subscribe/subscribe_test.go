package subscribe

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/saga"
)

var published = sagamsg.CourseInfo{TutorID: "tutor", Title: "T", Status: "published",
	Price: money.Money{Amount: 1500, Currency: "JPY"}, BillingInterval: "month"}

func ok(step string, data any) saga.Reply {
	r := saga.Reply{SagaID: "s", Step: step, Kind: saga.Do, OK: true}
	if data != nil {
		r.Data, _ = json.Marshal(data)
	}
	return r
}

func data(step string) any {
	switch step {
	case sagamsg.StepCourseGetInfo:
		return published
	case sagamsg.StepPayment:
		return sagamsg.PaymentData{PaymentID: "saga-s", PaymentIntentID: "pi_1"}
	}
	return nil
}

// steps runs the saga forward until failAt (a step index; len(Steps) for
// none) and returns the commands sent in order and the final transition.
func run(t *testing.T, failAt int) ([]string, Transition) {
	t.Helper()
	st := State{UserID: "learner", Course: "c"}
	tr, err := st.Start("s")
	if err != nil {
		t.Fatal(err)
	}
	var sent []string
	for guard := 0; guard < 50; guard++ {
		if tr.Finished != "" {
			return sent, tr
		}
		if len(tr.Commands) != 1 {
			t.Fatalf("transition %+v", tr)
		}
		cmd := tr.Commands[0]
		sent = append(sent, cmd.Step+"/"+cmd.Kind)
		r := ok(cmd.Step, data(cmd.Step))
		r.Kind = cmd.Kind
		if cmd.Kind == saga.Do && slices.IndexFunc(sagamsg.Steps, func(d sagamsg.StepDef) bool { return d.Name == cmd.Step }) == failAt {
			r = saga.Reply{SagaID: "s", Step: cmd.Step, Kind: saga.Do, Code: "card_declined", Reason: "declined"}
		}
		if tr, err = st.OnReply("s", r); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("saga did not finish")
	return nil, Transition{}
}

func TestState_runsEveryStepThenActivates(t *testing.T) {
	sent, tr := run(t, len(sagamsg.Steps))
	if tr.Finished != StatusActive || len(sent) != len(sagamsg.Steps) {
		t.Fatalf("sent %v, finished %q", sent, tr.Finished)
	}
}

func TestState_compensatesInReverse_whenAStepFails(t *testing.T) {
	for _, tt := range []struct {
		failAt int
		undo   []string
	}{
		{0, nil},
		{2, nil},
		{3, nil}, // the payment failed: nothing before it changed anything
		{4, []string{"billing-payment/undo"}},
		{5, []string{"subscribe-subscribe/undo", "billing-payment/undo"}},
		{6, []string{"course-update-info/undo", "subscribe-subscribe/undo", "billing-payment/undo"}},
	} {
		t.Run(sagamsg.Steps[tt.failAt].Name, func(t *testing.T) {
			sent, tr := run(t, tt.failAt)
			if tr.Finished != StatusFailed {
				t.Fatalf("finished %q", tr.Finished)
			}
			var undo []string
			for _, s := range sent {
				if len(s) > 5 && s[len(s)-5:] == "/undo" {
					undo = append(undo, s)
				}
			}
			if !slices.Equal(undo, tt.undo) {
				t.Fatalf("compensations %v, want %v", undo, tt.undo)
			}
		})
	}
}

func TestState_ignoresRepliesItDoesNotAwait(t *testing.T) {
	st := State{UserID: "learner", Course: "c"}
	if _, err := st.Start("s"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []saga.Reply{
		ok(sagamsg.StepPayment, nil), // not yet
		{SagaID: "s", Step: sagamsg.StepUserGetInfo, Kind: saga.Undo, OK: true}, // wrong kind
	} {
		if tr, _ := st.OnReply("s", r); !tr.Ignored {
			t.Fatalf("reply %+v not ignored", r)
		}
	}
	if tr, _ := st.OnReply("s", ok(sagamsg.StepUserGetInfo, nil)); tr.Ignored || st.Step != 1 {
		t.Fatalf("awaited reply: %+v, step %d", tr, st.Step)
	}
	if tr, _ := st.OnReply("s", ok(sagamsg.StepUserGetInfo, nil)); !tr.Ignored {
		t.Fatal("a duplicate reply moved the saga")
	}
}

func TestValidate_rules(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    func(*sagamsg.CourseInfo)
		want string
	}{
		{"ok", func(*sagamsg.CourseInfo) {}, ""},
		{"draft", func(c *sagamsg.CourseInfo) { c.Status = "draft" }, "course_not_published"},
		{"own", func(c *sagamsg.CourseInfo) { c.TutorID = "learner" }, "own_course"},
		{"no_price", func(c *sagamsg.CourseInfo) { c.Price.Amount = 0 }, "price_unknown"},
		{"currency", func(c *sagamsg.CourseInfo) { c.Price.Currency = "EUR" }, "price_unknown"},
	} {
		c := published
		tt.c(&c)
		if got := validate("learner", c); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A step whose reply never comes is sent again by the sweeper, and after the
// last attempt compensated (the late step included) until the saga fails:
// none stays pending forever.
func TestSweep_retriesThenCompensates_whenRepliesNeverCome(t *testing.T) {
	ms, err := Registration.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := testenv.Database(t, ms)
	pub := &events.Recorder{}
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	later := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := New(fnreg.Deps{DB: db, Outbox: &events.Outbox{DB: db, Publisher: pub}, Publisher: pub}, Config{StepTimeout: time.Second, MaxAttempts: 2, Now: clock})
	ctx := context.Background()

	sub := Subscription{ID: "00000000-0000-4000-8000-0000000000aa", UserID: "learner", CourseID: "c"}
	st := State{UserID: sub.UserID, Course: sub.CourseID}
	tr, _ := st.Start(sub.ID)
	if _, err := s.store.create(ctx, sub, st, tr); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Sweep(ctx); n != 0 {
		t.Fatalf("swept %d sagas before their deadline", n)
	}
	// The first steps reply; the payment step never does.
	for _, step := range []string{sagamsg.StepUserGetInfo, sagamsg.StepCourseGetInfo, sagamsg.StepValidate} {
		r := ok(step, data(step))
		r.SagaID = sub.ID
		if _, err := s.store.advance(ctx, sub.ID, false, func(st *State) (Transition, error) { return st.OnReply(sub.ID, r) }); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		later(10 * time.Second)
		if _, err := s.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	cmds, err := events.Decoded[saga.Command](pub, saga.EventCommand)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		if c.Step == sagamsg.StepPayment {
			got = append(got, c.Kind)
		}
	}
	// do (attempt 1), do (attempt 2), then undo (and again while unacknowledged).
	if len(got) < 3 || got[0] != saga.Do || got[1] != saga.Do || got[2] != saga.Undo {
		t.Fatalf("payment commands %v", got)
	}
	// The refund is acknowledged: the saga has failed, with a reason.
	r := saga.Reply{SagaID: sub.ID, Step: sagamsg.StepPayment, Kind: saga.Undo, OK: true}
	if _, err := s.store.advance(ctx, sub.ID, false, func(st *State) (Transition, error) { return st.OnReply(sub.ID, r) }); err != nil {
		t.Fatal(err)
	}
	final, err := s.store.get(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != StatusFailed || final.ReasonCode != "timed_out" || final.Reason == "" {
		t.Fatalf("subscription %+v", final)
	}
	if ids, _ := s.store.overdue(ctx, 10); len(ids) != 0 {
		t.Fatalf("a finished saga is still open: %v", ids)
	}
}

// A refund saga sends the subscribe saga's compensations as undo commands
// under the same saga id, in sagamsg.RefundSteps' order, the payment's naming
// the payment refunded; replies it does not await are ignored; the last
// reply ends the subscription; a late step is resent without limit.
func TestState_refundSaga(t *testing.T) {
	st := State{Phase: PhaseDone, UserID: "u", Course: "c", Info: published}
	tr, err := st.StartRefund("s", "renew-s-1")
	if err != nil {
		t.Fatal(err)
	}
	var sent []string
	for i := range sagamsg.RefundSteps {
		if len(tr.Commands) != 1 {
			t.Fatalf("step %d: %+v", i, tr)
		}
		cmd := tr.Commands[0]
		if cmd.SagaID != "s" || cmd.Kind != saga.Undo || sagamsg.Lookup(cmd.Step).Topic(true) == "" {
			t.Fatalf("command %+v", cmd)
		}
		if cmd.Step == sagamsg.StepPayment {
			var a sagamsg.PaymentArgs
			if err := json.Unmarshal(cmd.Args, &a); err != nil || a.PaymentID != "renew-s-1" {
				t.Fatalf("refund args %s: %v", cmd.Args, err)
			}
		}
		sent = append(sent, cmd.Step)
		if late, _ := st.OnTimeout("s", 1); len(late.Commands) != 1 || late.Commands[0].Step != cmd.Step || late.Finished != "" {
			t.Fatalf("timeout: %+v", late)
		}
		if ig, _ := st.OnReply("s", ok(cmd.Step, nil)); !ig.Ignored {
			t.Fatal("a do reply advanced a refund saga")
		}
		r := ok(cmd.Step, nil)
		r.Kind = saga.Undo
		if tr, err = st.OnReply("s", r); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.OnReply("s", r); !again.Ignored && i < len(sagamsg.RefundSteps)-1 {
			t.Fatal("a duplicate reply advanced the saga")
		}
	}
	if !slices.Equal(sent, sagamsg.RefundSteps) || tr.Finished != StatusEnded || st.Phase != PhaseDone || st.Code != "refunded" {
		t.Fatalf("sent %v, final %+v, state %+v", sent, tr, st)
	}
}
