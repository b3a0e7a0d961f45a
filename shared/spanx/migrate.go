package spanx

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	database "cloud.google.com/go/spanner/admin/database/apiv1"
	"cloud.google.com/go/spanner/admin/database/apiv1/databasepb"
	instance "cloud.google.com/go/spanner/admin/instance/apiv1"
	"cloud.google.com/go/spanner/admin/instance/apiv1/instancepb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cloud.google.com/go/spanner"
)

// Migration is one versioned schema file: NNNN_name.sql holding DDL
// statements separated by semicolons.
type Migration struct {
	Version    int64
	Name       string
	Statements []string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// LoadMigrations reads every NNNN_name.sql file of fsys's root, in version
// order. Versions must be unique.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int64]string{}
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			if strings.HasSuffix(e.Name(), ".sql") {
				return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
			}
			continue
		}
		v, _ := strconv.ParseInt(m[1], 10, 64)
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: m[2], Statements: SplitDDL(string(body))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// SplitDDL splits a file of DDL into statements, dropping comment lines.
func SplitDDL(body string) []string {
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
			lines = append(lines, l)
		}
	}
	var stmts []string
	for _, s := range strings.Split(strings.Join(lines, "\n"), ";") {
		if s = strings.TrimSpace(s); s != "" {
			stmts = append(stmts, s)
		}
	}
	return stmts
}

// ServiceMigrations returns a service database's migrations in version
// order: the platform's (each of platform, e.g. the outbox's and the saga
// runner's, numbered 0000 and 9000 up) and the service's own NNNN_name.sql
// files in the migrations directory of files (numbered 0001 to 8999). A
// version used twice is an error.
func ServiceMigrations(files fs.FS, platform ...func() ([]Migration, error)) ([]Migration, error) {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		return nil, err
	}
	all, err := LoadMigrations(sub)
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.Version == 0 || m.Version >= 9000 {
			return nil, fmt.Errorf("migration %04d_%s: service migrations are numbered 0001 to 8999 (0000 and 9000 up are the platform's)", m.Version, m.Name)
		}
	}
	for _, load := range platform {
		ms, err := load()
		if err != nil {
			return nil, err
		}
		all = append(all, ms...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Version < all[j].Version })
	for i := 1; i < len(all); i++ {
		if all[i].Version == all[i-1].Version {
			return nil, fmt.Errorf("migrations %04d_%s and %04d_%s share a version", all[i-1].Version, all[i-1].Name, all[i].Version, all[i].Name)
		}
	}
	return all, nil
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS SchemaMigrations (
  Version INT64 NOT NULL,
  Name STRING(MAX) NOT NULL,
  AppliedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true)
) PRIMARY KEY (Version)`

// Admin creates instances and databases and applies migrations.
type Admin struct {
	DB   *database.DatabaseAdminClient
	Inst *instance.InstanceAdminClient
}

// NewAdmin opens the admin clients (they honour SPANNER_EMULATOR_HOST).
func NewAdmin(ctx context.Context) (*Admin, error) {
	db, err := database.NewDatabaseAdminClient(ctx)
	if err != nil {
		return nil, err
	}
	inst, err := instance.NewInstanceAdminClient(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Admin{DB: db, Inst: inst}, nil
}

// Close closes the admin clients.
func (a *Admin) Close() {
	a.DB.Close()
	a.Inst.Close()
}

// EnsureInstance creates the instance when it does not exist (for the
// emulator and for scratch projects; Terraform owns it in the cloud).
func (a *Admin) EnsureInstance(ctx context.Context, project, id, config string) error {
	name := "projects/" + project + "/instances/" + id
	if _, err := a.Inst.GetInstance(ctx, &instancepb.GetInstanceRequest{Name: name}); err == nil {
		return nil
	} else if status.Code(err) != codes.NotFound {
		return fmt.Errorf("get instance %s: %w", name, err)
	}
	op, err := a.Inst.CreateInstance(ctx, &instancepb.CreateInstanceRequest{
		Parent:     "projects/" + project,
		InstanceId: id,
		Instance: &instancepb.Instance{
			Config:      "projects/" + project + "/instanceConfigs/" + config,
			DisplayName: id,
			NodeCount:   1,
		},
	})
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create instance %s: %w", name, err)
	}
	_, err = op.Wait(ctx)
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	return err
}

// EnsureDatabase creates the database at path when it does not exist.
func (a *Admin) EnsureDatabase(ctx context.Context, path string) error {
	if _, err := a.DB.GetDatabase(ctx, &databasepb.GetDatabaseRequest{Name: path}); err == nil {
		return nil
	} else if status.Code(err) != codes.NotFound {
		return fmt.Errorf("get database %s: %w", path, err)
	}
	i := strings.Index(path, "/databases/")
	op, err := a.DB.CreateDatabase(ctx, &databasepb.CreateDatabaseRequest{
		Parent:          path[:i],
		CreateStatement: "CREATE DATABASE `" + path[i+len("/databases/"):] + "`",
	})
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	_, err = op.Wait(ctx)
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	return err
}

// Migrate applies, in order, every migration not yet recorded in the
// database's SchemaMigrations table, recording each after it applies. Running
// it again applies nothing. It returns the versions it applied.
func (a *Admin) Migrate(ctx context.Context, path string, client *spanner.Client, migrations []Migration) ([]int64, error) {
	if err := a.updateDDL(ctx, path, []string{migrationsTable}); err != nil {
		return nil, err
	}
	applied, err := Column[int64](client.Single().Query(ctx, spanner.Statement{SQL: "SELECT Version FROM SchemaMigrations"}))
	if err != nil {
		return nil, fmt.Errorf("read SchemaMigrations: %w", err)
	}
	var done []int64
	for _, m := range migrations {
		if slices.Contains(applied, m.Version) {
			continue
		}
		if err := a.updateDDL(ctx, path, m.Statements); err != nil {
			return done, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		err := Apply(ctx, client, spanner.InsertOrUpdate("SchemaMigrations",
			[]string{"Version", "Name", "AppliedAt"}, []any{m.Version, m.Name, spanner.CommitTimestamp}))
		if err != nil {
			return done, fmt.Errorf("record migration %04d: %w", m.Version, err)
		}
		done = append(done, m.Version)
	}
	return done, nil
}

func (a *Admin) updateDDL(ctx context.Context, path string, stmts []string) error {
	op, err := a.DB.UpdateDatabaseDdl(ctx, &databasepb.UpdateDatabaseDdlRequest{Database: path, Statements: stmts})
	if err != nil {
		return err
	}
	return op.Wait(ctx)
}
