package web

import (
	"bytes"
	"compress/gzip"
)

// gzipBytes compresses b at the best level (once per instance, so the
// bytes sent are as small as they get; Cloud CDN keeps the encoded copy).
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
