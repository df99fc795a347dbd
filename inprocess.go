package fakeshift

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// frontDoorTransport sends HTTP requests to the front door in process, as if they had come
// from 127.0.0.1: the seed makes its buckets and clusters with signed AWS SDK calls through
// it, so that they take the path (signature, authorisation, CloudTrail record) a client's
// calls take. Responses are buffered whole.
type frontDoorTransport struct{ h http.Handler }

func (t frontDoorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	r.RemoteAddr = "127.0.0.1:0"
	r.RequestURI = req.URL.RequestURI()
	if r.Body == nil {
		r.Body = http.NoBody
	}
	w := &capture{header: http.Header{}}
	t.h.ServeHTTP(w, r)
	r.Body.Close()
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// capture is the ResponseWriter of an in-process request.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(p)
}
