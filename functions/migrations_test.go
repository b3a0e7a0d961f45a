package functions_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Migrations never break a rollback (issue 15). A migration runs before the
// code that needs it and stays readable by the release before it, so rolling
// the code back never meets a schema it cannot read or write. Schema changes
// are made in two releases: expand (this release adds what the new code
// needs, the old code keeps working) and, at least one release later,
// contract (remove what no running code uses any more).
//
// The rule, applied to every statement of every migration file
// (functions/*/migrations/*.sql, shared/*/migrations/*.sql), in each
// database's version order so that each statement is judged against the
// schema the files before it made:
//
// An expand step may
//   - create a table (CREATE TABLE [IF NOT EXISTS]) and anything on a table
//     created in the same file (its NOT NULL columns, CHECK constraints,
//     foreign keys, UNIQUE indexes): no released code reads or writes it;
//   - add a nullable column, a NOT NULL column with a DEFAULT, or a
//     generated column (ADD COLUMN), to any table;
//   - create an index (a UNIQUE one only on a table created in the same
//     file: on an existing table it rejects writes the old code makes) and
//     add stored columns to one (ALTER INDEX ... ADD STORED COLUMN);
//   - add, replace or drop a row deletion policy (retention, not shape);
//   - widen a column: ALTER COLUMN to the same type with a larger length
//     (STRING(100) to STRING(200), or to MAX) and the same nullability, set
//     its default, or allow commit timestamps on it;
//   - widen a CHECK constraint: DROP CONSTRAINT c followed, in the same
//     file, by ADD CONSTRAINT c CHECK (...) that accepts everything the old
//     one did: the same expression, or `Col IN (...)` over the same column
//     with a superset of the values (the Subscriptions status check gained
//     'past_due' and 'refunding' this way);
//   - rename a table only as `ALTER TABLE Old RENAME TO New, ADD SYNONYM
//     Old` (the old name keeps working); add a synonym; set database
//     options; create a change stream or sequence.
//
// Everything else is a contract step and fails the test: DROP TABLE, DROP
// COLUMN, DROP INDEX, ALTER COLUMN that changes the type, shortens it,
// adds NOT NULL (the old code may write NULL) or drops it (the old code
// cannot read NULL), DROP DEFAULT, ADD COLUMN ... NOT NULL without a
// DEFAULT, RENAME without a synonym, DROP SYNONYM, a CHECK, foreign key or
// UNIQUE index added to an existing table, a constraint dropped without
// its wider replacement, ON DELETE changes, DROP STORED COLUMN, and any
// statement the rule does not know (teach it here, with a test case,
// rather than let it through).
//
// A contract step that is meant goes in contractSteps below, reviewed like
// code: the file, the release (the commit the image was tagged with,
// cloudbuild's SHORT_SHA, or a git tag) after which the expanded schema
// shipped, and why. The test checks that release is in the history and
// does not hold the file, so a contract ships at least one release after its
// expand, and that every entry still names a file that needs it.

// contractStep is a reviewed, intended contract migration.
type contractStep struct {
	// AfterRelease is the release (commit or tag) that shipped the
	// expanded schema and the code that no longer needs what this removes.
	AfterRelease string
	// Why says what is removed and why nothing reads it any more.
	Why string
}

// contractSteps are the contract migrations allowed to break the
// expand-only rule, by path from the repository root.
var contractSteps = map[string]contractStep{}

// migrationFile is one migration file of one database.
type migrationFile struct {
	Path       string
	Version    int64
	Statements []string
}

func TestMigrations_neverBreakARollback(t *testing.T) {
	dbs := repoMigrations(t)
	var problems []string
	for db, files := range dbs {
		for _, v := range checkMigrations(files) {
			if _, ok := contractSteps[v.Path]; ok {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s (database %s): %s\n    %s", v.Path, db, v.Problem, v.Statement))
		}
	}
	slices.Sort(problems)
	if len(problems) > 0 {
		t.Errorf("migrations that a rollback could not live with (expand now, contract a release later; "+
			"a deliberate contract step goes in contractSteps in functions/migrations_test.go):\n%s", strings.Join(problems, "\n"))
	}
	// Every allowlisted contract step is still needed, and ships after the
	// release that expanded.
	for path, c := range contractSteps {
		needed := false
		for _, files := range dbs {
			for _, v := range checkMigrations(files) {
				needed = needed || v.Path == path
			}
		}
		if !needed {
			t.Errorf("contractSteps[%q]: the file breaks no rule (or is gone): drop the entry", path)
		}
		if err := shippedBefore(c.AfterRelease, path); err != nil {
			t.Errorf("contractSteps[%q]: %v", path, err)
		}
		if strings.TrimSpace(c.Why) == "" {
			t.Errorf("contractSteps[%q]: say why nothing reads what it removes", path)
		}
	}
}

// repoMigrations is every database's migration files in the order Migrate
// applies them, with their paths; it fails the test when a migration file
// on disk belongs to no database (the rule would not see it).
func repoMigrations(t *testing.T) map[string][]migrationFile {
	t.Helper()
	var paths []string
	for _, glob := range []string{"functions/*/migrations/*.sql", "shared/*/migrations/*.sql"} {
		m, err := filepath.Glob(filepath.Join("..", glob))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		t.Fatal("no migration files found")
	}
	seen := map[string]bool{}
	dbs := map[string][]migrationFile{}
	for _, svc := range functions.Services {
		ms, err := svc.Migrations()
		if err != nil {
			t.Fatalf("%s: %v", svc.Name, err)
		}
		for _, m := range ms {
			path := ""
			for _, p := range paths {
				if filepath.Base(p) != fmt.Sprintf("%04d_%s.sql", m.Version, m.Name) {
					continue
				}
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if slices.Equal(spanx.SplitDDL(string(b)), m.Statements) {
					path = filepath.ToSlash(strings.TrimPrefix(p, ".."+string(filepath.Separator)))
					seen[p] = true
					break
				}
			}
			if path == "" {
				t.Fatalf("%s: migration %04d_%s matches no file under functions/*/migrations or shared/*/migrations", svc.Name, m.Version, m.Name)
			}
			dbs[svc.Database] = append(dbs[svc.Database], migrationFile{Path: path, Version: m.Version, Statements: m.Statements})
		}
	}
	for _, p := range paths {
		if !seen[p] {
			t.Errorf("%s belongs to no service's database: the rule cannot order it", p)
		}
	}
	return dbs
}

// shippedBefore checks that release is a commit in HEAD's history that does
// not yet hold path.
func shippedBefore(release, path string) error {
	if !regexp.MustCompile(`^[A-Za-z0-9._/-]+$`).MatchString(release) {
		return fmt.Errorf("AfterRelease %q: name the release (commit or tag) that shipped the expanded schema", release)
	}
	git := func(args ...string) error {
		cmd := exec.Command("git", args...)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	if err := git("merge-base", "--is-ancestor", release+"^{commit}", "HEAD"); err != nil {
		return fmt.Errorf("AfterRelease %q is not a release in this history: %v", release, err)
	}
	if git("cat-file", "-e", release+":"+path) == nil {
		return fmt.Errorf("release %s already holds %s: a contract step ships at least one release after its expand", release, path)
	}
	return nil
}

// violation is a statement that breaks the rule.
type violation struct {
	Path, Statement, Problem string
}

// schema is what the migrations so far made of one database, as far as
// the rule needs it.
type schema struct {
	tables      map[string]map[string]column // table -> column -> definition
	constraints map[string]string            // constraint -> CHECK expression ("" for other kinds)
	indexes     map[string]bool
}

type column struct {
	Type    string // e.g. STRING(200), ARRAY<STRING(20)>
	NotNull bool
}

var (
	reCreateTable  = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?` + "`?" + `(\w+)` + "`?" + `\s*\((.*)\)\s*PRIMARY\s+KEY\b.*$`)
	reCreateIndex  = regexp.MustCompile(`(?is)^CREATE\s+(UNIQUE\s+)?(NULL_FILTERED\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+(\w+)\b.*$`)
	reAlterTable   = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+(\w+)\s+(.*)$`)
	reAddColumn    = regexp.MustCompile(`(?is)^ADD\s+COLUMN\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+(.*)$`)
	reAlterColumn  = regexp.MustCompile(`(?is)^ALTER\s+COLUMN\s+(\w+)\s+(.*)$`)
	reAddCheck     = regexp.MustCompile(`(?is)^ADD\s+(CONSTRAINT\s+(\w+)\s+)?CHECK\s*\((.*)\)$`)
	reAddFK        = regexp.MustCompile(`(?is)^ADD\s+(CONSTRAINT\s+(\w+)\s+)?FOREIGN\s+KEY\b`)
	reDropConstr   = regexp.MustCompile(`(?is)^DROP\s+CONSTRAINT\s+(\w+)$`)
	reRowDeletion  = regexp.MustCompile(`(?is)^(ADD|REPLACE|DROP)\s+ROW\s+DELETION\s+POLICY\b`)
	reRenameSyn    = regexp.MustCompile(`(?is)^RENAME\s+TO\s+(\w+)\s*,\s*ADD\s+SYNONYM\s+(\w+)$`)
	reAddSynonym   = regexp.MustCompile(`(?is)^ADD\s+SYNONYM\s+\w+$`)
	reAlterIndex   = regexp.MustCompile(`(?is)^ALTER\s+INDEX\s+(\w+)\s+(ADD|DROP)\s+STORED\s+COLUMN\b`)
	reAdditive     = regexp.MustCompile(`(?is)^(ALTER\s+DATABASE\s+\S+\s+SET\s+OPTIONS|CREATE\s+(CHANGE\s+STREAM|SEQUENCE)\b)`)
	reContract     = regexp.MustCompile(`(?is)^(DROP\s+(TABLE|INDEX|VIEW|CHANGE\s+STREAM|SEQUENCE|SEARCH\s+INDEX)|RENAME\s+TABLE)\b`)
	reInList       = regexp.MustCompile(`(?is)^(\w+)\s+IN\s*\((.*)\)$`)
	reColumnType   = regexp.MustCompile(`(?is)^((?:ARRAY<)?\w+(?:\(\s*(?:\d+|MAX)\s*\))?>?)\s*(.*)$`)
	reTypeLength   = regexp.MustCompile(`(?i)^(\w+)\((\d+|MAX)\)$`)
	reNotNull      = regexp.MustCompile(`(?i)\bNOT\s+NULL\b`)
	reDefault      = regexp.MustCompile(`(?i)\bDEFAULT\s*\(`)
	reGenerated    = regexp.MustCompile(`(?i)^AS\s*\(`)
	reCommitTSOpt  = regexp.MustCompile(`(?is)^SET\s+OPTIONS\s*\(\s*allow_commit_timestamp\s*=\s*true\s*\)$`)
	reSetDefault   = regexp.MustCompile(`(?is)^SET\s+DEFAULT\s*\(`)
	reConstraintIn = regexp.MustCompile(`(?is)^CONSTRAINT\s+(\w+)\s+(CHECK\s*\((.*)\)|FOREIGN\s+KEY\b.*)$`)
)

// checkMigrations judges every statement of one database's files, given in
// the order they apply, and returns what breaks the rule.
func checkMigrations(files []migrationFile) []violation {
	s := schema{tables: map[string]map[string]column{}, constraints: map[string]string{}, indexes: map[string]bool{}}
	var out []violation
	for _, f := range files {
		created := map[string]bool{} // tables created by this file
		dropped := map[string]string{}
		bad := func(stmt, problem string, args ...any) {
			out = append(out, violation{Path: f.Path, Statement: oneLine(stmt), Problem: fmt.Sprintf(problem, args...)})
		}
		for _, raw := range f.Statements {
			stmt := strings.TrimSpace(stripComments(raw))
			switch m := reCreateTable.FindStringSubmatch(stmt); {
			case m != nil:
				name := m[2]
				if _, exists := s.tables[name]; exists {
					if m[1] == "" {
						bad(stmt, "creates table %s, which exists", name)
					}
					continue // IF NOT EXISTS on an existing table changes nothing
				}
				created[name] = true
				s.tables[name] = map[string]column{}
				for _, part := range splitTopLevel(m[3]) {
					if c := reConstraintIn.FindStringSubmatch(part); c != nil {
						s.constraints[c[1]] = normalizeExpr(c[3])
						continue
					}
					if regexp.MustCompile(`(?i)^(FOREIGN\s+KEY|CHECK)\b`).MatchString(part) {
						continue
					}
					if name, col, ok := parseColumn(part); ok {
						s.tables[m[2]][name] = col
					}
				}
				continue
			}
			if m := reCreateIndex.FindStringSubmatch(stmt); m != nil {
				if m[1] != "" && !created[m[5]] {
					bad(stmt, "a UNIQUE index on existing table %s rejects writes the release before may make", m[5])
				}
				s.indexes[m[4]] = true
				continue
			}
			if m := reAlterIndex.FindStringSubmatch(stmt); m != nil {
				if strings.EqualFold(m[2], "DROP") {
					bad(stmt, "drops a stored column of index %s, which the release before may read", m[1])
				}
				continue
			}
			if reAdditive.MatchString(stmt) {
				continue
			}
			if m := reContract.FindStringSubmatch(stmt); m != nil {
				bad(stmt, "%s removes or renames what the release before reads", strings.ToUpper(strings.Join(strings.Fields(m[1]), " ")))
				continue
			}
			m := reAlterTable.FindStringSubmatch(stmt)
			if m == nil {
				bad(stmt, "a statement the rule does not know: teach it (functions/migrations_test.go) before using it")
				continue
			}
			table, rest := m[1], strings.TrimSpace(m[2])
			cols, known := s.tables[table]
			if !known {
				bad(stmt, "alters table %s, which no earlier statement created", table)
				continue
			}
			switch {
			case reAddColumn.MatchString(rest):
				c := reAddColumn.FindStringSubmatch(rest)
				name, col, def, ok := parseColumnRest(c[2] + " " + c[3])
				if !ok {
					bad(stmt, "cannot read the column definition")
					continue
				}
				if col.NotNull && !reDefault.MatchString(def) && !reGenerated.MatchString(def) && !created[table] {
					bad(stmt, "adds NOT NULL column %s.%s without a DEFAULT: the release before inserts rows without it", table, name)
				}
				cols[name] = col
			case reAlterColumn.MatchString(rest):
				c := reAlterColumn.FindStringSubmatch(rest)
				name, change := c[1], strings.TrimSpace(c[2])
				old, ok := cols[name]
				if !ok {
					bad(stmt, "alters column %s.%s, which does not exist", table, name)
					continue
				}
				switch {
				case reCommitTSOpt.MatchString(change), reSetDefault.MatchString(change):
				case regexp.MustCompile(`(?i)^DROP\s+DEFAULT$`).MatchString(change):
					bad(stmt, "drops the DEFAULT of %s.%s, which the release before may rely on when it omits the column", table, name)
				default:
					_, col, ok := parseColumn(name + " " + change)
					if !ok {
						bad(stmt, "cannot read the column definition")
						continue
					}
					if p := widening(old, col); p != "" {
						bad(stmt, "changes column %s.%s from %s to %s: %s", table, name, describe(old), describe(col), p)
					}
					cols[name] = col
				}
			case reAddCheck.MatchString(rest):
				c := reAddCheck.FindStringSubmatch(rest)
				name, expr := c[2], normalizeExpr(c[3])
				prev, wasDropped := dropped[name]
				switch {
				case created[table]:
				case name != "" && wasDropped && superset(expr, prev):
					delete(dropped, name)
				case name != "" && wasDropped:
					bad(stmt, "replaces CHECK %s with one the rule cannot show accepts everything the old one did (%s)", name, prev)
					delete(dropped, name)
				default:
					bad(stmt, "adds a CHECK to existing table %s: rows the release before writes may fail it", table)
				}
				if name != "" {
					s.constraints[name] = expr
				}
			case reAddFK.MatchString(rest):
				if !created[table] {
					bad(stmt, "adds a foreign key to existing table %s: writes the release before makes may fail it", table)
				}
				if c := reAddFK.FindStringSubmatch(rest); c[2] != "" {
					s.constraints[c[2]] = ""
				}
			case reDropConstr.MatchString(rest):
				name := reDropConstr.FindStringSubmatch(rest)[1]
				expr, ok := s.constraints[name]
				if !ok || expr == "" {
					bad(stmt, "drops constraint %s, which is not a CHECK the rule knows", name)
					continue
				}
				dropped[name] = expr
				delete(s.constraints, name)
			case regexp.MustCompile(`(?is)^DROP\s+COLUMN\b`).MatchString(rest):
				bad(stmt, "drops a column of %s: the release before reads and writes it", table)
			case regexp.MustCompile(`(?is)^RENAME\s+COLUMN\b`).MatchString(rest):
				bad(stmt, "renames a column of %s: the release before uses the old name", table)
			case reRowDeletion.MatchString(rest), reAddSynonym.MatchString(rest):
			case reRenameSyn.MatchString(rest):
				c := reRenameSyn.FindStringSubmatch(rest)
				if !strings.EqualFold(c[2], table) {
					bad(stmt, "renames %s without keeping its name as a synonym", table)
				}
				s.tables[c[1]] = cols
			case regexp.MustCompile(`(?is)^RENAME\s+TO\b`).MatchString(rest):
				bad(stmt, "renames %s without ADD SYNONYM %s: the release before uses the old name", table, table)
			default:
				bad(stmt, "ALTER TABLE %s: a change the rule does not allow (SET ON DELETE, DROP SYNONYM, ...)", table)
			}
		}
		for name, expr := range dropped {
			out = append(out, violation{Path: f.Path, Statement: "DROP CONSTRAINT " + name,
				Problem: fmt.Sprintf("drops CHECK %s (%s) without adding a wider one of the same name in the same file", name, expr)})
		}
	}
	return out
}

// parseColumn reads "Name TYPE [NOT NULL] ..." into its name and column.
func parseColumn(def string) (string, column, bool) {
	name, col, _, ok := parseColumnRest(def)
	return name, col, ok
}

// parseColumnRest is parseColumn that also returns what follows the type
// (NOT NULL, DEFAULT (...), AS (...) STORED, OPTIONS (...)).
func parseColumnRest(def string) (string, column, string, bool) {
	def = strings.TrimSpace(def)
	name, rest, ok := strings.Cut(def, " ")
	if !ok {
		return "", column{}, "", false
	}
	m := reColumnType.FindStringSubmatch(strings.TrimSpace(rest))
	if m == nil {
		return "", column{}, "", false
	}
	typ := strings.ToUpper(strings.Join(strings.Fields(m[1]), ""))
	// NOT NULL belongs to the column unless it is inside a generated
	// expression or a default; those come after it in Spanner's grammar.
	tail := m[2]
	if i := strings.IndexAny(tail, "("); i >= 0 {
		tail = tail[:i]
	}
	return strings.Trim(name, "`"), column{Type: typ, NotNull: reNotNull.MatchString(tail)}, strings.TrimSpace(m[2]), true
}

// widening says why changing a column from old to col could break the
// release before, or "" when it cannot (same type, same nullability, the
// same or a larger length).
func widening(old, col column) string {
	switch {
	case old.NotNull && !col.NotNull:
		return "the release before cannot read the NULLs the new code may write"
	case !old.NotNull && col.NotNull:
		return "the release before may write NULL"
	case old.Type == col.Type:
		return ""
	}
	o, n := reTypeLength.FindStringSubmatch(old.Type), reTypeLength.FindStringSubmatch(col.Type)
	if o == nil || n == nil || o[1] != n[1] {
		return "a different type"
	}
	if n[2] == "MAX" {
		return ""
	}
	if o[2] == "MAX" {
		return "a shorter length"
	}
	ol, _ := strconv.Atoi(o[2])
	nl, _ := strconv.Atoi(n[2])
	if nl < ol {
		return "a shorter length"
	}
	return ""
}

func describe(c column) string {
	if c.NotNull {
		return c.Type + " NOT NULL"
	}
	return c.Type
}

// superset reports whether CHECK expr accepts every row prev accepted: the
// same expression, or Col IN (...) over the same column with a superset of
// the values.
func superset(expr, prev string) bool {
	if expr == prev {
		return true
	}
	n, o := reInList.FindStringSubmatch(expr), reInList.FindStringSubmatch(prev)
	if n == nil || o == nil || !strings.EqualFold(n[1], o[1]) {
		return false
	}
	have := map[string]bool{}
	for _, v := range splitTopLevel(n[2]) {
		have[v] = true
	}
	for _, v := range splitTopLevel(o[2]) {
		if !have[v] {
			return false
		}
	}
	return true
}

// normalizeExpr drops outer parentheses and collapses white space.
func normalizeExpr(e string) string {
	e = strings.Join(strings.Fields(e), " ")
	for strings.HasPrefix(e, "(") && strings.HasSuffix(e, ")") && len(splitTopLevel(e[1:len(e)-1])) == 1 && balanced(e[1:len(e)-1]) {
		e = strings.TrimSpace(e[1 : len(e)-1])
	}
	return e
}

func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// splitTopLevel splits s at commas outside parentheses, the angle brackets
// of ARRAY<...> and STRUCT<...>, and quotes, trimming each part and dropping
// empty ones.
func splitTopLevel(s string) []string {
	var parts []string
	depth, angles, start := 0, 0, 0
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == '<' && (hasSuffixFold(s[:i], "ARRAY") || hasSuffixFold(s[:i], "STRUCT")):
			angles++
		case r == '>' && angles > 0:
			angles--
		case r == ',' && depth == 0 && angles == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	parts = append(parts, s[start:])
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// stripComments removes -- comments that follow code on a line
// (spanx.SplitDDL already drops comment lines).
func stripComments(stmt string) string {
	lines := strings.Split(stmt, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "--"); j >= 0 && strings.Count(l[:j], "'")%2 == 0 {
			lines[i] = l[:j]
		}
	}
	return strings.Join(lines, "\n")
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// The rule on planted migrations: the expand steps the repository uses
// pass, each kind of contract step fails.
func TestMigrations_ruleRejectsContractSteps(t *testing.T) {
	base := migrationFile{Path: "x/migrations/0001_base.sql", Version: 1, Statements: spanx.SplitDDL(`
CREATE TABLE Subs (
  Id STRING(36) NOT NULL,
  Status STRING(16) NOT NULL,
  Note STRING(100),
  Title STRING(100) NOT NULL,
  Amount INT64 NOT NULL DEFAULT (0),
  CONSTRAINT SubsStatusKnown CHECK (Status IN ('pending', 'active')),
) PRIMARY KEY (Id);
CREATE UNIQUE INDEX SubsByTitle ON Subs (Title);
CREATE INDEX SubsByStatus ON Subs (Status) STORING (Note);
CREATE TABLE Parents (Id STRING(36) NOT NULL) PRIMARY KEY (Id)`)}
	expand := []string{
		"CREATE TABLE Other (Id STRING(36) NOT NULL, N INT64 NOT NULL, CONSTRAINT OtherN CHECK (N > 0)) PRIMARY KEY (Id);\n" +
			"CREATE UNIQUE INDEX OtherByN ON Other (N);\nALTER TABLE Other ADD COLUMN M INT64 NOT NULL;\n" +
			"ALTER TABLE Other ADD CONSTRAINT OtherM CHECK (M > 0)",
		"CREATE TABLE IF NOT EXISTS Subs (Id STRING(36) NOT NULL) PRIMARY KEY (Id)",
		"ALTER TABLE Subs ADD COLUMN Shard INT64",
		"ALTER TABLE Subs ADD COLUMN Version INT64 NOT NULL DEFAULT (0)",
		"ALTER TABLE Subs ADD COLUMN Upper STRING(16) AS (UPPER(Status)) STORED",
		"CREATE NULL_FILTERED INDEX SubsDue ON Subs (Shard)",
		"ALTER INDEX SubsByStatus ADD STORED COLUMN Title",
		"ALTER TABLE Subs ADD ROW DELETION POLICY (OLDER_THAN(Ts, INTERVAL 30 DAY))",
		"ALTER TABLE Subs ALTER COLUMN Note STRING(200)",
		"ALTER TABLE Subs ALTER COLUMN Title STRING(MAX) NOT NULL",
		"ALTER TABLE Subs ALTER COLUMN Amount SET DEFAULT (1)",
		"ALTER TABLE Subs DROP CONSTRAINT SubsStatusKnown;\n" +
			"ALTER TABLE Subs ADD CONSTRAINT SubsStatusKnown CHECK (Status IN ('pending', 'active', 'past_due'))",
		"ALTER TABLE Subs RENAME TO Subscriptions, ADD SYNONYM Subs",
	}
	for i, ddl := range expand {
		f := migrationFile{Path: fmt.Sprintf("x/migrations/%04d_expand.sql", i+2), Version: int64(i + 2), Statements: spanx.SplitDDL(ddl)}
		if got := checkMigrations([]migrationFile{base, f}); len(got) > 0 {
			t.Errorf("expand step %q rejected: %+v", ddl, got)
		}
	}
	contract := map[string]string{
		"drop_column":         "ALTER TABLE Subs DROP COLUMN Note",
		"drop_table":          "DROP TABLE Parents",
		"drop_index":          "DROP INDEX SubsByStatus",
		"type_change":         "ALTER TABLE Subs ALTER COLUMN Amount STRING(20) NOT NULL",
		"shorter":             "ALTER TABLE Subs ALTER COLUMN Note STRING(50)",
		"not_null_added":      "ALTER TABLE Subs ALTER COLUMN Note STRING(100) NOT NULL",
		"not_null_dropped":    "ALTER TABLE Subs ALTER COLUMN Title STRING(100)",
		"drop_default":        "ALTER TABLE Subs ALTER COLUMN Amount DROP DEFAULT",
		"not_null_no_default": "ALTER TABLE Subs ADD COLUMN Region STRING(8) NOT NULL",
		"rename_table":        "ALTER TABLE Subs RENAME TO Subscriptions",
		"rename_table_stmt":   "RENAME TABLE Subs TO Subscriptions",
		"rename_column":       "ALTER TABLE Subs RENAME COLUMN Note TO Memo",
		"check_on_existing":   "ALTER TABLE Subs ADD CONSTRAINT NotePresent CHECK (Note IS NOT NULL)",
		"fk_on_existing":      "ALTER TABLE Subs ADD CONSTRAINT SubsParent FOREIGN KEY (Id) REFERENCES Parents (Id)",
		"unique_on_existing":  "CREATE UNIQUE INDEX SubsByNote ON Subs (Note)",
		"narrowed_check": "ALTER TABLE Subs DROP CONSTRAINT SubsStatusKnown;\n" +
			"ALTER TABLE Subs ADD CONSTRAINT SubsStatusKnown CHECK (Status IN ('active'))",
		"dropped_check":      "ALTER TABLE Subs DROP CONSTRAINT SubsStatusKnown",
		"on_delete":          "ALTER TABLE Subs SET ON DELETE NO ACTION",
		"drop_stored_column": "ALTER INDEX SubsByStatus DROP STORED COLUMN Note",
		"unknown_statement":  "CREATE VIEW V SQL SECURITY INVOKER AS SELECT Id FROM Subs",
	}
	for name, ddl := range contract {
		f := migrationFile{Path: "x/migrations/0002_" + name + ".sql", Version: 2, Statements: spanx.SplitDDL(ddl)}
		if got := checkMigrations([]migrationFile{base, f}); len(got) == 0 {
			t.Errorf("%s: contract step %q passed the rule", name, ddl)
		} else if got[0].Path != f.Path {
			t.Errorf("%s: blamed %s, want %s", name, got[0].Path, f.Path)
		}
	}

	// The same on files: a violating migration planted in a copy of a real
	// service's directory is found by path.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("subscribe/migrations")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "0099_drop_reason.sql"), []byte("ALTER TABLE Subscriptions DROP COLUMN Reason;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ms, err := spanx.LoadMigrations(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	var files []migrationFile
	for _, m := range ms {
		files = append(files, migrationFile{Path: fmt.Sprintf("%04d_%s.sql", m.Version, m.Name), Version: m.Version, Statements: m.Statements})
	}
	got := checkMigrations(files)
	if len(got) != 1 || got[0].Path != "0099_drop_reason.sql" {
		t.Errorf("planted DROP COLUMN: got %+v, want one violation in 0099_drop_reason.sql", got)
	}

	// An allowlist entry must name a release in the history that does not
	// hold the file yet.
	if err := shippedBefore("no-such-release-0000", "functions/subscribe/migrations/0001_subscriptions.sql"); err == nil {
		t.Error("an unknown release passed")
	}
	if err := shippedBefore("HEAD", "functions/subscribe/migrations/0001_subscriptions.sql"); err == nil {
		t.Error("a release that already holds the file passed")
	}
	if err := shippedBefore("HEAD", "functions/subscribe/migrations/0999_not_yet.sql"); err != nil {
		t.Errorf("a contract step after the release: %v", err)
	}
}
