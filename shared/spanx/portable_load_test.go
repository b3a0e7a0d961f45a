package spanx_test

import (
	"context"
	"strings"
	"testing"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/spanx"
)

// A dump loads only into a target with the dump's migrations, tables and
// columns, empty unless resuming; a refused load writes nothing.
func TestCheckLoad_refusesAMismatchedOrUsedTarget(t *testing.T) {
	ctx := context.Background()
	schema := []spanx.Migration{{Version: 1, Name: "t", Statements: []string{
		"CREATE TABLE T (Id INT64 NOT NULL, Name STRING(MAX), Tags ARRAY<STRING(16)>) PRIMARY KEY (Id)"}}}
	src, _ := testenv.Database(t, schema)
	if err := spanx.Apply(ctx, src, spanner.Insert("T", []string{"Id", "Name", "Tags"}, []any{1, "a", []string{"x"}})); err != nil {
		t.Fatal(err)
	}
	ts, err := spanx.Now(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	d, err := spanx.Dump(ctx, src, "db", ts, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := func(db *spanner.Client) int {
		n, err := spanx.Column[int64](db.Single().Query(ctx, spanner.Statement{SQL: "SELECT COUNT(*) FROM T"}))
		if err != nil {
			t.Fatal(err)
		}
		return int(n[0])
	}

	for name, tc := range map[string]struct {
		schema []spanx.Migration
		want   string
	}{
		"lacks_the_migration": {[]spanx.Migration{{Version: 2, Name: "t", Statements: schema[0].Statements}}, "lacks migration 0001"},
		"lacks_a_column": {[]spanx.Migration{{Version: 1, Name: "t", Statements: []string{
			"CREATE TABLE T (Id INT64 NOT NULL, Tags ARRAY<STRING(16)>) PRIMARY KEY (Id)"}}}, "has no column Name"},
		"column_of_another_type": {[]spanx.Migration{{Version: 1, Name: "t", Statements: []string{
			"CREATE TABLE T (Id INT64 NOT NULL, Name BYTES(MAX), Tags ARRAY<STRING(16)>) PRIMARY KEY (Id)"}}}, "has no column Name STRING(MAX)"},
	} {
		t.Run(name, func(t *testing.T) {
			dst, _ := testenv.Database(t, tc.schema)
			if err := spanx.CheckLoad(ctx, dst, d, dir, false); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}

	dst, _ := testenv.Database(t, schema)
	if err := spanx.CheckLoad(ctx, dst, d, dir, false); err != nil {
		t.Fatal(err)
	}
	if err := spanx.Load(ctx, dst, d, dir, nil); err != nil {
		t.Fatal(err)
	}
	if err := spanx.CheckLoad(ctx, dst, d, dir, false); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a used target: %v", err)
	}
	if err := spanx.CheckLoad(ctx, dst, d, dir, true); err != nil {
		t.Fatalf("resume: %v", err)
	}
	row, err := dst.Single().ReadRow(ctx, "T", spanner.Key{1}, []string{"Name", "Tags"})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	var tags []string
	if err := row.Columns(&got, &tags); err != nil || got != "a" || len(tags) != 1 || tags[0] != "x" || rows(dst) != 1 {
		t.Fatalf("loaded %q %v (%v), %d rows", got, tags, err, rows(dst))
	}
}
