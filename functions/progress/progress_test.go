package progress

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/errs"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func f(v float64) *float64 { return &v }
func b(v bool) *bool       { return &v }

func TestValidateReport(t *testing.T) {
	now := t0
	at := now.Format(time.RFC3339)
	for name, tc := range map[string]struct {
		kind      string
		req       ReportRequest
		badFields []string // empty: valid
	}{
		"ok_video":                         {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(12.5), DurationSeconds: f(600), ClientTime: at}, nil},
		"ok_video_at_end":                  {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(600), DurationSeconds: f(600), ClientTime: at}, nil},
		"ok_video_client_time_within_skew": {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(0), DurationSeconds: f(1), ClientTime: now.Add(time.Minute).Format(time.RFC3339Nano)}, nil},
		"ok_text_opened":                   {coursemsg.KindText, ReportRequest{Completed: b(true), ClientTime: at}, nil},
		"ok_file_downloaded_offset_zone":   {coursemsg.KindFile, ReportRequest{Completed: b(true), ClientTime: now.In(time.FixedZone("WIB", 7*3600)).Format(time.RFC3339)}, nil},
		"400_video_negative_position":      {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(-1), DurationSeconds: f(600), ClientTime: at}, []string{"position_seconds"}},
		"400_video_nan_position":           {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(math.NaN()), DurationSeconds: f(600), ClientTime: at}, []string{"position_seconds"}},
		"400_video_inf_duration":           {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(1), DurationSeconds: f(math.Inf(1)), ClientTime: at}, []string{"duration_seconds"}},
		"400_video_position_past_duration": {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(601), DurationSeconds: f(600), ClientTime: at}, []string{"position_seconds"}},
		"400_video_duration_over_bound":    {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(1), DurationSeconds: f(MaxDurationSeconds + 1), ClientTime: at}, []string{"duration_seconds"}},
		"400_video_duration_zero":          {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(0), DurationSeconds: f(0), ClientTime: at}, []string{"duration_seconds"}},
		"400_video_missing_everything":     {coursemsg.KindVideo, ReportRequest{}, []string{"client_time", "duration_seconds", "position_seconds"}},
		"400_video_self_declared_complete": {coursemsg.KindVideo, ReportRequest{PositionSeconds: f(1), DurationSeconds: f(600), Completed: b(true), ClientTime: at}, []string{"completed"}},
		"400_client_time_not_rfc3339":      {coursemsg.KindText, ReportRequest{Completed: b(true), ClientTime: "yesterday"}, []string{"client_time"}},
		"400_client_time_without_zone":     {coursemsg.KindText, ReportRequest{Completed: b(true), ClientTime: "2026-03-01T08:00:00"}, []string{"client_time"}},
		"400_client_time_far_future":       {coursemsg.KindText, ReportRequest{Completed: b(true), ClientTime: now.Add(time.Hour).Format(time.RFC3339)}, []string{"client_time"}},
		"400_client_time_unset_clock":      {coursemsg.KindText, ReportRequest{Completed: b(true), ClientTime: "1970-01-01T00:00:05Z"}, []string{"client_time"}},
		"400_text_completed_false":         {coursemsg.KindText, ReportRequest{Completed: b(false), ClientTime: at}, []string{"completed"}},
		"400_file_position_and_no_completed": {coursemsg.KindFile, ReportRequest{PositionSeconds: f(3), DurationSeconds: f(4), ClientTime: at},
			[]string{"completed", "duration_seconds", "position_seconds"}},
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := validateReport(tc.req, tc.kind, now, 2*time.Minute)
			if len(tc.badFields) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if rep.ClientTime.Location() != time.UTC {
					t.Fatalf("client time %v not in UTC", rep.ClientTime)
				}
				return
			}
			var e *errs.Error
			if !errs.Is(err, errs.Invalid) || !errors.As(err, &e) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			var got []string
			for k, msg := range e.Fields {
				if msg == "" {
					t.Errorf("field %s has no message", k)
				}
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.badFields) {
				t.Fatalf("bad fields %v, want %v (%v)", got, tc.badFields, e)
			}
		})
	}
}

// step is one report of a scenario: seconds after t0 on the client's clock,
// and the position (video) or completed (text, file).
type step struct {
	at       float64
	pos      float64
	complete bool
}

// play applies steps to a fresh row of kind and returns it with, per step,
// whether it applied and whether it completed the item.
func play(kind string, duration float64, steps ...step) (Progress, []bool, []bool) {
	ru := Rules{CompleteFraction: 0.9}
	p := Progress{Kind: kind}
	var applied, completed []bool
	for i, s := range steps {
		r := Report{ClientTime: t0.Add(time.Duration(s.at * float64(time.Second))), Completed: s.complete}
		if kind == coursemsg.KindVideo {
			r.Position, r.Duration = s.pos, duration
		}
		a, c := ru.apply(&p, r, t0.Add(time.Duration(i)*time.Second))
		applied, completed = append(applied, a), append(completed, c)
	}
	return p, applied, completed
}

// every reports steps from..to seconds every 15 s of client time at 1x.
func every(from, to float64) []step {
	var out []step
	for pos := from; pos <= to; pos += 15 {
		out = append(out, step{at: 1000 + pos, pos: pos})
	}
	return out
}

func TestApply_completionRules(t *testing.T) {
	const dur = 600.0
	for name, tc := range map[string]struct {
		kind          string
		steps         []step
		wantComplete  bool
		wantWatched   float64 // video: seconds watched (±0.001)
		wantCompleted int     // index of the step that completed (-1: none)
	}{
		"video_watched_to_90_percent_completes_at_that_report": {coursemsg.KindVideo, every(0, 540), true, 540, 36},
		"video_watched_to_just_under_90_percent_does_not":      {coursemsg.KindVideo, append(every(0, 525), step{1000 + 539, 539, false}), false, 539, -1},
		"video_seek_to_end_then_report_does_not_complete": {coursemsg.KindVideo,
			[]step{{0, 0, false}, {15, 15, false}, {30, dur, false}, {45, dur, false}}, false, 15, -1},
		"video_pause_an_hour_then_seek_to_end_does_not_complete": {coursemsg.KindVideo,
			[]step{{0, 0, false}, {15, 15, false}, {3615, dur, false}}, false, 15, -1},
		"video_first_report_near_end_credits_nothing": {coursemsg.KindVideo,
			[]step{{0, 590, false}, {10, 600, false}}, false, 10, -1},
		"video_skipped_intro_then_watched_rest_completes": {coursemsg.KindVideo,
			append([]step{{0, 0, false}, {1, 55, false}}, every(55, 600)...), true, 540, 38},
		"video_rewatching_counts_once": {coursemsg.KindVideo,
			append(every(0, 300), []step{{2000, 0, false}, {2015, 15, false}, {2030, 30, false}}...), false, 300, -1},
		"video_2x_playback_is_credited": {coursemsg.KindVideo,
			[]step{{0, 0, false}, {15, 30, false}, {30, 60, false}}, false, 60, -1},
		"video_faster_than_2x_is_not": {coursemsg.KindVideo,
			[]step{{0, 0, false}, {15, 30, false}, {20, 90, false}}, false, 30, -1},
		"text_completes_on_open": {coursemsg.KindText, []step{{0, 0, true}}, true, 0, 0},
		"file_completes_once":    {coursemsg.KindFile, []step{{0, 0, true}, {5, 0, true}}, true, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			p, _, completed := play(tc.kind, dur, tc.steps...)
			if p.Completed() != tc.wantComplete {
				t.Fatalf("completed %v, want %v (watched %.1f s: %v)", p.Completed(), tc.wantComplete, p.WatchedSeconds, p.Watched)
			}
			if math.Abs(p.WatchedSeconds-tc.wantWatched) > 0.001 {
				t.Fatalf("watched %.3f s, want %.3f (%v)", p.WatchedSeconds, tc.wantWatched, p.Watched)
			}
			got := slices.Index(completed, true)
			if got != tc.wantCompleted || slices.Contains(completed[got+1:], true) {
				t.Fatalf("completed by steps %v, want step %d only", completed, tc.wantCompleted)
			}
		})
	}
}

func TestApply_lastWriterWinsByClientTime(t *testing.T) {
	ru := Rules{CompleteFraction: 0.9}
	p := Progress{Kind: coursemsg.KindVideo}
	rep := func(at, pos float64) Report {
		return Report{ClientTime: t0.Add(time.Duration(at) * time.Second), Position: pos, Duration: 600}
	}
	if a, _ := ru.apply(&p, rep(100, 10), t0); !a {
		t.Fatal("first report not applied")
	}
	before := p
	for name, r := range map[string]Report{"older": rep(50, 500), "same_time_retry": rep(100, 10), "same_time_other_position": rep(100, 20)} {
		if a, c := ru.apply(&p, r, t0.Add(time.Minute)); a || c {
			t.Fatalf("%s report applied", name)
		}
		if !slices.Equal(p.Watched, before.Watched) || p.Position != before.Position || !p.ClientTime.Equal(before.ClientTime) || !p.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("%s report changed %+v to %+v", name, before, p)
		}
	}
	// A newer report from a second device resuming elsewhere moves the
	// position back without crediting the jump.
	if a, _ := ru.apply(&p, rep(200, 5), t0.Add(2*time.Minute)); !a || p.Position != 5 || p.WatchedSeconds != 10 {
		t.Fatalf("newer report: applied %v, %+v", a, p)
	}
	if !p.CreatedAt.Equal(t0) || !p.UpdatedAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("created %v updated %v", p.CreatedAt, p.UpdatedAt)
	}
}

func TestApply_completionIsPermanent(t *testing.T) {
	p, _, _ := play(coursemsg.KindVideo, 100, every(0, 90)...)
	if !p.Completed() {
		t.Fatal("not completed")
	}
	at := p.CompletedAt
	ru := Rules{CompleteFraction: 0.9}
	// A later report of a longer duration (so the fraction drops) keeps it.
	ru.apply(&p, Report{ClientTime: t0.Add(time.Hour), Position: 0, Duration: 1000}, t0.Add(time.Hour))
	if !p.CompletedAt.Equal(at) {
		t.Fatalf("completion changed to %v", p.CompletedAt)
	}
}

func TestAddSpan_mergesAndStaysBounded(t *testing.T) {
	var s []Span
	for _, sp := range []Span{{10, 20}, {30, 40}, {20, 30}, {5, 12}, {50, 50}, {35, 60}} {
		s = addSpan(s, sp)
	}
	if !slices.Equal(s, []Span{{5, 60}}) {
		t.Fatalf("%v", s)
	}
	s = nil
	for i := range 200 {
		s = addSpan(s, Span{float64(i * 10), float64(i*10 + 5)})
	}
	if len(s) != maxSpans {
		t.Fatalf("%d spans", len(s))
	}
	for i := 1; i < len(s); i++ {
		if s[i].From <= s[i-1].To {
			t.Fatalf("spans not ordered and disjoint: %v", s)
		}
	}
	if got := clip([]Span{{0, 10}, {20, 30}, {40, 50}}, 25); !slices.Equal(got, []Span{{0, 10}, {20, 25}}) {
		t.Fatalf("clip: %v", got)
	}
}

func TestSummarize(t *testing.T) {
	c := Course{ID: "c1", Title: "Bahasa", ItemCount: 3}
	items := []Item{
		{CourseID: "c1", ItemID: "b", Kind: coursemsg.KindVideo, Seq: 3},
		{CourseID: "c1", ItemID: "a", Kind: coursemsg.KindText, Seq: 2},
		{CourseID: "c1", ItemID: "x", Kind: coursemsg.KindFile, Seq: 4, Removed: true},
		{CourseID: "c1", ItemID: "c", Kind: coursemsg.KindFile, Seq: 5},
	}
	done := func(id string, at time.Time) Progress {
		return Progress{ItemID: id, ClientTime: at, UpdatedAt: at, CompletedAt: at}
	}
	rows := map[string]Progress{"a": done("a", t0), "x": done("x", t0.Add(3*time.Hour)), "b": done("b", t0.Add(time.Hour))}
	s := summarize(c, items, rows)
	var order []string
	for _, st := range s.Items {
		order = append(order, st.Item.ItemID)
	}
	if !slices.Equal(order, []string{"a", "b", "c"}) || s.Total != 3 || s.Done != 2 || s.Percent() != 66 || s.Completed ||
		!s.LastActivity.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("%v %+v", order, s)
	}
	rows["c"] = done("c", t0.Add(2*time.Hour))
	if s = summarize(c, items, rows); !s.Completed || s.Percent() != 100 || !s.CompletedAt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("all live items done: %+v", s)
	}
	// The Course service counts 4 items: one whose item_added has not
	// arrived yet keeps the course incomplete.
	c.ItemCount = 4
	if s = summarize(c, items, rows); s.Completed || s.Total != 4 || s.Percent() != 75 {
		t.Fatalf("late item_added: %+v", s)
	}
	if s = summarize(Course{ID: "empty"}, nil, nil); s.Completed || s.Percent() != 0 {
		t.Fatalf("empty course: %+v", s)
	}
}

func TestMyCoursesPaging(t *testing.T) {
	cs := []MyCourse{{CourseID: "b", Activity: t0}, {CourseID: "a", Activity: t0}, {CourseID: "c", Activity: t0.Add(time.Hour)}, {CourseID: "d", Activity: t0.Add(-time.Hour)}}
	sortMyCourses(cs)
	var ids []string
	for _, m := range cs {
		ids = append(ids, m.CourseID)
	}
	if strings.Join(ids, "") != "cabd" {
		t.Fatalf("order %v", ids)
	}
	var got []string
	var after *listCursor
	for {
		pg, more := page(cs, after, 3)
		for _, m := range pg {
			got = append(got, m.CourseID)
		}
		if !more {
			break
		}
		last := pg[len(pg)-1]
		cur, err := decodeCursor(encodeCursor(listCursor{Activity: last.Activity, CourseID: last.CourseID}))
		if err != nil {
			t.Fatal(err)
		}
		after = cur
	}
	if strings.Join(got, "") != "cabd" {
		t.Fatalf("pages gave %v", got)
	}
	for name, q := range map[string][2]string{
		"cursor_not_base64":    {"", "!!!"},
		"cursor_empty_object":  {"", "e30"},
		"cursor_unknown_field": {"", "eyJ4IjoxfQ"},
		// {"a":"0000-01-01T00:00:00Z","c":"x"}: Spanner refuses year 0 (a 500
		// before the cursor check was shared with the catalog's).
		"cursor_year_0":  {"", "eyJhIjoiMDAwMC0wMS0wMVQwMDowMDowMFoiLCJjIjoieCJ9"},
		"limit_zero":     {"0", ""},
		"limit_over_max": {"101", ""},
	} {
		if _, _, err := parseListQuery(q[0], q[1]); !errs.Is(err, errs.Invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestItemCache_expiresAndStaysBounded(t *testing.T) {
	c := &itemCache{ttl: time.Minute}
	it := Item{CourseID: "c", ItemID: "i", Kind: coursemsg.KindVideo}
	if _, _, ok := c.get("c", "i", t0); ok {
		t.Fatal("hit in an empty cache")
	}
	c.put(it, "tutor", t0)
	if got, tutor, ok := c.get("c", "i", t0.Add(59*time.Second)); !ok || got != it || tutor != "tutor" {
		t.Fatalf("%v %v %v", got, tutor, ok)
	}
	if _, _, ok := c.get("c", "i", t0.Add(61*time.Second)); ok {
		t.Fatal("hit after the TTL")
	}
	for i := range maxCachedItems + 1 {
		c.put(Item{CourseID: "c", ItemID: strconv.Itoa(i)}, "", t0)
	}
	if len(c.m) > maxCachedItems {
		t.Fatalf("%d entries", len(c.m))
	}
}
