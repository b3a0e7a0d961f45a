package content

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/kwipper/kwipper/functions/content/stream"
	"github.com/kwipper/kwipper/shared/errs"
)

// objectStore is what the service needs of the media bucket.
type objectStore interface {
	// inspect reads up to sniffLen first bytes of generation gen of object
	// name and, when withSHA, the SHA-256 of all its bytes. A missing
	// object is errs.NotFound.
	inspect(ctx context.Context, name string, gen int64, withSHA bool) (head, sum []byte, err error)
	// delete removes generation gen of object name (the live object when
	// gen is 0). An object already gone is no error.
	delete(ctx context.Context, name string, gen int64) error
	// deleteLadder removes every object under prefix, the output prefix of
	// a ladder (it must end in stream.OutputSuffix + "/"), and reports how
	// many it removed. Objects already gone are no error.
	deleteLadder(ctx context.Context, prefix string) (int, error)
}

// gcsObjects is objectStore on a Cloud Storage bucket.
type gcsObjects struct {
	bucket *storage.BucketHandle
}

// newStorageClient opens a Cloud Storage client: on fake-gcs-server at
// emulatorHost (host:port) when set, else with the default credentials.
func newStorageClient(ctx context.Context, emulatorHost string) (*storage.Client, error) {
	var opts []option.ClientOption
	if emulatorHost != "" {
		opts = append(opts, option.WithEndpoint("http://"+emulatorHost+"/storage/v1/"), option.WithoutAuthentication())
	}
	c, err := storage.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("content: storage client: %w", err)
	}
	return c, nil
}

func (g gcsObjects) object(name string, gen int64) *storage.ObjectHandle {
	o := g.bucket.Object(name)
	if gen > 0 {
		o = o.Generation(gen)
	}
	return o
}

func (g gcsObjects) inspect(ctx context.Context, name string, gen int64, withSHA bool) ([]byte, []byte, error) {
	length := int64(sniffLen)
	if withSHA {
		length = -1
	}
	r, err := g.object(name, gen).NewRangeReader(ctx, 0, length)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, nil, errs.Wrap(errs.NotFound, err, "object "+name+" is gone")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("contentobj.inspect %s: %w", name, err)
	}
	defer r.Close()
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("contentobj.inspect %s: %w", name, err)
	}
	head = head[:n]
	if !withSHA {
		return head, nil, nil
	}
	h := sha256.New()
	h.Write(head)
	if _, err := io.Copy(h, r); err != nil {
		return nil, nil, fmt.Errorf("contentobj.inspect %s: %w", name, err)
	}
	return head, h.Sum(nil), nil
}

func (g gcsObjects) delete(ctx context.Context, name string, gen int64) error {
	err := g.object(name, gen).Delete(ctx)
	if err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return fmt.Errorf("contentobj.delete %s#%d: %w", name, gen, err)
	}
	return nil
}

func (g gcsObjects) deleteLadder(ctx context.Context, prefix string) (int, error) {
	if !strings.HasSuffix(prefix, stream.OutputSuffix+"/") || strings.Count(prefix, "/") < 2 {
		return 0, fmt.Errorf("contentobj.deleteLadder: %q is not a ladder's output prefix", prefix)
	}
	n := 0
	it := g.bucket.Objects(ctx, &storage.Query{Prefix: prefix})
	for {
		attrs, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("contentobj.deleteLadder %s: %w", prefix, err)
		}
		if err := g.bucket.Object(attrs.Name).Delete(ctx); err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
			return n, fmt.Errorf("contentobj.deleteLadder %s: %w", attrs.Name, err)
		}
		n++
	}
}
