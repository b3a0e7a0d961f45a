package progress_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/progress"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/spanx"
)

// The portable export (kwipper export / restore, which iterate every
// service's database) carries progress rows with their watched spans
// (ARRAY<FLOAT64>) and nullable times: a restored database exports to the
// same files and answers the same progress.
func TestExportRestore_progressRowsRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	e.seed()
	tok := e.token(learner, auth.Learner)
	start := time.Now().Add(-time.Hour)
	for i := range 4 {
		decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), tok, videoAt(float64(i*15)+0.25, start.Add(time.Duration(i*15)*time.Second))), 200)
	}
	decode[progress.ItemProgressView](t, e.do("PUT", itemPath(text), tok, map[string]any{"completed": true, "client_time": now(0)}), 200)
	want := decode[progress.CourseProgressView](t, e.do("GET", "/v1/courses/"+course1+"/progress", tok, nil), 200)

	dump := func(e *env, dir string) spanx.DatabaseDump {
		t.Helper()
		ts, err := spanx.Now(ctx, e.db)
		if err != nil {
			t.Fatal(err)
		}
		d, err := spanx.Dump(ctx, e.db, progress.Database, ts, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	dir := t.TempDir()
	d := dump(e, dir)
	other := newEnv(t, nil)
	if err := spanx.CheckLoad(ctx, other.db, d, dir, false); err != nil {
		t.Fatal(err)
	}
	if err := spanx.Load(ctx, other.db, d, dir, nil); err != nil {
		t.Fatal(err)
	}
	again := t.TempDir()
	d2 := dump(other, again)
	for i, tb := range d.Tables {
		if tb.SHA256 != d2.Tables[i].SHA256 || tb.Rows != d2.Tables[i].Rows {
			a, _ := os.ReadFile(filepath.Join(dir, tb.File))
			b, _ := os.ReadFile(filepath.Join(again, d2.Tables[i].File))
			t.Fatalf("table %s differs after restore:\n%s\n%s", tb.Name, a, b)
		}
	}
	got := decode[progress.CourseProgressView](t, other.do("GET", "/v1/courses/"+course1+"/progress", other.token(learner, auth.Learner), nil), 200)
	if !sameJSON(got, want) {
		t.Fatalf("restored progress %+v, want %+v", got, want)
	}
}
