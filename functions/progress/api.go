package progress

import (
	"net/http"
	"time"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/pagination"
)

// Service is the Progress service: its handlers and what they need.
type Service struct {
	store store
	cfg   Config
	rules Rules
	now   func() time.Time
}

// build makes the service from its settings.
func build(d fnreg.Deps) (*Service, error) {
	r := d.Env()
	c := loadConfig(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return &Service{store: newStore(d), cfg: c, rules: Rules{CompleteFraction: c.CompleteFraction}, now: time.Now}, nil
}

// pathCourse returns the course of the request's path.
func pathCourse(r *http.Request) (string, error) {
	if id := r.PathValue("courseId"); validID(id) {
		return id, nil
	}
	return "", ErrCourseNotFound
}

// pathIDs returns the course and item of the request's path.
func pathIDs(r *http.Request) (courseID, itemID string, err error) {
	if courseID, err = pathCourse(r); err != nil {
		return "", "", err
	}
	if itemID = r.PathValue("itemId"); !validID(itemID) {
		return "", "", ErrItemNotFound
	}
	return courseID, itemID, nil
}

// report records the caller's progress on an item: the item from the
// projection (cached), then one read-write transaction on the caller's own
// rows that checks their access and applies the report, answered from what
// it produced.
func (s *Service) report(w http.ResponseWriter, r *http.Request) error {
	var req ReportRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	it, tutor, err := s.store.item(r.Context(), courseID, itemID)
	if err != nil {
		return err
	}
	now := s.now()
	rep, err := validateReport(req, it.Kind, now, s.cfg.ClockSkew)
	if err != nil {
		return err
	}
	got, applied, err := s.store.report(r.Context(), auth.Caller(r).UserID, it, tutor, rep, now, s.rules)
	if err != nil {
		return err
	}
	v := itemView(it, got)
	v.Applied = &applied
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// getItem answers the caller's progress on an item, to resume it: the
// learner's own data, readable whether or not they still have access (with
// no progress and no access, 403).
func (s *Service) getItem(w http.ResponseWriter, r *http.Request) error {
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	uid := auth.Caller(r).UserID
	it, tutor, entitled, got, err := s.store.itemProgress(r.Context(), uid, courseID, itemID)
	if err != nil {
		return err
	}
	if !got.Started() && !(Course{TutorID: tutor}).mayReport(uid, entitled) {
		return ErrNoProgress
	}
	httpx.WriteJSON(w, http.StatusOK, itemView(it, got))
	return nil
}

// getCourse answers the caller's progress in a course.
func (s *Service) getCourse(w http.ResponseWriter, r *http.Request) error {
	courseID, err := pathCourse(r)
	if err != nil {
		return err
	}
	uid := auth.Caller(r).UserID
	cs, entitled, err := s.store.courseProgress(r.Context(), uid, courseID)
	if err != nil {
		return err
	}
	canReport := cs.Course.mayReport(uid, entitled)
	if cs.LastActivity.IsZero() && !canReport {
		return ErrNoProgress
	}
	v := CourseProgressView{MyCourseView: courseView(cs, canReport), Items: make([]ItemProgressView, 0, len(cs.Items))}
	for _, st := range cs.Items {
		v.Items = append(v.Items, itemView(st.Item, st.Progress))
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// listMine answers a page of the caller's courses with their progress.
func (s *Service) listMine(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, after, err := parseListQuery(q.Get("limit"), q.Get("cursor"))
	if err != nil {
		return err
	}
	uid := auth.Caller(r).UserID
	entries, more, err := s.store.myCourses(r.Context(), uid, after, limit)
	if err != nil {
		return err
	}
	out := MyCoursesPage{Courses: make([]MyCourseView, 0, len(entries))}
	for _, e := range entries {
		out.Courses = append(out.Courses, courseView(e.Summary, e.Summary.Course.mayReport(uid, e.Entitled)))
	}
	if more && len(entries) > 0 {
		last := entries[len(entries)-1]
		out.NextCursor = encodeCursor(listCursor{Activity: last.Activity, CourseID: last.CourseID})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// --- Requests and views.

// ReportRequest is the body of PUT .../items/{itemId}/progress. A video
// report carries position_seconds and duration_seconds; a text report (on
// open) and a file report (on download) carry completed: true. Every report
// carries client_time: last writer wins by it, so a report older than the one
// recorded changes nothing (and is answered with what is recorded).
type ReportRequest struct {
	// PositionSeconds is the playback position (video).
	PositionSeconds *float64 `json:"position_seconds,omitempty" example:"312.5"`
	// DurationSeconds is the video's duration (video).
	DurationSeconds *float64 `json:"duration_seconds,omitempty" example:"625"`
	// Completed is true when a text item was opened or a file item
	// downloaded.
	Completed *bool `json:"completed,omitempty"`
	// ClientTime is when the client took this reading (RFC 3339).
	ClientTime string `json:"client_time" example:"2026-03-01T09:30:00Z"`
}

// ItemProgressView is a learner's progress on an item. Before any report it
// shows position 0, nothing watched and not completed. Applied is set on the
// answer to a report: false when the report was not newer than the one
// recorded (the view then shows what is recorded).
type ItemProgressView struct {
	CourseID        string     `json:"course_id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	ItemID          string     `json:"item_id" example:"9b2d4e6f-1a3c-4e5f-8a7b-6c5d4e3f2a10"`
	Kind            string     `json:"kind" enum:"text,video,file" example:"video"`
	Title           string     `json:"title" example:"Greetings"`
	PositionSeconds float64    `json:"position_seconds" example:"312.5"`
	DurationSeconds float64    `json:"duration_seconds" example:"625"`
	WatchedSeconds  float64    `json:"watched_seconds" example:"300"`
	WatchedFraction float64    `json:"watched_fraction" example:"0.48"`
	Completed       bool       `json:"completed"`
	CompletedAt     *time.Time `json:"completed_at,omitempty"`
	ClientTime      *time.Time `json:"client_time,omitempty"`
	UpdatedAt       *time.Time `json:"updated_at,omitempty"`
	Applied         *bool      `json:"applied,omitempty"`
}

// MyCourseView is a learner's progress in a course: items completed out of
// the course's current items, in whole percent (100 only when complete),
// and when they last reported. CanReport says whether they may report
// progress now (the tutor, or an active subscription); progress stays
// readable after a subscription ends.
type MyCourseView struct {
	CourseID       string     `json:"course_id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	Title          string     `json:"title" example:"Conversational Japanese"`
	ItemsTotal     int        `json:"items_total" example:"12"`
	ItemsCompleted int        `json:"items_completed" example:"3"`
	Percent        int        `json:"percent" example:"25"`
	Completed      bool       `json:"completed"`
	CompletedAt    *time.Time `json:"completed_at,omitempty"`
	LastActivityAt *time.Time `json:"last_activity_at,omitempty"`
	CanReport      bool       `json:"can_report" example:"true"`
}

// CourseProgressView is MyCourseView with each current item's state, in
// the order the items were added.
type CourseProgressView struct {
	MyCourseView
	Items []ItemProgressView `json:"items"`
}

// MyCoursesPage is one page of the caller's courses (those they have
// progress in or an active subscription to), newest activity first.
// NextCursor, when set, asks for the next page (?cursor=).
type MyCoursesPage struct {
	Courses    []MyCourseView `json:"courses"`
	NextCursor string         `json:"next_cursor,omitempty" example:"eyJ0IjoiMjAyNi0wMS0wMlQwMzowNDowNVoiLCJpZCI6ImMxIn0"`
}

func itemView(it Item, p Progress) ItemProgressView {
	v := ItemProgressView{CourseID: it.CourseID, ItemID: it.ItemID, Kind: it.Kind, Title: it.Title,
		PositionSeconds: p.Position, DurationSeconds: p.Duration, WatchedSeconds: p.WatchedSeconds,
		WatchedFraction: p.WatchedFraction(), Completed: p.Completed(),
		CompletedAt: timePtr(p.CompletedAt), ClientTime: timePtr(p.ClientTime), UpdatedAt: timePtr(p.UpdatedAt)}
	return v
}

func courseView(s CourseSummary, canReport bool) MyCourseView {
	return MyCourseView{CourseID: s.Course.ID, Title: s.Course.Title, ItemsTotal: s.Total, ItemsCompleted: s.Done,
		Percent: s.Percent(), Completed: s.Completed, CompletedAt: timePtr(s.CompletedAt),
		LastActivityAt: timePtr(s.LastActivity), CanReport: canReport}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// --- Paging "my courses".

// Page sizes of "my courses".
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// listCursor is the position after which a page starts: the last course of
// the previous page.
type listCursor struct {
	Activity time.Time `json:"a"`
	CourseID string    `json:"c"`
}

// Valid says whether c is a cursor this API could have issued.
func (c *listCursor) Valid() bool { return pagination.ValidTime(c.Activity) && validID(c.CourseID) }

func encodeCursor(c listCursor) string {
	c.Activity = c.Activity.UTC()
	return pagination.Encode(c)
}

func decodeCursor(s string) (*listCursor, error) {
	var c listCursor
	if ok, err := pagination.Decode(s, &c); !ok {
		return nil, err
	}
	return &c, nil
}

// parseListQuery reads ?limit= and ?cursor=.
func parseListQuery(limitParam, cursorParam string) (int, *listCursor, error) {
	var c listCursor
	limit, ok, err := pagination.Params(limitParam, cursorParam, DefaultPageSize, MaxPageSize, &c)
	if err != nil || !ok {
		return limit, nil, err
	}
	return limit, &c, nil
}
