package s3fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/fakeshift/fakeshift/auth"
)

// Transport returns an http.RoundTripper that serves S3 requests in process: the AWS SDK
// S3 client of an AWS service (Redshift's log delivery, CloudTrail) sends through it,
// unsigned, with the service principal in the request context (auth.WithPrincipal), and
// s3fake evaluates that principal exactly as it evaluates a signed HTTP request. Only
// requests made through this transport can act as a service principal.
//
// Responses are buffered whole: the transport is for uploads and small reads.
func (s *S3) Transport() http.RoundTripper { return inProcess{s} }

type inProcess struct{ s *S3 }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	p, ok := auth.PrincipalFrom(req.Context())
	if !ok {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errors.New("s3fake: in-process request without a principal (use auth.WithPrincipal)")
	}
	return ServeInProcess(t.s, req.WithContext(context.WithValue(req.Context(), inProcessKey{}, p))), nil
}

// ServeInProcess serves req with h without a network, as if it came from 127.0.0.1, and
// returns the response, buffered whole. The response's Request is req.
func ServeInProcess(h http.Handler, req *http.Request) *http.Response {
	r := req.Clone(req.Context())
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	r.RemoteAddr = "127.0.0.1:0"
	r.RequestURI = req.URL.RequestURI()
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := newCapture()
	h.ServeHTTP(rec, r)
	r.Body.Close()
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status)),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		ContentLength: int64(rec.body.Len()),
		Request:       req,
	}
}
