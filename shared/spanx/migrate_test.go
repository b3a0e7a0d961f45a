package spanx_test

import (
	"context"
	"testing"
	"testing/fstest"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/spanx"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestLoadMigrations(t *testing.T) {
	ms, err := spanx.LoadMigrations(fstest.MapFS{
		"0002_more.sql":  {Data: []byte("-- a comment\nALTER TABLE A ADD COLUMN B INT64;\nCREATE INDEX AB ON A (B);")},
		"0001_first.sql": {Data: []byte("CREATE TABLE A (Id INT64 NOT NULL) PRIMARY KEY (Id);")},
		"README.md":      {Data: []byte("ignored")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 1 || ms[1].Version != 2 || len(ms[1].Statements) != 2 {
		t.Fatalf("%+v", ms)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"bad_name":     {"1_x.sql": {Data: []byte("x")}},
		"same_version": {"0001_a.sql": {Data: []byte("x")}, "0001_b.sql": {Data: []byte("y")}},
	} {
		if _, err := spanx.LoadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestMigrate_isIdempotentAndIncremental(t *testing.T) {
	ctx := context.Background()
	first := []spanx.Migration{{Version: 1, Name: "a", Statements: []string{"CREATE TABLE A (Id INT64 NOT NULL) PRIMARY KEY (Id)"}}}
	db, path := testenv.Database(t, first)
	admin := testenv.Admin(t)
	applied, err := admin.Migrate(ctx, path, db, first)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second run applied %v, %v", applied, err)
	}
	both := append(first, spanx.Migration{Version: 2, Name: "b", Statements: []string{"ALTER TABLE A ADD COLUMN B INT64"}})
	applied, err = admin.Migrate(ctx, path, db, both)
	if err != nil || len(applied) != 1 || applied[0] != 2 {
		t.Fatalf("incremental run applied %v, %v", applied, err)
	}
	if _, err := db.Apply(ctx, []*spanner.Mutation{spanner.Insert("A", []string{"Id", "B"}, []any{1, 2})}); err != nil {
		t.Fatalf("new column missing: %v", err)
	}
}
