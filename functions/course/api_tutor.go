package course

import (
	"net/http"
	"time"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/pagination"
)

// A tutor's view of their own courses: every course, drafts included, with
// its item and subscriber counts, and who subscribes to each.

// myCourses lists the caller's courses, newest first (cursor-paginated).
func (s *Service) myCourses(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, after, err := parseListQuery(q.Get("limit"), q.Get("cursor"))
	if err != nil {
		return err
	}
	courses, err := s.store.tutorCourses(r.Context(), auth.Caller(r).UserID, after, limit+1)
	if err != nil {
		return err
	}
	page := TutorCoursePage{Courses: make([]View, 0, min(len(courses), limit))}
	if len(courses) > limit {
		courses = courses[:limit]
		last := courses[limit-1]
		page.NextCursor = encodeCursor(Course{ID: last.ID, PublishedAt: last.CreatedAt})
	}
	for _, c := range courses {
		page.Courses = append(page.Courses, c.view())
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

// subscribers lists the active subscribers of the caller's course (404 for
// a course the caller cannot see, 403 for another tutor's published one).
func (s *Service) subscribers(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	q := r.URL.Query()
	var cur subscriberCursor
	limit, ok, err := pagination.Params(q.Get("limit"), q.Get("cursor"), DefaultPageSize, MaxPageSize, &cur)
	if err != nil {
		return err
	}
	var after *subscriberCursor
	if ok {
		after = &cur
	}
	c, err := s.store.get(r.Context(), r.PathValue("courseId"), 0)
	if err != nil {
		return err
	}
	if !visibleTo(c, p) {
		return ErrNotFound
	}
	if !c.isOwner(p) {
		return errs.E(errs.PermissionDenied, "only the course's tutor may see its subscribers")
	}
	subs, err := s.store.subscribers(r.Context(), c.ID, after, limit+1)
	if err != nil {
		return err
	}
	page := SubscriberPage{CourseID: c.ID, SubscriberCount: c.SubscriberCount, Subscribers: make([]Subscriber, 0, min(len(subs), limit))}
	if len(subs) > limit {
		subs = subs[:limit]
		page.NextCursor = encodeSubscriberCursor(subs[limit-1])
	}
	page.Subscribers = append(page.Subscribers, subs...)
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

// TutorCoursePage is a page of the caller's courses, newest first, drafts
// included. NextCursor, when set, asks for the next page.
type TutorCoursePage struct {
	Courses    []View `json:"courses"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Subscriber is one active subscription to a course.
type Subscriber struct {
	UserID         string `json:"user_id"`
	SubscriptionID string `json:"subscription_id"`
	// Since is when the subscription became active here.
	Since time.Time `json:"since"`
}

// SubscriberPage is a page of a course's active subscribers, by user id.
type SubscriberPage struct {
	CourseID        string       `json:"course_id"`
	SubscriberCount int64        `json:"subscriber_count"`
	Subscribers     []Subscriber `json:"subscribers"`
	NextCursor      string       `json:"next_cursor,omitempty"`
}

// subscriberCursor is the last subscriber of the previous page.
type subscriberCursor struct {
	UserID         string `json:"u"`
	SubscriptionID string `json:"s"`
}

// Valid says whether c is a cursor this API could have issued.
func (c *subscriberCursor) Valid() bool {
	return pagination.ValidID(c.UserID) && pagination.ValidID(c.SubscriptionID)
}

func encodeSubscriberCursor(s Subscriber) string {
	return pagination.Encode(subscriberCursor{UserID: s.UserID, SubscriptionID: s.SubscriptionID})
}
