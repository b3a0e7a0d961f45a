package course_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// course-on-content-event sets a media item's content status from content
// events once each, ignores an older event that arrives late, and leaves
// text items and unknown items alone.
func TestOnContentEvent_setsStatusOnce_ignoresOlderAndTextItems(t *testing.T) {
	ctx := context.Background()
	ms, err := course.Registration.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := testenv.Database(t, ms)
	const courseID, video, text = "c-1", "i-video", "i-text"
	cols := []string{"CourseId", "ItemId", "Position", "Kind", "Title", "Body", "ContentStatus", "CreatedAt", "UpdatedAt"}
	if _, err := db.Apply(ctx, []*spanner.Mutation{
		spanner.Insert("Courses", []string{"CourseId", "TutorId", "Title", "Description", "PriceAmount", "Currency",
			"BillingInterval", "Status", "ItemCount", "CreatedAt", "UpdatedAt"},
			[]any{courseID, "t-1", "Course", "", int64(100), "JPY", "month", "draft", int64(2), spanner.CommitTimestamp, spanner.CommitTimestamp}),
		spanner.Insert("CourseItems", cols, []any{courseID, video, int64(1), "video", "V", nil, "awaiting_upload", spanner.CommitTimestamp, spanner.CommitTimestamp}),
		spanner.Insert("CourseItems", cols, []any{courseID, text, int64(2), "text", "T", "hello", "ready", spanner.CommitTimestamp, spanner.CommitTimestamp}),
	}); err != nil {
		t.Fatal(err)
	}
	pub := &events.Recorder{}
	hs, err := course.Registration.Build(fnreg.Deps{DB: db, Outbox: &events.Outbox{DB: db, Publisher: pub}, Publisher: pub})
	if err != nil {
		t.Fatal(err)
	}
	h := hs["course-on-content-event"]
	push := func(id, typ, item, status string, version int) int {
		data, _ := json.Marshal(map[string]any{"course_id": courseID, "item_id": item, "upload_id": "u", "status": status, "version": version})
		body, _ := json.Marshal(map[string]any{"message": map[string]any{"data": base64.StdEncoding.EncodeToString(data), "messageId": id,
			"attributes": map[string]string{events.AttrEventID: id, events.AttrType: typ}}})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/push/course-on-content-event", strings.NewReader(string(body))))
		return rec.Code
	}
	status := func(item string) string {
		row, err := db.Single().ReadRow(ctx, "CourseItems", spanner.Key{courseID, item}, []string{"ContentStatus"})
		if err != nil {
			t.Fatal(err)
		}
		var s string
		_ = row.Columns(&s)
		return s
	}
	for _, step := range []struct {
		id, typ, item, status string
		version               int
		code                  int
		want                  string
	}{
		{"e1", "content.rejected", video, "rejected", 1, 204, "rejected"},
		{"e3", "content.ready", video, "ready", 3, 204, "ready"},
		{"e2", "content.upload_started", video, "awaiting_upload", 2, 204, "ready"}, // older, late
		{"e1", "content.rejected", video, "rejected", 1, 204, "ready"},              // redelivered
		{"e4", "content.ready", text, "rejected", 4, 204, "ready"},                  // a text item: untouched
		{"e5", "content.ready", "gone", "ready", 5, 204, ""},                        // unknown item: acknowledged
		{"e6", "content.ready", video, "bogus", 6, 400, "ready"},                    // malformed: dead letter
	} {
		if code := push(step.id, step.typ, step.item, step.status, step.version); code != step.code {
			t.Fatalf("%s: status %d, want %d", step.id, code, step.code)
		}
		if step.want != "" {
			item := step.item
			if got := status(item); got != step.want {
				t.Fatalf("after %s: %s is %q, want %q", step.id, item, got, step.want)
			}
		}
	}
}
