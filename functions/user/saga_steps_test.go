package user_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

type replies struct {
	mu  sync.Mutex
	got []saga.Reply
}

func (r *replies) Publish(_ context.Context, e events.Event) error {
	if e.Type != saga.EventReply {
		return nil
	}
	var rep saga.Reply
	if err := json.Unmarshal(e.Data, &rep); err != nil {
		return err
	}
	r.mu.Lock()
	r.got = append(r.got, rep)
	r.mu.Unlock()
	return nil
}

func (r *replies) last() saga.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[len(r.got)-1]
}

// The User service's saga steps: get-info answers for learners only;
// update-info adds the course to the learner's courses once however often it
// is delivered; revert-info takes it back.
func TestSagaSteps_learnerCourses(t *testing.T) {
	ms, err := user.Registration.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := testenv.Database(t, ms)
	pub := &replies{}
	hs, err := user.Registration.Build(fnreg.Deps{DB: db, Outbox: &events.Outbox{DB: db, Publisher: pub}, Publisher: pub})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const learnerID, tutorID = "00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2"
	for id, roles := range map[string][]string{learnerID: {"learner"}, tutorID: {"tutor"}} {
		if _, err := db.Apply(ctx, []*spanner.Mutation{spanner.Insert("Users",
			[]string{"UserId", "Email", "PasswordHash", "DisplayName", "Roles", "Country", "CreatedAt", "UpdatedAt"},
			[]any{id, id + "@x.test", "h", "Name", roles, "JP", spanner.CommitTimestamp, spanner.CommitTimestamp})}); err != nil {
			t.Fatal(err)
		}
	}
	deliver := func(function string, cmd saga.Command) {
		t.Helper()
		data, _ := json.Marshal(cmd)
		env, _ := json.Marshal(map[string]any{"message": map[string]any{"data": data, "messageId": "m",
			"attributes": map[string]string{events.AttrEventID: cmd.Key() + "-" + function, events.AttrType: saga.EventCommand}}})
		rec := httptest.NewRecorder()
		hs[function].ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(env)))
		if rec.Code != http.StatusNoContent {
			t.Fatalf("%s: %d %s", function, rec.Code, rec.Body)
		}
	}
	courses := func() int64 {
		var n int64
		_ = spanx.Each(db.Single().Query(ctx, spanner.Statement{SQL: "SELECT COUNT(*) FROM UserCourses WHERE UserId = @u",
			Params: map[string]any{"u": learnerID}}), func(r *spanner.Row) error { return r.Columns(&n) })
		return n
	}
	const sagaID = "00000000-0000-4000-8000-0000000000b1"
	cmd := saga.Command{SagaID: sagaID, Step: sagamsg.StepUserGetInfo, Kind: saga.Do, UserID: learnerID, CourseID: "c"}
	deliver("user-saga-get-info", cmd)
	var info sagamsg.UserInfo
	if r := pub.last(); !r.OK || json.Unmarshal(r.Data, &info) != nil || info.Country != "JP" {
		t.Fatalf("get-info replied %+v", r)
	}
	cmd.SagaID, cmd.UserID = "00000000-0000-4000-8000-0000000000b2", tutorID
	deliver("user-saga-get-info", cmd)
	if r := pub.last(); r.OK || r.Code != "not_a_learner" {
		t.Fatalf("get-info of a tutor replied %+v", r)
	}

	args, _ := json.Marshal(sagamsg.UserUpdateArgs{CourseTitle: "Nihongo"})
	upd := saga.Command{SagaID: sagaID, Step: sagamsg.StepUserUpdateInfo, Kind: saga.Do, UserID: learnerID, CourseID: "c", Args: args}
	deliver("user-saga-update-info", upd)
	deliver("user-saga-update-info", upd)
	if n := courses(); n != 1 {
		t.Fatalf("learner has %d courses, want 1", n)
	}
	upd.Kind = saga.Undo
	deliver("user-saga-revert-info", upd)
	if n := courses(); n != 0 {
		t.Fatalf("learner has %d courses after revert, want 0", n)
	}
}
