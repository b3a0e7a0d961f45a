package spanx

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/spanner"
	sppb "cloud.google.com/go/spanner/apiv1/spannerpb"
	"google.golang.org/protobuf/types/known/structpb"
)

// A portable dump keeps a database's rows in files any tool can read, so a
// restore does not depend on Spanner's own backups (or on Google Cloud): one
// JSON Lines file per table, a row per line as a JSON array of the column
// values in Spanner's JSON encoding (INT64 and NUMERIC as strings,
// TIMESTAMP and DATE as RFC 3339 strings, BYTES as base64, NULL as null),
// described by a DatabaseDump (table, parent, columns with their Spanner
// types, row count, SHA-256 of the file).

// DatabaseDump describes one database's dump.
type DatabaseDump struct {
	Name string `json:"name"`
	// SchemaVersions are the migrations the database had (SchemaMigrations).
	SchemaVersions []int64     `json:"schema_versions"`
	Tables         []TableDump `json:"tables"`
}

// TableDump describes one table's file, relative to the dump directory.
type TableDump struct {
	Name    string       `json:"name"`
	Parent  string       `json:"parent,omitempty"`
	Columns []ColumnDump `json:"columns"`
	Rows    int64        `json:"rows"`
	File    string       `json:"file"`
	SHA256  string       `json:"sha256"`
}

// ColumnDump is a column and its Spanner type, e.g. STRING(MAX) or
// ARRAY<STRING(36)>.
type ColumnDump struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Progress hears how a dump or load is going: rows of table written so
// far, at most every progressRows rows and when the table is done. A nil
// Progress hears nothing.
type Progress func(table string, rows int64)

// progressRows is how many rows pass between two Progress calls.
const progressRows = 10000

func (p Progress) report(table string, rows int64) {
	if p != nil {
		p(table, rows)
	}
}

// Dump writes every table of the database c serves (SchemaMigrations aside)
// as of ts into dir/name/<Table>.jsonl, parents before their interleaved
// children, rows in primary key order, telling progress as it goes.
func Dump(ctx context.Context, c *spanner.Client, name string, ts time.Time, dir string, progress Progress) (DatabaseDump, error) {
	d := DatabaseDump{Name: name}
	ro := c.Single().WithTimestampBound(spanner.ReadTimestamp(ts))
	versions, err := Column[int64](ro.Query(ctx, spanner.Statement{SQL: "SELECT Version FROM SchemaMigrations ORDER BY Version"}))
	if err != nil {
		return d, fmt.Errorf("dump %s: schema versions: %w", name, err)
	}
	d.SchemaVersions = versions
	tables, err := schemaOf(ctx, c, ts)
	if err != nil {
		return d, fmt.Errorf("dump %s: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		return d, err
	}
	for _, t := range tables {
		t.File = name + "/" + t.Name + ".jsonl"
		if err := dumpTable(ctx, c, ts, &t, filepath.Join(dir, t.File), progress); err != nil {
			return d, fmt.Errorf("dump %s.%s: %w", name, t.Name, err)
		}
		progress.report(t.Name, t.Rows)
		d.Tables = append(d.Tables, t)
	}
	return d, nil
}

func dumpTable(ctx context.Context, c *spanner.Client, ts time.Time, t *TableDump, path string, progress Progress) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sum := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, sum), 1<<20)
	cols := t.columnNames()
	t.Rows = 0
	// Single-use reads at one timestamp: every table of every database
	// dumped with the same ts is one consistent snapshot.
	it := c.Single().WithTimestampBound(spanner.ReadTimestamp(ts)).Read(ctx, t.Name, spanner.AllKeys(), cols)
	err = Each(it, func(r *spanner.Row) error {
		vals := make([]any, len(cols))
		for i := range cols {
			var v spanner.GenericColumnValue
			if err := r.Column(i, &v); err != nil {
				return err
			}
			vals[i] = v.Value.AsInterface()
		}
		line, err := json.Marshal(vals)
		if err != nil {
			return err
		}
		t.Rows++
		if t.Rows%progressRows == 0 {
			progress.report(t.Name, t.Rows)
		}
		_, err = w.Write(append(line, '\n'))
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	t.SHA256 = hex.EncodeToString(sum.Sum(nil))
	return f.Close()
}

// CheckLoad checks that dump d, read from dir, can be loaded into the
// database c serves: every file against its row count and SHA-256, the
// target's schema (every migration of the dump applied, every dumped column
// there with the same type) and, unless resume, that every table is empty.
// It writes nothing.
func CheckLoad(ctx context.Context, c *spanner.Client, d DatabaseDump, dir string, resume bool) error {
	for _, t := range d.Tables {
		if err := verifyFile(filepath.Join(dir, t.File), t); err != nil {
			return fmt.Errorf("load %s.%s: %w", d.Name, t.Name, err)
		}
	}
	versions, err := Column[int64](c.Single().Query(ctx, spanner.Statement{SQL: "SELECT Version FROM SchemaMigrations"}))
	if err != nil {
		return fmt.Errorf("load %s: schema versions: %w", d.Name, err)
	}
	for _, v := range d.SchemaVersions {
		if !slices.Contains(versions, v) {
			return fmt.Errorf("load %s: the target lacks migration %04d of the dump: migrate it with the release that made the dump (or a later one)", d.Name, v)
		}
	}
	target, err := schemaOf(ctx, c, time.Time{})
	if err != nil {
		return fmt.Errorf("load %s: %w", d.Name, err)
	}
	for _, t := range d.Tables {
		i := slices.IndexFunc(target, func(x TableDump) bool { return x.Name == t.Name })
		if i < 0 {
			return fmt.Errorf("load %s: the target has no table %s", d.Name, t.Name)
		}
		for _, col := range t.Columns {
			if !slices.Contains(target[i].Columns, col) {
				return fmt.Errorf("load %s: the target's table %s has no column %s %s", d.Name, t.Name, col.Name, col.Type)
			}
		}
		if resume {
			continue
		}
		rows, err := Column[int64](c.Single().Query(ctx, spanner.Statement{SQL: "SELECT 1 FROM `" + t.Name + "` LIMIT 1"}))
		if err != nil {
			return fmt.Errorf("load %s.%s: %w", d.Name, t.Name, err)
		}
		if len(rows) > 0 {
			return fmt.Errorf("load %s: table %s is not empty: load into empty databases (or pass resume to complete a load that stopped)", d.Name, t.Name)
		}
	}
	return nil
}

// Load writes the rows of dump d, read from dir, into the database c serves,
// once CheckLoad has passed. Rows are written with insert-or-update in
// batches, parents first, so a load that stopped part way is completed by
// running it again (CheckLoad with resume). It tells progress as it goes.
func Load(ctx context.Context, c *spanner.Client, d DatabaseDump, dir string, progress Progress) error {
	for _, t := range d.Tables {
		if err := loadTable(ctx, c, t, filepath.Join(dir, t.File), progress); err != nil {
			return fmt.Errorf("load %s.%s: %w", d.Name, t.Name, err)
		}
		progress.report(t.Name, t.Rows)
	}
	return nil
}

// verifyFile checks a table file against its row count and SHA-256.
func verifyFile(path string, t TableDump) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sum := sha256.New()
	lines := int64(0)
	sc := bufio.NewScanner(io.TeeReader(f, sum))
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		lines++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != t.SHA256 || lines != t.Rows {
		return fmt.Errorf("%s does not match the manifest (%d rows, SHA-256 %s; want %d rows, %s): the dump is damaged", path, lines, got, t.Rows, t.SHA256)
	}
	return nil
}

// maxCellsPerCommit keeps a batch well under Spanner's 80,000 mutations per
// commit (each written cell, and each index entry, counts).
const maxCellsPerCommit = 20000

func loadTable(ctx context.Context, c *spanner.Client, t TableDump, path string, progress Progress) error {
	types := make([]*sppb.Type, len(t.Columns))
	for i, col := range t.Columns {
		typ, err := parseType(col.Type)
		if err != nil {
			return fmt.Errorf("column %s: %w", col.Name, err)
		}
		types[i] = typ
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cols := t.columnNames()
	perBatch := max(1, maxCellsPerCommit/len(cols))
	var batch []*spanner.Mutation
	loaded := int64(0)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := Apply(ctx, c, batch...)
		loaded += int64(len(batch))
		batch = batch[:0]
		if err == nil {
			progress.report(t.Name, loaded)
		}
		return err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		var raw []any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil || len(raw) != len(cols) {
			return fmt.Errorf("line %d: not a row of %d values", line, len(cols))
		}
		vals := make([]any, len(cols))
		for i, r := range raw {
			v, err := structpb.NewValue(r)
			if err != nil {
				return fmt.Errorf("line %d, column %s: %w", line, cols[i], err)
			}
			vals[i] = spanner.GenericColumnValue{Type: types[i], Value: v}
		}
		batch = append(batch, spanner.InsertOrUpdate(t.Name, cols, vals))
		if len(batch) >= perBatch {
			if err := flush(); err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return flush()
}

func (t TableDump) columnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// schemaOf lists the database's tables (SchemaMigrations aside), parents
// before their children, with their stored columns; as of ts unless zero.
func schemaOf(ctx context.Context, c *spanner.Client, ts time.Time) ([]TableDump, error) {
	ro := c.Single()
	if !ts.IsZero() {
		ro = ro.WithTimestampBound(spanner.ReadTimestamp(ts))
	}
	var tables []TableDump
	err := Each(ro.Query(ctx, spanner.Statement{SQL: `SELECT TABLE_NAME, IFNULL(PARENT_TABLE_NAME, '')
		FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '' AND TABLE_NAME != 'SchemaMigrations' ORDER BY TABLE_NAME`}),
		func(r *spanner.Row) error {
			var t TableDump
			if err := r.Columns(&t.Name, &t.Parent); err != nil {
				return err
			}
			tables = append(tables, t)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	ro = c.Single()
	if !ts.IsZero() {
		ro = ro.WithTimestampBound(spanner.ReadTimestamp(ts))
	}
	err = Each(ro.Query(ctx, spanner.Statement{SQL: `SELECT TABLE_NAME, COLUMN_NAME, SPANNER_TYPE
		FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = '' AND IFNULL(IS_GENERATED, 'NEVER') = 'NEVER'
		ORDER BY TABLE_NAME, ORDINAL_POSITION`}),
		func(r *spanner.Row) error {
			var table string
			var col ColumnDump
			if err := r.Columns(&table, &col.Name, &col.Type); err != nil {
				return err
			}
			if i := slices.IndexFunc(tables, func(t TableDump) bool { return t.Name == table }); i >= 0 {
				tables[i].Columns = append(tables[i].Columns, col)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	return parentsFirst(tables), nil
}

// parentsFirst orders tables so that every parent comes before its
// interleaved children (by depth, then name).
func parentsFirst(tables []TableDump) []TableDump {
	depth := func(t TableDump) int {
		n := 0
		for p := t.Parent; p != "" && n < len(tables); n++ {
			i := slices.IndexFunc(tables, func(x TableDump) bool { return x.Name == p })
			if i < 0 {
				break
			}
			p = tables[i].Parent
		}
		return n
	}
	slices.SortStableFunc(tables, func(a, b TableDump) int {
		if da, db := depth(a), depth(b); da != db {
			return da - db
		}
		return strings.Compare(a.Name, b.Name)
	})
	return tables
}

// parseType turns a Spanner column type (INFORMATION_SCHEMA's SPANNER_TYPE)
// into its protocol type.
func parseType(s string) (*sppb.Type, error) {
	s = strings.TrimSpace(s)
	if inner, ok := strings.CutPrefix(s, "ARRAY<"); ok && strings.HasSuffix(inner, ">") {
		elem, err := parseType(strings.TrimSuffix(inner, ">"))
		if err != nil {
			return nil, err
		}
		return &sppb.Type{Code: sppb.TypeCode_ARRAY, ArrayElementType: elem}, nil
	}
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i] // STRING(MAX), BYTES(36)
	}
	code, ok := map[string]sppb.TypeCode{
		"BOOL": sppb.TypeCode_BOOL, "INT64": sppb.TypeCode_INT64, "FLOAT64": sppb.TypeCode_FLOAT64,
		"FLOAT32": sppb.TypeCode_FLOAT32, "TIMESTAMP": sppb.TypeCode_TIMESTAMP, "DATE": sppb.TypeCode_DATE,
		"STRING": sppb.TypeCode_STRING, "BYTES": sppb.TypeCode_BYTES, "NUMERIC": sppb.TypeCode_NUMERIC,
		"JSON": sppb.TypeCode_JSON,
	}[s]
	if !ok {
		return nil, fmt.Errorf("column type %q is not supported by the portable dump", s)
	}
	return &sppb.Type{Code: code}, nil
}
