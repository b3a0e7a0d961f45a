package content_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"cloud.google.com/go/spanner"
	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"

	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/shared/spanx"
)

// objectsUnder lists the media bucket's objects under prefix.
func (s *stack) objectsUnder(prefix string) []string {
	s.t.Helper()
	var out []string
	it := s.gcs.Bucket("kwipper-media").Objects(context.Background(), &storage.Query{Prefix: prefix})
	for {
		a, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out
		}
		if err != nil {
			s.t.Fatal(err)
		}
		out = append(out, a.Name)
	}
}

// writeObjects writes small objects named prefix+name into the media bucket.
func (s *stack) writeObjects(prefix string, names ...string) {
	s.t.Helper()
	for _, n := range names {
		w := s.gcs.Bucket("kwipper-media").Object(prefix + n).NewWriter(context.Background())
		if _, err := w.Write([]byte("#EXTM3U\n")); err != nil {
			s.t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			s.t.Fatal(err)
		}
	}
}

func (s *stack) contentDB() *spanner.Client {
	s.t.Helper()
	db, err := spanx.Open(context.Background(), spanx.DatabasePath(s.Cfg.Project, s.Cfg.SpannerInstance, content.Database))
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(db.Close)
	return db
}

func (s *stack) ladderDeletions(db *spanner.Client) map[string]bool {
	s.t.Helper()
	out := map[string]bool{}
	err := spanx.Each(db.Single().Query(context.Background(), spanner.Statement{SQL: `SELECT Prefix FROM LadderDeletions`}),
		func(r *spanner.Row) error {
			var p string
			err := r.Columns(&p)
			out[p] = true
			return err
		})
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// The relay deletes the replaced ladders whose grace has passed, every
// object under their prefix and nothing beside; one still in its grace,
// and a recorded prefix that is not a ladder's, stay untouched.
func TestRelay_deletesDueReplacedLadders(t *testing.T) {
	s := start(t)
	db := s.contentDB()
	base := "media/local/course-ld/item-ld/"
	due, later, notLadder := base+"up-old.hls/", base+"up-mid.hls/", base+"up-odd/"
	files := []string{"master.m3u8", "240p.m3u8", "240p0000000000.ts", "captions/en.vtt"}
	s.writeObjects(due, files...)
	s.writeObjects(later, files...)
	s.writeObjects(notLadder, files...)
	s.writeObjects(base, "up-old", "up-new") // the uploads themselves
	s.writeObjects(base+"up-new.hls/", files...)
	now := time.Now()
	cols := []string{"Prefix", "UploadId", "DeleteAfter", "CreatedAt"}
	if _, err := db.Apply(context.Background(), []*spanner.Mutation{
		spanner.Insert("LadderDeletions", cols, []any{due, "up-old", now.Add(-time.Minute), spanner.CommitTimestamp}),
		spanner.Insert("LadderDeletions", cols, []any{later, "up-mid", now.Add(time.Hour), spanner.CommitTimestamp}),
		spanner.Insert("LadderDeletions", cols, []any{notLadder, "up-odd", now.Add(-time.Minute), spanner.CommitTimestamp}),
	}); err != nil {
		t.Fatal(err)
	}

	s.Must(http.StatusNoContent, "POST", s.PushPath("content-outbox-relay"), "", apitest.Tick("tick-ladders-1"))
	if got := s.objectsUnder(due); len(got) != 0 {
		t.Errorf("the due ladder still has %v", got)
	}
	for _, p := range []string{later, notLadder, base + "up-new.hls/"} {
		if got := s.objectsUnder(p); len(got) != len(files) {
			t.Errorf("%s: %d objects left, want all %d: %v", p, len(got), len(files), got)
		}
	}
	for _, o := range []string{base + "up-old", base + "up-new"} {
		if s.objectGone(o) {
			t.Errorf("%s (an upload, not its ladder) was deleted", o)
		}
	}
	left := s.ladderDeletions(db)
	if left[due] || !left[later] || !left[notLadder] {
		t.Errorf("recorded deletions after the relay: %v (want the due one forgotten, the others kept)", left)
	}
	// A second tick changes nothing more.
	s.Must(http.StatusNoContent, "POST", s.PushPath("content-outbox-relay"), "", apitest.Tick("tick-ladders-2"))
	if got := s.objectsUnder(later); len(got) != len(files) {
		t.Errorf("a ladder in its grace lost objects on the second tick: %v", got)
	}
}
