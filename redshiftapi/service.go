package redshiftapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/cluster"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

// Runtime runs the clusters the API makes: it listens for them and builds them with the
// process's store, engine and TLS (package fakeshift implements it).
type Runtime interface {
	// StartCluster builds and serves a cluster; port is the one asked for (restart: the one
	// it had before a restart), and the port it listens on comes back.
	StartCluster(ctx context.Context, spec cluster.Spec, port int, restart bool) (*cluster.Cluster, int, error)
	// StopCluster ends a cluster StartCluster started.
	StopCluster(ctx context.Context, id string) error
	// ClusterByID returns a running cluster, the default one included, and its port.
	ClusterByID(id string) (*cluster.Cluster, int, bool)
	// DeleteClusterData removes what a stopped cluster kept (store and engine files).
	DeleteClusterData(id string) error
}

// BucketChecker is what EnableLogging asks of S3 beside a real GetBucketAcl: the facts S3
// tells a service outside any policy, and a dry run of PutObject's authorisation (s3fake
// implements it).
type BucketChecker interface {
	BucketFacts(bucket string) (s3fake.Facts, error)
	Authorize(p auth.Principal, bucket, action, resource string, header http.Header) error
}

// Config configures New. Every field but Logger and Clock is required.
type Config struct {
	Store     *store.DB
	Directory *auth.Directory
	AccountID string
	Region    string
	// AdvertiseHost is the host name reported in cluster endpoints.
	AdvertiseHost string
	Runtime       Runtime
	// S3 is an AWS SDK S3 client whose transport reaches fakeshift's S3 in process; calls
	// carry the acting service principal in their context.
	S3      *s3.Client
	Buckets BucketChecker
	// DefaultCluster is the binary's own cluster, shown by DescribeClusters.
	DefaultCluster DefaultCluster
	Clock          clock.Clock
	Logger         *slog.Logger
}

// DefaultCluster describes the cluster the binary starts with.
type DefaultCluster struct {
	ID, Database, MasterUser string
	RequireSSL               bool
}

// API serves the Redshift Query API and STS GetCallerIdentity.
type API struct {
	cfg      Config
	log      *slog.Logger
	verifier *auth.Verifier
	space    *store.Space

	mu sync.Mutex // serialises changes of clusters and parameter groups

	deliverMu sync.Mutex // serialises deliveries
	stop      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// New builds the service and starts the clusters made through it before a restart (with
// their applied parameters and logging configuration).
func New(ctx context.Context, cfg Config) (*API, error) {
	if cfg.Store == nil || cfg.Directory == nil || cfg.Runtime == nil || cfg.S3 == nil || cfg.Buckets == nil {
		return nil, errors.New("redshiftapi: Store, Directory, Runtime, S3 and Buckets are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &API{cfg: cfg, log: cfg.Logger.With("subsystem", "redshiftapi"), verifier: auth.NewVerifier(cfg.Directory),
		space: cfg.Store.Space("redshiftapi"), stop: make(chan struct{})}
	if err := s.restore(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// STS serves the STS calls fakeshift answers (GetCallerIdentity, which SDKs and Terraform
// call first).
func (s *API) STS() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, STS) })
}

func (s *API) serve(w http.ResponseWriter, r *http.Request, svc Service) (out Outcome) {
	out.RequestID = newRequestID()
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("Redshift API request panicked", "panic", v)
			out.Err = InternalFailure()
			svc.WriteError(w, out.RequestID, out.Err)
		}
	}()
	result, err := s.handle(r, svc, &out)
	if err != nil {
		e := AsError(err)
		if e.Code == CodeInternalFailure {
			s.log.Error("Redshift API request failed", "action", out.Action, "err", err)
		}
		out.Err = e
		svc.WriteError(w, out.RequestID, e)
		return out
	}
	out.Result = result
	if err := svc.WriteResult(w, out.Action, out.RequestID, result); err != nil {
		s.log.Debug("write response", "action", out.Action, "err", err)
	}
	return out
}

// call is one request: who makes it and its parameters.
type call struct {
	ctx       context.Context
	principal auth.Principal
	p         Params
	reqID     string
}

func (s *API) handle(r *http.Request, svc Service, out *Outcome) (any, error) {
	principal, _, err := s.verifier.Verify(r, time.Now())
	if err != nil {
		return nil, authError(err)
	}
	p, perr := ParseRequest(r)
	if perr != nil {
		return nil, perr
	}
	handlers := redshiftHandlers
	if svc.Namespace == STS.Namespace {
		handlers = stsHandlers
	}
	action, aerr := svc.Action(p, func(a string) bool { _, ok := handlers[a]; return ok })
	out.Action = action
	if aerr != nil {
		return nil, aerr
	}
	if principal.IsAnonymous() {
		return nil, MissingAuthenticationToken()
	}
	out.Principal, out.Authenticated, out.Params = principal, true, p
	return handlers[action](s, &call{ctx: r.Context(), principal: principal, p: p, reqID: out.RequestID})
}

type handler func(s *API, c *call) (any, error)

// redshiftHandlers are the Redshift operations served; any other action is InvalidAction.
var redshiftHandlers = map[string]handler{
	"CreateCluster":                    (*API).createCluster,
	"DescribeClusters":                 (*API).describeClusters,
	"ModifyCluster":                    (*API).modifyCluster,
	"RebootCluster":                    (*API).rebootCluster,
	"DeleteCluster":                    (*API).deleteCluster,
	"CreateClusterParameterGroup":      (*API).createParameterGroup,
	"DescribeClusterParameterGroups":   (*API).describeParameterGroups,
	"ModifyClusterParameterGroup":      (*API).modifyParameterGroup,
	"ResetClusterParameterGroup":       (*API).resetParameterGroup,
	"DescribeClusterParameters":        (*API).describeClusterParameters,
	"DescribeDefaultClusterParameters": (*API).describeDefaultParameters,
	"DeleteClusterParameterGroup":      (*API).deleteParameterGroup,
	"EnableLogging":                    (*API).enableLogging,
	"DisableLogging":                   (*API).disableLogging,
	"DescribeLoggingStatus":            (*API).describeLoggingStatus,
	"GetClusterCredentials":            (*API).getClusterCredentials,
	"AuthorizeDataShare":               (*API).authorizeDataShare,
	"DeauthorizeDataShare":             (*API).deauthorizeDataShare,
	"DescribeDataShares":               (*API).describeDataShares,
	"DescribeDataSharesForProducer":    (*API).describeDataSharesForProducer,
}

// stsHandlers are the STS operations served.
var stsHandlers = map[string]handler{"GetCallerIdentity": (*API).getCallerIdentity}

// authError turns a SigV4 failure into the Query API's error.
func authError(err error) *Error {
	var ae *auth.Error
	if !errors.As(err, &ae) {
		return AsError(err)
	}
	switch ae.Code {
	case auth.CodeInvalidClientTokenID, auth.CodeInvalidAccessKeyID:
		return InvalidClientTokenID("The security token included in the request is invalid.")
	case auth.CodeIncompleteSignature, auth.CodeAuthorizationHeaderMalformed:
		return IncompleteSignature(ae.Message)
	case auth.CodeSignatureDoesNotMatch, auth.CodeRequestTimeTooSkewed:
		return SignatureDoesNotMatch(ae.Message)
	}
	e := &Error{Code: ae.Code, Message: ae.Message, Status: ae.HTTPStatus, Sender: ae.HTTPStatus < 500}
	return e
}

func (s *API) getCallerIdentity(c *call) (any, error) {
	p := c.principal
	res := GetCallerIdentityResult{Arn: p.ARN, Account: p.AccountID, UserID: p.AccountID}
	if p.Key != nil && p.Key.Identity.PrincipalID != "" {
		res.UserID = p.Key.Identity.PrincipalID
	}
	return res, nil
}

func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return formatUUID(b)
}

// formatUUID writes the first 16 bytes of b as hex digits in a UUID's 8-4-4-4-12 groups
// (request ids, namespace ids, key ids).
func formatUUID(b []byte) string {
	h := hex.EncodeToString(b[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Adapters of Params' getters to error, so that a nil *Error never becomes a non-nil error.
func (c *call) required(name string) (string, error) {
	v, e := c.p.Required(name)
	if e != nil {
		return "", e
	}
	return v, nil
}

func (c *call) boolean(name string) (*bool, error) {
	v, e := c.p.Bool(name)
	if e != nil {
		return nil, e
	}
	return v, nil
}

func (c *call) integer(name string) (*int, error) {
	v, e := c.p.Int(name)
	if e != nil {
		return nil, e
	}
	return v, nil
}

func (c *call) tags() ([]Tag, error) {
	v, e := c.p.Tags()
	if e != nil {
		return nil, e
	}
	return v, nil
}

func (c *call) parameters() ([]ParameterChange, error) {
	v, e := c.p.Parameters()
	if e != nil {
		return nil, e
	}
	return v, nil
}
