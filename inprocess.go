package fakeshift

import (
	"net/http"

	"github.com/fakeshift/fakeshift/s3fake"
)

// frontDoorTransport sends HTTP requests to the front door in process, as if they had come
// from 127.0.0.1: the seed makes its buckets and clusters with signed AWS SDK calls through
// it, so that they take the path (signature, authorisation, CloudTrail record) a client's
// calls take. Responses are buffered whole.
type frontDoorTransport struct{ h http.Handler }

func (t frontDoorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return s3fake.ServeInProcess(t.h, req), nil
}
