// Command floor is the floor of course-get's cold start: a bare
// functions-framework handler that opens the same Spanner client (spanx.Open)
// and does the same two point reads (the course row, then its tutor's name),
// built the same way as kwipper, so the cold-start benchmark shows what
// Kwipper adds on top of the work itself.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"cloud.google.com/go/spanner"
	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/kwipper/kwipper/shared/spanx"
)

func main() {
	ctx := context.Background()
	db, err := spanx.Open(ctx, spanx.DatabasePath(os.Getenv("KW_PROJECT"), "kwipper", "courses"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	functions.HTTP("floor", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/v1/courses/")
		row, err := db.Single().ReadRow(r.Context(), "Courses", spanner.Key{id}, []string{"CourseId", "TutorId", "Title"})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var c struct{ ID, TutorID, Title, TutorName string }
		if err := row.Columns(&c.ID, &c.TutorID, &c.Title); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if row, err := db.Single().ReadRow(r.Context(), "TutorProfiles", spanner.Key{c.TutorID}, []string{"DisplayName"}); err == nil {
			_ = row.Columns(&c.TutorName)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c)
	})
	if err := funcframework.Start(os.Getenv("PORT")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
