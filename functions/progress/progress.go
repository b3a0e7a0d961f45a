// Package progress is Kwipper's Progress service: it remembers where each
// learner stopped in each item of a course (to resume on another device), what
// they completed, and announces completions. Players report often (every
// 10–30 s while a video plays), so a report is one short read-write
// transaction on the learner's own row; course progress is computed when it is
// read, from the learner's rows of the course (one key range), never counted
// per write.
//
// It owns the "progress" database and announces completions on
// progress-events (functions/contract/progressmsg). It reads no other
// service's database: it keeps projections of courses and items
// (course-events) and of entitlements (subscription-events).
//
// progress.go is the domain: validation of reports, last-writer-wins, the
// completion rules and course progress (no cloud SDK). api.go holds the thin
// HTTP handlers and their request and response types, events.go the event
// consumers, routes.go the service's functions, config.go its settings,
// store*.go the Spanner storage.
//
// # Completion
//
// A text item completes when the client reports it opened, a file item when
// the client reports it downloaded (both: {"completed": true}). A video item
// completes when the seconds the learner watched reach the configured fraction
// (KW_PROGRESS_COMPLETE_FRACTION, default 0.9) of its duration. Watched
// seconds are the union of the spans played between consecutive reports, and
// a span counts only when the position advanced plausibly for the time that
// passed on the client's clock: from the previous report's position p0 to the
// new position p, forward, with
//
//	p - p0 <= min(client_time - previous client_time, 60 s) * 2 + 5 s
//
// (playback up to 2x, a report missed or late by up to a minute, 5 s of
// jitter). A learner's first report of an item counts from position 0 under
// the same bound. So seeking (to the end, or anywhere) moves the resume
// position but credits nothing; what is played after the seek is credited
// from there; watching the same part twice counts once; and a pause followed
// by a seek credits at most the bound. It keeps honest players honest, not a
// forged client: client_time is the client's word. Completion is permanent:
// re-watching or a later, shorter report never takes it back.
//
// A course is complete when every item of its current item list is
// complete; the list is the course's live items in this service's projection,
// and never fewer than the item count of the latest course event applied (so
// a course whose item_added events are late cannot look complete).
package progress

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/errs"
)

// Bounds of a report and the rules of crediting watched video.
const (
	// MaxDurationSeconds bounds a video's reported duration (24 h).
	MaxDurationSeconds = 24 * 60 * 60
	// maxPlaybackRate is the fastest playback players offer.
	maxPlaybackRate = 2.0
	// maxCreditedGap bounds the client time between two reports that can
	// back a watched span: a pause, then a seek, credits no more than this.
	maxCreditedGap = 60 * time.Second
	// positionSlack absorbs the jitter between a player's position and
	// the moment the client stamps its report, in seconds.
	positionSlack = 5.0
	// maxSpans bounds the watched spans a row keeps; past it the two spans
	// closest together are merged (the gap between them counts as watched).
	maxSpans = 64
	// epsilon absorbs floating-point error in sums of seconds.
	epsilon = 1e-6
)

// minClientTime is the earliest client_time accepted: a device whose clock
// says 1970 is not set, and its reports would lose to every other forever.
var minClientTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Course is the projection of a course this service keeps.
type Course struct {
	ID      string
	TutorID string
	Title   string
	Status  string
	// ItemCount is the course's item count as of the latest course event
	// applied.
	ItemCount int64
}

// Item is the projection of a course item.
type Item struct {
	CourseID, ItemID string
	Kind, Title      string
	Removed          bool
	// Seq is the course event version that first brought the item: items
	// list in the order they were added.
	Seq int64
	// EventVersion is the version of the latest course event applied to
	// the item (0: none carried one).
	EventVersion int64
}

// Span is a part of a video the learner watched, in seconds.
type Span struct{ From, To float64 }

// Progress is one learner's progress on one item.
type Progress struct {
	UserID, CourseID, ItemID string
	Kind                     string
	// Position and Duration are the last reported playback position and
	// the video's duration, in seconds (video only).
	Position, Duration float64
	// Watched are the spans watched, merged and in order (video only).
	Watched []Span
	// WatchedSeconds is the length of Watched.
	WatchedSeconds float64
	// ClientTime is the client's time of the report applied last; the
	// zero time means the learner has reported nothing on the item.
	ClientTime time.Time
	// CreatedAt and UpdatedAt are the server times of the first and the
	// latest applied report.
	CreatedAt, UpdatedAt time.Time
	// CompletedAt is when the item completed (zero: not yet). It never
	// changes once set.
	CompletedAt time.Time
}

// Started reports whether the learner has reported anything on the item.
func (p Progress) Started() bool { return !p.ClientTime.IsZero() }

// Completed reports whether the item is complete.
func (p Progress) Completed() bool { return !p.CompletedAt.IsZero() }

// WatchedFraction is the share of the video watched, 0 to 1.
func (p Progress) WatchedFraction() float64 {
	if p.Duration <= 0 {
		return 0
	}
	return math.Min(p.WatchedSeconds/p.Duration, 1)
}

// Report is a validated progress report.
type Report struct {
	// Position and Duration are seconds (video only).
	Position, Duration float64
	// Completed is true for text (opened) and file (downloaded) items.
	Completed bool
	// ClientTime is when the client took the reading.
	ClientTime time.Time
}

// Rules are the configurable completion rules.
type Rules struct {
	// CompleteFraction is the watched share of a video that completes it.
	CompleteFraction float64
}

// Errors the service returns.
var (
	ErrCourseNotFound = errs.E(errs.NotFound, "course not found")
	ErrItemNotFound   = errs.E(errs.NotFound, "item not found in this course")
	ErrNoAccess       = errs.E(errs.PermissionDenied, "subscribe to this course to record progress on it")
	ErrNoProgress     = errs.E(errs.PermissionDenied, "you have no progress in this course and no access to it: subscribe first")
)

// --- Who may do what.

// mayReport reports whether userID may report progress on the course: its
// tutor, and learners with an active subscription (entitled, from the
// entitlement projection). Reading one's own progress needs no access: it is
// the learner's data and outlives a subscription.
func (c Course) mayReport(userID string, entitled bool) bool {
	return userID != "" && (userID == c.TutorID || entitled)
}

// --- Validation.

// validID reports whether s can be a course or item id.
func validID(s string) bool {
	if s == "" || len(s) > 36 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// validateReport checks a report on an item of kind received at now and
// returns it, or an Invalid error naming each bad field: a video report
// carries a finite position from 0 to the duration and a finite duration
// above 0 and at most MaxDurationSeconds, and no completed; a text or file
// report carries completed: true and no position or duration; every report
// carries client_time (RFC 3339), from 2020 to no more than skew ahead of
// now.
func validateReport(req ReportRequest, kind string, now time.Time, skew time.Duration) (Report, error) {
	var (
		f   errs.Fields
		rep Report
	)
	switch ct := strings.TrimSpace(req.ClientTime); {
	case ct == "":
		f.Add("client_time", "is required: when the client took this reading, RFC 3339, e.g. "+now.UTC().Format(time.RFC3339))
	default:
		t, err := time.Parse(time.RFC3339Nano, ct)
		switch {
		case err != nil:
			f.Add("client_time", "must be an RFC 3339 time with a zone, e.g. "+now.UTC().Format(time.RFC3339))
		case t.Before(minClientTime):
			f.Add("client_time", "is before 2020: the device's clock is not set")
		case t.After(now.Add(skew)):
			f.Add("client_time", fmt.Sprintf("is more than %s ahead of the server's clock (%s): check the device's clock",
				skew, now.UTC().Format(time.RFC3339)))
		default:
			rep.ClientTime = t.UTC()
		}
	}
	if kind == coursemsg.KindVideo {
		if req.Completed != nil {
			f.Add("completed", "a video item completes by being watched: send position_seconds and duration_seconds instead")
		}
		dur, durOK := 0.0, false
		switch d := req.DurationSeconds; {
		case d == nil:
			f.Add("duration_seconds", "is required for a video item: the video's length in seconds")
		case !finite(*d) || *d <= 0 || *d > MaxDurationSeconds:
			f.Add("duration_seconds", fmt.Sprintf("must be a number of seconds above 0 and at most %d (24 h)", MaxDurationSeconds))
		default:
			dur, durOK = *d, true
		}
		switch p := req.PositionSeconds; {
		case p == nil:
			f.Add("position_seconds", "is required for a video item: the playback position in seconds")
		case !finite(*p) || *p < 0:
			f.Add("position_seconds", "must be a number of seconds, 0 or more")
		case durOK && *p > dur:
			f.Add("position_seconds", fmt.Sprintf("must not be past the end of the video (duration_seconds %g)", dur))
		default:
			rep.Position = *p
		}
		rep.Duration = dur
	} else {
		if req.Completed == nil || !*req.Completed {
			what := "opened"
			if kind == coursemsg.KindFile {
				what = "downloaded"
			}
			f.Add("completed", fmt.Sprintf("must be true: a %s item completes when %s", kind, what))
		}
		if req.PositionSeconds != nil {
			f.Add("position_seconds", "is only for video items; this is a "+kind+" item")
		}
		if req.DurationSeconds != nil {
			f.Add("duration_seconds", "is only for video items; this is a "+kind+" item")
		}
		rep.Completed = true
	}
	if err := f.Err(); err != nil {
		return Report{}, err
	}
	return rep, nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// --- Applying a report.

// apply applies report r, received at now, to p (whose Kind is set; the
// zero ClientTime when the learner has no progress on the item yet). Last
// writer wins by client time: a report not newer than the one p holds
// changes nothing (applied false). completed reports whether r completed the
// item (it was not complete before).
func (ru Rules) apply(p *Progress, r Report, now time.Time) (applied, completed bool) {
	if p.Started() && !r.ClientTime.After(p.ClientTime) {
		return false, false
	}
	reached := r.Completed
	if p.Kind == coursemsg.KindVideo {
		from, gap := 0.0, maxCreditedGap
		if p.Started() {
			from, gap = p.Position, min(r.ClientTime.Sub(p.ClientTime), maxCreditedGap)
		}
		if adv := r.Position - from; adv >= 0 && adv <= gap.Seconds()*maxPlaybackRate+positionSlack {
			p.Watched = addSpan(p.Watched, Span{from, r.Position})
		}
		p.Position, p.Duration = r.Position, r.Duration
		p.Watched = clip(p.Watched, r.Duration)
		p.WatchedSeconds = total(p.Watched)
		reached = p.WatchedSeconds+epsilon >= ru.CompleteFraction*p.Duration
	}
	if !p.Started() {
		p.CreatedAt = now
	}
	p.ClientTime, p.UpdatedAt = r.ClientTime, now
	if reached && !p.Completed() {
		p.CompletedAt = now
		completed = true
	}
	return true, completed
}

// addSpan adds s to spans (merged, in order) and returns them merged; an
// empty span adds nothing. Past maxSpans the two spans with the smallest gap
// between them become one.
func addSpan(spans []Span, s Span) []Span {
	if s.To-s.From <= 0 {
		return spans
	}
	out := append(slices.Clone(spans), s)
	slices.SortFunc(out, func(a, b Span) int { return cmp.Compare(a.From, b.From) })
	merged := out[:1]
	for _, n := range out[1:] {
		last := &merged[len(merged)-1]
		if n.From <= last.To+epsilon {
			last.To = math.Max(last.To, n.To)
			continue
		}
		merged = append(merged, n)
	}
	for len(merged) > maxSpans {
		best := 0
		for i := 1; i < len(merged)-1; i++ {
			if merged[i+1].From-merged[i].To < merged[best+1].From-merged[best].To {
				best = i
			}
		}
		merged[best].To = merged[best+1].To
		merged = slices.Delete(merged, best+1, best+2)
	}
	return merged
}

// clip cuts spans at end (a video reported shorter than before).
func clip(spans []Span, end float64) []Span {
	out := spans[:0:0]
	for _, s := range spans {
		if s.From >= end {
			break
		}
		out = append(out, Span{s.From, math.Min(s.To, end)})
	}
	return out
}

func total(spans []Span) float64 {
	t := 0.0
	for _, s := range spans {
		t += s.To - s.From
	}
	return t
}

// --- Course progress.

// CourseSummary is a learner's progress in a course, computed from their
// rows and the course's current item list.
type CourseSummary struct {
	Course Course
	// Items are the course's live items in the order they were added, each
	// with the learner's progress (the zero Progress when none).
	Items []ItemState
	// Total is the number of items to complete; Done how many are.
	Total, Done int
	// Completed is Done == Total (> 0); CompletedAt then is when its last
	// item completed.
	Completed   bool
	CompletedAt time.Time
	// LastActivity is the server time of the learner's latest applied report
	// in the course (zero: none).
	LastActivity time.Time
}

// ItemState is an item with a learner's progress on it.
type ItemState struct {
	Item     Item
	Progress Progress
}

// Percent is Done out of Total in whole percent, rounded down (100 only
// when complete).
func (s CourseSummary) Percent() int {
	if s.Total == 0 {
		return 0
	}
	return s.Done * 100 / s.Total
}

// summarize computes a learner's progress in course c from its items (live
// and removed, any order) and the learner's rows by item id.
func summarize(c Course, items []Item, rows map[string]Progress) CourseSummary {
	s := CourseSummary{Course: c}
	live := slices.DeleteFunc(slices.Clone(items), func(it Item) bool { return it.Removed })
	slices.SortFunc(live, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), strings.Compare(a.ItemID, b.ItemID))
	})
	for _, it := range live {
		p, ok := rows[it.ItemID]
		if !ok {
			p = Progress{CourseID: c.ID, ItemID: it.ItemID, Kind: it.Kind}
		}
		s.Items = append(s.Items, ItemState{Item: it, Progress: p})
		if p.Completed() {
			s.Done++
			if p.CompletedAt.After(s.CompletedAt) {
				s.CompletedAt = p.CompletedAt
			}
		}
	}
	for _, p := range rows {
		if p.UpdatedAt.After(s.LastActivity) {
			s.LastActivity = p.UpdatedAt
		}
	}
	s.Total = max(len(live), int(c.ItemCount))
	s.Completed = s.Total > 0 && s.Done == s.Total
	if !s.Completed {
		s.CompletedAt = time.Time{}
	}
	return s
}

// --- My courses.

// MyCourse is a course in a learner's list: one they have progress in or an
// active subscription to.
type MyCourse struct {
	CourseID string
	// Activity orders the list: the latest applied report, or when the
	// subscription was activated if that is later.
	Activity time.Time
	// HasProgress is whether the learner reported anything in the course.
	HasProgress bool
	// Entitled is whether the learner holds an active subscription.
	Entitled bool
}

// MyCourseProgress is a course of a learner's list with their progress in it.
type MyCourseProgress struct {
	MyCourse
	Summary CourseSummary
}

// after reports whether m comes after cursor c in the list's order: newest
// activity first, then by course id.
func (m MyCourse) after(c listCursor) bool {
	if !m.Activity.Equal(c.Activity) {
		return m.Activity.Before(c.Activity)
	}
	return m.CourseID > c.CourseID
}

// sortMyCourses orders cs newest activity first, then by course id.
func sortMyCourses(cs []MyCourse) {
	slices.SortFunc(cs, func(a, b MyCourse) int {
		return cmp.Or(b.Activity.Compare(a.Activity), strings.Compare(a.CourseID, b.CourseID))
	})
}

// page returns the part of cs (sorted) after cursor (nil: from the start),
// at most limit, and whether more follow.
func page(cs []MyCourse, after *listCursor, limit int) ([]MyCourse, bool) {
	start := 0
	if after != nil {
		start = slices.IndexFunc(cs, func(m MyCourse) bool { return m.after(*after) })
		if start < 0 {
			return nil, false
		}
	}
	cs = cs[start:]
	if len(cs) > limit {
		return cs[:limit], true
	}
	return cs, false
}
