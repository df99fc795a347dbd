package objects

import (
	"net/http"
	"regexp"
)

// MultipartETagHeader is the entry GetObject and HeadObject add to the Object.Metadata of
// an object completed from a multipart upload: its ETag in S3's form, "<md5>-<parts>" in
// quotes, as CompleteMultipartUpload returned it and ListBucket lists it.
//
// gofakes3 writes the ETag header of a GET or HEAD itself, from Object.Hash, which holds
// bytes: it cannot say "-<parts>". MultipartETags, around gofakes3's handler, moves this
// entry into the ETag header. Without it, a GET or HEAD answers the ETag without
// "-<parts>", and this header besides.
const MultipartETagHeader = "X-Fakeshift-Multipart-Etag"

// MultipartETags wraps gofakes3's handler (gofakes3.New(backend).Server()) so that a GET
// or HEAD of an object completed from a multipart upload answers the ETag S3 does, the one
// CompleteMultipartUpload returned: it moves MultipartETagHeader into the ETag header of the
// response. It also lets an If-None-Match with such an ETag match: gofakes3 compares it to
// the ETag it makes, without "-<parts>".
func MultipartETags(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		if v := r.Header.Get("If-None-Match"); v != "" {
			if m := multipartETag.FindStringSubmatch(v); m != nil {
				r = r.Clone(r.Context())
				r.Header.Set("If-None-Match", `"`+m[1]+`"`)
			}
		}
		ew := &etagWriter{ResponseWriter: w}
		h.ServeHTTP(ew, r)
		ew.fix() // a HEAD answered 200 writes no header itself: the server sends them after
	})
}

var multipartETag = regexp.MustCompile(`^"?([0-9a-fA-F]{32})-[0-9]+"?$`)

type etagWriter struct {
	http.ResponseWriter
	fixed bool
}

func (w *etagWriter) fix() {
	if w.fixed {
		return
	}
	w.fixed = true
	h := w.Header()
	if v := h.Get(MultipartETagHeader); v != "" {
		h.Set("ETag", v)
	}
	h.Del(MultipartETagHeader)
}

func (w *etagWriter) WriteHeader(status int) {
	w.fix()
	w.ResponseWriter.WriteHeader(status)
}

func (w *etagWriter) Write(p []byte) (int, error) {
	w.fix()
	return w.ResponseWriter.Write(p)
}

// Flush flushes the underlying writer, when it can.
func (w *etagWriter) Flush() {
	w.fix()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *etagWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
