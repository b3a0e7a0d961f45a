package gcsfake

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// browserHeaders are the request headers a browser sends to a signed upload
// URL (the Content service signs them) besides those fake-gcs-server allows
// already: a cross-origin request with them is preflighted, and the
// preflight must allow them, as the bucket's CORS configuration does in the
// cloud.
var browserHeaders = []string{"Content-Disposition", "X-Goog-If-Generation-Match", "X-Goog-Content-Length-Range",
	"X-Goog-Hash", "X-Goog-Resumable", "X-Goog-Content-Sha256", "Content-Md5"}

// browserUploads makes resumable sessions behave for a browser as Cloud
// Storage's do, where fake-gcs-server differs:
//   - a status query (PUT with Content-Range: bytes */SIZE and no body),
//     which a client sends to learn how much a session holds after a
//     dropped connection, is answered 308 with Range: bytes=0-N (or without
//     Range when nothing arrived), or 200 once the upload is complete; the
//     fake would instead complete the upload with what it has;
//   - the Range header of a 308 is exposed to cross-origin scripts
//     (Access-Control-Expose-Headers), as the bucket's CORS configuration
//     exposes it.
//
// It learns what each session holds from the answers to its chunks.
func browserUploads(next http.Handler) http.Handler {
	var (
		mu       sync.Mutex
		received = map[string]int64{} // session -> last byte stored (inclusive)
		done     = map[string]bool{}
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("upload_id")
		if id == "" && strings.HasPrefix(r.URL.Path, "/upload/resumable/") {
			id = strings.TrimPrefix(r.URL.Path, "/upload/resumable/")
		}
		if id == "" || r.Method != http.MethodPut {
			next.ServeHTTP(exposeRange(w), r)
			return
		}
		if cr := r.Header.Get("Content-Range"); strings.HasPrefix(cr, "bytes */") && r.ContentLength <= 0 {
			if o := r.Header.Get("Origin"); o != "" {
				w.Header().Set("Access-Control-Allow-Origin", "*")
				w.Header().Set("Access-Control-Expose-Headers", "Location, Range")
			}
			mu.Lock()
			last, got := received[id]
			complete := done[id]
			mu.Unlock()
			switch {
			case complete:
				w.WriteHeader(http.StatusOK)
			case got:
				w.Header().Set("Range", "bytes=0-"+strconv.FormatInt(last, 10))
				w.WriteHeader(http.StatusPermanentRedirect)
			default:
				w.WriteHeader(http.StatusPermanentRedirect)
			}
			return
		}
		rec := &recorder{ResponseWriter: exposeRange(w)}
		next.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case rec.status == http.StatusOK || rec.status == http.StatusCreated:
			done[id] = true
		case rec.status == http.StatusPermanentRedirect:
			if n, ok := strings.CutPrefix(rec.Header().Get("Range"), "bytes=0-"); ok {
				if last, err := strconv.ParseInt(n, 10, 64); err == nil {
					received[id] = last
				}
			}
		}
	})
}

// recorder notes the status a handler answers with.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// exposeRange adds Range to the headers a cross-origin script may read
// when the response exposes any.
func exposeRange(w http.ResponseWriter) http.ResponseWriter { return &exposing{ResponseWriter: w} }

type exposing struct {
	http.ResponseWriter
	wrote bool
}

func (e *exposing) WriteHeader(code int) {
	if !e.wrote {
		e.wrote = true
		h := e.Header()
		if v := h.Get("Access-Control-Expose-Headers"); v != "" && !strings.Contains(strings.ToLower(v), "range") {
			h.Set("Access-Control-Expose-Headers", v+", Range")
		}
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e *exposing) Write(b []byte) (int, error) {
	if !e.wrote {
		e.WriteHeader(http.StatusOK)
	}
	return e.ResponseWriter.Write(b)
}
