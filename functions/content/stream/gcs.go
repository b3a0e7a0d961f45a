package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"

	"cloud.google.com/go/storage"
)

// GCS is ObjectReader and ObjectWriter on a Cloud Storage bucket (or
// fake-gcs-server locally).
type GCS struct {
	Bucket *storage.BucketHandle
}

// OpenObject implements ObjectReader: one metadata request, then a ranged
// read per ReadAt, all of the generation live at open. The returned object
// reads with ctx: it must stay live while the object is used.
func (g GCS) OpenObject(ctx context.Context, name string) (Object, error) {
	o := g.Bucket.Object(name)
	attrs, err := o.Attrs(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, fmt.Errorf("stream.GCS: %s: %w", name, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("stream.GCS: %s: %w", name, err)
	}
	return &gcsObject{ctx: ctx, o: o.Generation(attrs.Generation), size: attrs.Size, name: name}, nil
}

type gcsObject struct {
	ctx  context.Context
	o    *storage.ObjectHandle
	size int64
	name string
}

func (g *gcsObject) Size() int64  { return g.size }
func (g *gcsObject) Close() error { return nil }

func (g *gcsObject) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("stream.GCS: %s: negative offset", g.name)
	}
	if off >= g.size {
		return 0, io.EOF
	}
	n := min(int64(len(p)), g.size-off)
	r, err := g.o.NewRangeReader(g.ctx, off, n)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return 0, fmt.Errorf("stream.GCS: %s: %w", g.name, fs.ErrNotExist)
	}
	if err != nil {
		return 0, fmt.Errorf("stream.GCS: %s: %w", g.name, err)
	}
	defer r.Close()
	got, err := io.ReadFull(r, p[:n])
	if err != nil {
		return got, fmt.Errorf("stream.GCS: %s at %d: %w", g.name, off, err)
	}
	if got < len(p) {
		return got, io.EOF
	}
	return got, nil
}

// WriteObject implements ObjectWriter, with the Cache-Control that
// delivery wants (CacheControl) stored on the object, so that Cloud
// Storage and Cloud CDN serve it with that header.
func (g GCS) WriteObject(ctx context.Context, name, contentType string, r io.Reader) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // an unclosed writer is abandoned, not committed
	w := g.Bucket.Object(name).NewWriter(ctx)
	w.ContentType = contentType
	w.CacheControl = CacheControl(path.Base(name))
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("stream.GCS: write %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("stream.GCS: write %s: %w", name, err)
	}
	return nil
}
