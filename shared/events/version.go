package events

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/spanx"
)

// Pub/Sub does not keep order, so an event a projection must not apply
// backwards carries its version (the producer numbers its changes), and the
// projection keeps the version it applied.

// Newer reports whether an event of version is newer than the version a
// projection applied; an event without a version (0) always applies.
func Newer(version, applied int64) bool { return version == 0 || version > applied }

// Stale reports whether an event of version is not Newer than what the row
// at key of table recorded in column (a nullable INT64). A missing row, or
// one without a version, has applied nothing.
func Stale(ctx context.Context, tx *spanx.Tx, table string, key spanner.Key, column string, version int64) (bool, error) {
	row, err := tx.ReadRow(ctx, table, key, []string{column})
	if spanx.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var applied spanner.NullInt64
	if err := row.Columns(&applied); err != nil {
		return false, err
	}
	return !Newer(version, applied.Int64), nil
}
