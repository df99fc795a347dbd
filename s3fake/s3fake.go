package s3fake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/s3fake/objects"
	"github.com/fakeshift/fakeshift/store"
)

// Config configures New. Store and Directory are required; zero values of the rest are
// documented per field.
type Config struct {
	// Store is the database; s3fake works in its "s3" key space.
	Store *store.DB
	// Directory holds the accounts and keys requests are signed with.
	Directory *auth.Directory
	// Region is the endpoint's region: the region of buckets created without a
	// LocationConstraint. Empty means us-east-1.
	Region string
	// HostBases are the host names under which virtual-host-style requests name their
	// bucket (bucket.localhost). Empty means "localhost" and "s3.localhost".
	HostBases []string
	// Clock stamps objects and refusals. Nil means the real clock. SigV4 checks always use
	// the wall clock.
	Clock clock.Clock
	// Logger receives errors s3fake could not classify. Nil means slog.Default().
	Logger *slog.Logger
	// MaxRefusals is how many refusals Refusals keeps. Zero means 1000.
	MaxRefusals int
}

// S3 is the S3 endpoint: an http.Handler for signed requests, and an in-process transport
// for service principals.
type S3 struct {
	cfg      Config
	log      *slog.Logger
	backend  *objects.Backend
	fake     http.Handler // gofakes3 over backend, for the object and listing calls
	verifier *auth.Verifier

	attrsMu sync.RWMutex // held to change a bucket's attributes, shared to cache them
	attrs   sync.Map     // bucket name -> *bucketAttrs

	mu       sync.Mutex
	faults   map[string][]*Fault // by bucket; "" applies to every bucket
	refusals []Refusal
}

// New builds the endpoint. It does no network I/O; it sweeps the store of object data a
// crash left half-written.
func New(cfg Config) (*S3, error) {
	if cfg.Store == nil || cfg.Directory == nil {
		return nil, errors.New("s3fake: Store and Directory are required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if len(cfg.HostBases) == 0 {
		cfg.HostBases = []string{"localhost", "s3.localhost"}
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxRefusals == 0 {
		cfg.MaxRefusals = 1000
	}
	log := cfg.Logger.With("subsystem", "s3")
	backend, err := objects.New(cfg.Store.Space("s3"), objects.Options{Clock: cfg.Clock, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("s3fake: open object store: %w", err)
	}
	fake := gofakes3.New(backend,
		gofakes3.WithTimeSource(timeSource{cfg.Clock}),
		gofakes3.WithTimeSkewLimit(0), // auth checks the skew, against the wall clock
	)
	return &S3{
		cfg:      cfg,
		log:      log,
		backend:  backend,
		fake:     objects.MultipartETags(fake.Server()),
		verifier: auth.NewVerifier(cfg.Directory),
		faults:   map[string][]*Fault{},
	}, nil
}

// timeSource gives gofakes3 the injected clock.
type timeSource struct{ c clock.Clock }

func (t timeSource) Now() time.Time                   { return t.c.Now() }
func (t timeSource) Since(at time.Time) time.Duration { return t.c.Now().Sub(at) }

// call is one request on its way through the endpoint.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	reqID string

	bucket, key string
	principal   auth.Principal
	scope       auth.Scope
	inProcess   bool
	op          *operation

	// attrs is the bucket's configuration, nil when the bucket does not exist.
	attrs *bucketAttrs

	// onRouted, when set, is told once the signature is verified and the operation and
	// bucket are known, before the call is authorised and run.
	onRouted func()
}

type inProcessKey struct{}

// ServeHTTP serves one S3 request: identify the caller, route the operation (every
// sub-resource first), load the bucket, authorise, apply injected faults, run.
func (s *S3) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.Serve(w, r) }

func (s *S3) serve(c *call) error {
	r := c.r
	c.bucket, c.key = s.split(r)
	if p, ok := r.Context().Value(inProcessKey{}).(auth.Principal); ok {
		c.principal, c.inProcess = p, true
	} else {
		p, scope, err := s.verifier.Verify(r, time.Now())
		if err != nil {
			return err
		}
		c.principal, c.scope = p, scope
	}
	op, err := route(r.Method, c.bucket, c.key, r.URL.Query())
	if err != nil {
		return err
	}
	c.op = op
	if c.bucket != "" && op.name != opCreateBucket {
		attrs, err := s.loadBucket(c.bucket)
		if err != nil {
			return err
		}
		c.attrs = attrs
	}
	if c.onRouted != nil {
		c.onRouted()
	}
	if op.needsBucket && c.attrs == nil {
		return errNoSuchBucket.withBucket(c.bucket)
	}
	if err := s.checkExpectedOwner(c); err != nil {
		return err
	}
	if err := s.authorize(c, op.action, c.resourceARN()); err != nil {
		return err
	}
	if err := s.applyFault(c); err != nil {
		return err
	}
	return op.run(s, c)
}

func (c *call) opName() string {
	if c.op == nil {
		return ""
	}
	return c.op.name
}

// resourceARN is the ARN the operation acts on: the object, the bucket, or "*" for calls
// on the service (ListBuckets).
func (c *call) resourceARN() string {
	switch {
	case c.bucket == "":
		return "*"
	case c.op != nil && c.op.object:
		return "arn:aws:s3:::" + c.bucket + "/" + c.key
	default:
		return "arn:aws:s3:::" + c.bucket
	}
}

// split returns the bucket and key a request names, path-style (/bucket/key) or
// virtual-host-style (bucket.localhost/key).
func (s *S3) split(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	path := strings.TrimPrefix(r.URL.Path, "/")
	for _, base := range s.cfg.HostBases {
		if b, ok := strings.CutSuffix(host, "."+base); ok && b != "" {
			return b, path
		}
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// checkExpectedOwner answers the x-amz-expected-bucket-owner header: a bucket owned by
// another account is AccessDenied.
func (s *S3) checkExpectedOwner(c *call) error {
	want := c.r.Header.Get("x-amz-expected-bucket-owner")
	if want == "" || c.attrs == nil || c.attrs.Owner == want {
		return nil
	}
	return fmt.Errorf("expected bucket owner %s, bucket owned by %s: %w", want, c.attrs.Owner, errAccessDenied)
}

// fakeServe runs r, a request of the call made by cleanRequest, through gofakes3 in
// path-style form (gofakes3 knows no virtual-host style), writing to w: c.w, or a capture
// s3fake answers from. The request id comes from the countingWriter of c.w, which
// replaces gofakes3's own numbering.
func (s *S3) fakeServe(w http.ResponseWriter, c *call, r *http.Request) {
	r.URL.Path = "/" + c.bucket
	if c.key != "" {
		r.URL.Path += "/" + c.key
	}
	r.URL.RawPath = ""
	s.fake.ServeHTTP(w, r)
}

// pass serves a call through gofakes3 as it came, but for the headers cleanRequest drops.
func (s *S3) pass(c *call) error {
	s.fakeServe(c.w, c, cleanRequest(c, nil, nil))
	return nil
}

// newRequestID returns an id in S3's form: 16 upper-case hex digits.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// hostID is the x-amz-id-2 / HostId of a request: opaque base64, derived from its id.
func hostID(reqID string) string {
	return base64.StdEncoding.EncodeToString([]byte("fakeshift/" + reqID + "/" + reqID))
}
