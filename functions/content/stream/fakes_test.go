package stream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// memObjects is an in-memory bucket: ObjectReader and ObjectWriter.
type memObjects struct {
	mu      sync.Mutex
	objects map[string]memObject
	order   []string // names in the order written
}

type memObject struct {
	data        []byte
	contentType string
}

func newMemObjects() *memObjects { return &memObjects{objects: map[string]memObject{}} }

func (m *memObjects) put(name, contentType string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[name] = memObject{data: data, contentType: contentType}
	m.order = append(m.order, name)
}

func (m *memObjects) get(name string) (memObject, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objects[name]
	return o, ok
}

func (m *memObjects) names(prefix string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ns []string
	for n := range m.objects {
		if strings.HasPrefix(n, prefix) {
			ns = append(ns, n)
		}
	}
	sort.Strings(ns)
	return ns
}

func (m *memObjects) written() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.order...)
}

func (m *memObjects) OpenObject(_ context.Context, name string) (Object, error) {
	o, ok := m.get(name)
	if !ok {
		return nil, fmt.Errorf("object %s: %w", name, fs.ErrNotExist)
	}
	return memReader{bytes.NewReader(o.data)}, nil
}

func (m *memObjects) WriteObject(ctx context.Context, name, contentType string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.put(name, contentType, b)
	return nil
}

type memReader struct{ *bytes.Reader }

func (memReader) Close() error { return nil }

// loadDir puts every file under dir into m under prefix.
func (m *memObjects) loadDir(t *testing.T, dir, prefix string, files []string) {
	t.Helper()
	for _, f := range files {
		b := readFile(t, filepath.Join(dir, filepath.FromSlash(f)))
		m.put(prefix+f, ContentType(f), b)
	}
}

// memNotifier records notifications; the first failures calls fail.
type memNotifier struct {
	mu       sync.Mutex
	payloads [][]byte
	failures int
	calls    int
}

func (n *memNotifier) Notify(_ context.Context, payload []byte) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.calls++
	if n.calls <= n.failures {
		return fmt.Errorf("pubsub unavailable (attempt %d)", n.calls)
	}
	n.payloads = append(n.payloads, append([]byte(nil), payload...))
	return nil
}

// results decodes what was published.
func (n *memNotifier) results(t *testing.T) []JobResult {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	var rs []JobResult
	for _, p := range n.payloads {
		r, err := DecodeNotification(p)
		if err != nil {
			t.Fatalf("published payload %s does not decode: %v", p, err)
		}
		rs = append(rs, r)
	}
	return rs
}
