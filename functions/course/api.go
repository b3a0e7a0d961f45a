package course

import (
	"net/http"
	"slices"
	"time"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/idempotency"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/pagination"
)

// Service is the Course service: its handlers and what they need.
type Service struct {
	store     store
	staleness time.Duration
}

// Config tunes the service; the zero Config is production's.
type Config struct{}

// New returns the Course service on d's database and outbox. Public reads
// (the catalog, and courses and items read by callers who cannot be their
// tutor) may be d.Config.CatalogStaleness old, so the nearest replica serves
// them.
func New(d fnreg.Deps, c Config) *Service {
	return &Service{store: newStore(d), staleness: max(d.Config.CatalogStaleness, 0)}
}

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
	c.ID, c.TutorID = idempotency.ID(r.Context(), 0), auth.Caller(r).UserID
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
	filters, err := parseCatalogFilters(q)
	if err != nil {
		return err
	}
	courses, err := s.store.catalog(r.Context(), filters, after, limit+1, s.staleness)
	if err != nil {
		return err
	}
	page := Page{Courses: make([]View, 0, min(len(courses), limit)), Filters: filters}
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
	c, err := s.store.updateItems(r.Context(), r.PathValue("courseId"), func(c *Course) error {
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
	it.ID = idempotency.ID(r.Context(), 0)
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

// Catalog page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// CreateRequest is the body of POST /v1/courses.
type CreateRequest struct {
	Title           string      `json:"title" example:"Conversational Japanese"`
	Description     string      `json:"description" example:"Thirty short lessons for travellers."`
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval" example:"month"`
}

// UpdateRequest is the body of PATCH /v1/courses/{courseId}; absent fields
// stay as they are, and at least one must be sent.
type UpdateRequest struct {
	Title           *string      `json:"title,omitempty" example:"Conversational Japanese"`
	Description     *string      `json:"description,omitempty" example:"Thirty short lessons for travellers."`
	Price           *money.Money `json:"price,omitempty"`
	BillingInterval *string      `json:"billing_interval,omitempty" example:"month"`
}

// View is a course as the API shows it.
type View struct {
	ID              string      `json:"id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	TutorID         string      `json:"tutor_id" example:"0b0e5c8a-3f1e-4a55-9d43-2c6f8e1a9b10"`
	TutorName       string      `json:"tutor_name" example:"Kenji Sato"`
	Title           string      `json:"title" example:"Conversational Japanese"`
	Description     string      `json:"description" example:"Thirty short lessons for travellers."`
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval" example:"month" enum:"month,year"`
	Status          string      `json:"status" enum:"draft,published" example:"published"`
	ItemCount       int64       `json:"item_count" example:"12"`
	SubscriberCount int64       `json:"subscriber_count" example:"340"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
	PublishedAt     *time.Time  `json:"published_at,omitempty"`
}

// Page is one page of the catalog, newest first. NextCursor, when set, asks
// for the next page (?cursor=, with the same filters); it is absent on the
// last page. Filters says which filters the page applied, normalised.
type Page struct {
	Courses    []View         `json:"courses"`
	NextCursor string         `json:"next_cursor,omitempty" example:"eyJ0IjoiMjAyNi0wMS0wMlQwMzowNDowNVoiLCJpZCI6ImMxIn0"`
	Filters    CatalogFilters `json:"filters"`
}

// ItemRequest is the body of POST /v1/courses/{courseId}/items. Body is
// required for text items and forbidden for video and file items (their
// content is uploaded separately).
type ItemRequest struct {
	Kind  string `json:"kind" example:"text"`
	Title string `json:"title" example:"Greetings"`
	Body  string `json:"body,omitempty" example:"Ohayou gozaimasu: good morning."`
}

// ItemUpdateRequest is the body of PATCH /v1/courses/{courseId}/items/{itemId};
// absent fields stay, at least one must be sent, and body only fits text items.
type ItemUpdateRequest struct {
	Title *string `json:"title,omitempty" example:"Greetings and introductions"`
	Body  *string `json:"body,omitempty"`
}

// ItemView is an item as the API shows it. Body is omitted for media items
// and for callers who may not read the course's content.
type ItemView struct {
	ID            string    `json:"id" example:"9b2d4e6f-1a3c-4e5f-8a7b-6c5d4e3f2a10"`
	CourseID      string    `json:"course_id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	Position      int64     `json:"position" example:"1"`
	Kind          string    `json:"kind" enum:"text,video,file" example:"video"`
	Title         string    `json:"title" example:"Greetings"`
	Body          string    `json:"body,omitempty"`
	ContentStatus string    `json:"content_status" enum:"ready,awaiting_upload,rejected" example:"ready"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ItemList is a course's items in position order.
type ItemList struct {
	Items []ItemView `json:"items"`
}

// ReorderRequest is the body of PUT /v1/courses/{courseId}/items/order: every
// item id of the course, each exactly once, in the new order.
type ReorderRequest struct {
	ItemIDs []string `json:"item_ids" example:"[\"3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7\",\"9b2d4e6f-1a3c-4e5f-8a7b-6c5d4e3f2a10\"]"`
}

func (c Course) view() View {
	v := View{ID: c.ID, TutorID: c.TutorID, TutorName: c.TutorName, Title: c.Title, Description: c.Description,
		Price: c.Price, BillingInterval: c.BillingInterval, Status: c.Status, ItemCount: c.ItemCount, SubscriberCount: c.SubscriberCount,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if !c.PublishedAt.IsZero() {
		t := c.PublishedAt
		v.PublishedAt = &t
	}
	return v
}

func (it Item) view(withBody bool) ItemView {
	v := ItemView{ID: it.ID, CourseID: it.CourseID, Position: it.Position, Kind: it.Kind, Title: it.Title,
		ContentStatus: it.ContentStatus, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if withBody {
		v.Body = it.Body
	}
	return v
}

// --- Catalog paging.

// cursor is the position after which a catalog page starts: the last course
// of the previous page.
type cursor struct {
	PublishedAt time.Time `json:"p"`
	CourseID    string    `json:"c"`
}

// Valid says whether c is a cursor this API could have issued.
func (c *cursor) Valid() bool {
	return pagination.ValidTime(c.PublishedAt) && pagination.ValidID(c.CourseID)
}

// encodeCursor returns the opaque cursor that follows course c.
func encodeCursor(c Course) string {
	return pagination.Encode(cursor{PublishedAt: c.PublishedAt.UTC(), CourseID: c.ID})
}

func decodeCursor(s string) (*cursor, error) {
	var c cursor
	if ok, err := pagination.Decode(s, &c); !ok {
		return nil, err
	}
	return &c, nil
}

// parseListQuery reads ?limit= and ?cursor= of the catalog.
func parseListQuery(limitParam, cursorParam string) (int, *cursor, error) {
	var c cursor
	limit, ok, err := pagination.Params(limitParam, cursorParam, DefaultPageSize, MaxPageSize, &c)
	if err != nil || !ok {
		return limit, nil, err
	}
	return limit, &c, nil
}
