package course

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/subscribe/saga"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Consumer is the name course-on-user-event records processed events under.
const Consumer = "course-on-user-event"

// Service is the Course service: its handlers and what they need.
type Service struct {
	store     store
	staleness time.Duration
	newID     func() string
	// failSagaStep is Config.SagaFailStep.
	failSagaStep func(step, courseID string) bool
}

// Config is what New needs.
type Config struct {
	// DB is a client of the courses database.
	DB *spanner.Client
	// Outbox publishes the service's events (its DB is DB).
	Outbox *events.Outbox
	// CatalogStaleness bounds how old public reads (the catalog, and courses
	// and items read by callers who cannot be their tutor) may be, so they
	// can be served by the nearest replica. 0 means strong reads.
	CatalogStaleness time.Duration
	// NewID makes course and item ids (default: random UUIDs).
	NewID func() string
	// SagaFailStep is a test-only hook (nil in production): the saga steps
	// it reports true for fail (see saga.Participant.Fail).
	SagaFailStep func(step, courseID string) bool
}

// New returns the Course service. DB and Outbox are required: New panics
// without them, as that is a wiring bug no retry can fix.
func New(c Config) *Service {
	if c.DB == nil || c.Outbox == nil {
		panic("course.New: Config.DB and Config.Outbox are required")
	}
	if c.NewID == nil {
		c.NewID = uuid.NewString
	}
	return &Service{store: store{db: c.DB, outbox: c.Outbox}, staleness: max(c.CatalogStaleness, 0), newID: c.NewID,
		failSagaStep: c.SagaFailStep}
}

// Handlers returns the service's function handlers by function name.
func (s *Service) Handlers() map[string]http.Handler {
	h := map[string]http.Handler{
		"course-create":                httpx.Handler(s.create),
		"course-list":                  httpx.Handler(s.list),
		"course-get":                   httpx.Handler(s.get),
		"course-update":                httpx.Handler(s.update),
		"course-publish":               httpx.Handler(s.publish),
		"course-unpublish":             httpx.Handler(s.unpublish),
		"course-item-list":             httpx.Handler(s.listItems),
		"course-item-add":              httpx.Handler(s.addItem),
		"course-item-update":           httpx.Handler(s.updateItem),
		"course-item-reorder":          httpx.Handler(s.reorderItems),
		"course-item-remove":           httpx.Handler(s.removeItem),
		"course-on-user-event":         events.Push(s.onUserEvent),
		"course-outbox-relay":          events.Push(s.relay),
		"course-on-content-event":      events.Push(s.onContentEvent),
		"course-on-subscription-event": events.Push(s.onSubscriptionEvent),
	}
	maps.Copy(h, s.sagaHandlers())
	return h
}

// caller is the request's principal; the zero Principal when anonymous.

// readStaleness is how stale a read for p may be: tutors read strongly (they
// may be reading what they just changed); everyone else may read from the
// nearest replica.
func (s *Service) readStaleness(p auth.Principal) time.Duration {
	if p.Has(auth.Tutor) {
		return 0
	}
	return s.staleness
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) error {
	var req CreateRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	c, err := validateCreate(req)
	if err != nil {
		return err
	}
	c.ID, c.TutorID = s.newID(), auth.Caller(r).UserID
	if err := s.store.create(r.Context(), &c); err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/courses/"+c.ID)
	httpx.WriteJSON(w, http.StatusCreated, c.view())
	return nil
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, after, err := parseListQuery(q.Get("limit"), q.Get("cursor"))
	if err != nil {
		return err
	}
	courses, err := s.store.catalog(r.Context(), after, limit+1, s.staleness)
	if err != nil {
		return err
	}
	page := Page{Courses: make([]View, 0, min(len(courses), limit))}
	if len(courses) > limit {
		courses = courses[:limit]
		page.NextCursor = encodeCursor(courses[limit-1])
	}
	for _, c := range courses {
		page.Courses = append(page.Courses, c.view())
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	c, err := s.store.get(r.Context(), r.PathValue("courseId"), s.readStaleness(p))
	if err != nil {
		return err
	}
	if !visibleTo(c, p) {
		return ErrNotFound
	}
	httpx.WriteJSON(w, http.StatusOK, c.view())
	return nil
}

func (s *Service) update(w http.ResponseWriter, r *http.Request) error {
	var req UpdateRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	patch, err := validateUpdate(req)
	if err != nil {
		return err
	}
	p := auth.Caller(r)
	c, err := s.store.update(r.Context(), r.PathValue("courseId"), func(c *Course) error {
		if err := c.authorize(p); err != nil {
			return err
		}
		c.apply(patch)
		return nil
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c.view())
	return nil
}

func (s *Service) publish(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	c, err := s.store.update(r.Context(), r.PathValue("courseId"), func(c *Course) error {
		if err := c.authorize(p); err != nil {
			return err
		}
		return c.publish()
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c.view())
	return nil
}

func (s *Service) unpublish(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	c, err := s.store.update(r.Context(), r.PathValue("courseId"), func(c *Course) error {
		if err := c.authorize(p); err != nil {
			return err
		}
		c.unpublish()
		return nil
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c.view())
	return nil
}

func (s *Service) listItems(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	c, err := s.store.getWithItems(r.Context(), r.PathValue("courseId"), s.readStaleness(p))
	if err != nil {
		return err
	}
	if !visibleTo(c, p) {
		return ErrNotFound
	}
	var lookupErr error
	bodies := mayReadBodies(c, p, func() bool {
		ok, err := s.store.entitled(r.Context(), c.ID, p.UserID)
		lookupErr = err
		return ok
	})
	if lookupErr != nil {
		return lookupErr
	}
	httpx.WriteJSON(w, http.StatusOK, itemList(c, bodies))
	return nil
}

func (s *Service) addItem(w http.ResponseWriter, r *http.Request) error {
	var req ItemRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	it, err := validateItem(req)
	if err != nil {
		return err
	}
	it.ID = s.newID()
	p := auth.Caller(r)
	c, err := s.store.updateItems(r.Context(), r.PathValue("courseId"), func(c *Course) error {
		if err := c.authorize(p); err != nil {
			return err
		}
		_, err := c.addItem(it)
		return err
	})
	if err != nil {
		return err
	}
	return writeItem(w, http.StatusCreated, c, it.ID)
}

func (s *Service) updateItem(w http.ResponseWriter, r *http.Request) error {
	var req ItemUpdateRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	patch, err := validateItemUpdate(req)
	if err != nil {
		return err
	}
	p, itemID := auth.Caller(r), r.PathValue("itemId")
	c, err := s.store.updateItems(r.Context(), r.PathValue("courseId"), func(c *Course) error {
		if err := c.authorize(p); err != nil {
			return err
		}
		_, err := c.updateItem(itemID, patch)
		return err
	})
	if err != nil {
		return err
	}
	return writeItem(w, http.StatusOK, c, itemID)
}

func (s *Service) reorderItems(w http.ResponseWriter, r *http.Request) error {
	var req ReorderRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	if req.ItemIDs == nil {
		return &errs.Error{Kind: errs.Invalid, Message: "item_ids is required",
			Fields: map[string]string{"item_ids": "must list every item id of the course in the new order"}}
	}
	p := auth.Caller(r)
	c, err := s.store.updateItems(r.Context(), r.PathValue("courseId"), func(c *Course) error {
		if err := c.authorize(p); err != nil {
			return err
		}
		return c.reorder(req.ItemIDs)
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, itemList(c, true))
	return nil
}

func (s *Service) removeItem(w http.ResponseWriter, r *http.Request) error {
	p, itemID := auth.Caller(r), r.PathValue("itemId")
	_, err := s.store.updateItems(r.Context(), r.PathValue("courseId"), func(c *Course) error {
		if err := c.authorize(p); err != nil {
			return err
		}
		return c.removeItem(itemID)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// itemList shows c's items, with bodies when withBodies.
func itemList(c Course, withBodies bool) ItemList {
	l := ItemList{Items: make([]ItemView, 0, len(c.Items))}
	for _, it := range c.Items {
		l.Items = append(l.Items, it.view(withBodies))
	}
	return l
}

// writeItem answers with item id of c as its tutor sees it.
func writeItem(w http.ResponseWriter, status int, c Course, id string) error {
	i := slices.IndexFunc(c.Items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		// Removed by a concurrent change right after ours committed.
		return ErrItemNotFound
	}
	httpx.WriteJSON(w, status, c.Items[i].view(true))
	return nil
}

// onUserEvent keeps TutorProfiles in step with the User service: a tutor's
// registration or profile update upserts their display name, once per event
// however often it is delivered. Other event types, and users who are not
// tutors, are acknowledged and ignored; a malformed payload is Invalid (it
// can never succeed, so it goes to the dead-letter topic).
func (s *Service) onUserEvent(ctx context.Context, m events.Message) error {
	if m.Type != user.EventRegistered && m.Type != user.EventUpdated {
		return nil
	}
	var d user.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.UserID == "" || len(d.UserID) > 36 || utf8.RuneCountInString(d.DisplayName) > 100 {
		return errs.E(errs.Invalid, "event %s %s needs a user_id and a display_name of at most 100 characters", m.Type, m.ID)
	}
	if !slices.Contains(d.Roles, string(auth.Tutor)) {
		return nil
	}
	_, err := events.Once(ctx, s.store.db, Consumer, m.ID, func(ctx context.Context, tx *spanx.Tx) error {
		return s.store.upsertTutor(ctx, tx, d.UserID, d.DisplayName, d.Version)
	})
	return spanx.Translate(err, "coursedb.upsertTutor")
}

// relay publishes what the outbox still holds; a Cloud Scheduler tick
// triggers it every minute.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	return err
}

// Plugin plugs the Course service into the platform.
var Plugin = fnreg.Service{
	Name: "course", Database: Database, Publishes: []string{Topic, saga.RepliesTopic}, Migrations: Migrations,
	Build: func(d fnreg.Deps) (map[string]http.Handler, error) {
		return New(Config{DB: d.DB, Outbox: d.Outbox, CatalogStaleness: d.Config.CatalogStaleness,
			SagaFailStep: d.Config.Saga.FailStep}).Handlers(), nil
	},
}
