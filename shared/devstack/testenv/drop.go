package testenv

import (
	"context"

	"cloud.google.com/go/spanner/admin/database/apiv1/databasepb"

	"github.com/kwipper/kwipper/shared/spanx"
)

func dropDatabase(ctx context.Context, a *spanx.Admin, path string) error {
	return a.DB.DropDatabase(ctx, &databasepb.DropDatabaseRequest{Database: path})
}
