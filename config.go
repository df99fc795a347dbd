package fakeshift

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/clock"
)

// Defaults, as the README lists them.
const (
	DefaultPGAddr         = ":5439"
	DefaultHTTPAddr       = ":8439"
	DefaultAccountID      = "123456789012"
	DefaultRegion         = "us-east-1"
	DefaultClusterID      = "fakeshift"
	DefaultDatabase       = "dev"
	DefaultMasterUser     = "awsuser"
	DefaultMasterPassword = "Fakeshift1"
	DefaultClusterPorts   = "5440-5459"
	DefaultAdvertiseHost  = "localhost"
)

// Config configures Start. Zero values take the defaults above; Logger nil means
// slog.Default(), Clock nil means the wall clock, which Server.Advance (POST
// /_fakeshift/clock/advance) can move forward.
type Config struct {
	PGAddr         string // the default cluster's PostgreSQL listener
	HTTPAddr       string // S3, the AWS APIs and /_fakeshift/
	DataDir        string // empty: everything in memory
	AccountID      string
	Region         string
	ClusterID      string
	Database       string
	MasterUser     string
	MasterPassword string
	// TLSCert and TLSKey are PEM files; both empty means a self-signed RSA certificate made
	// on the first TLS handshake.
	TLSCert, TLSKey string
	// DisableTLS answers SSLRequest with 'N'.
	DisableTLS bool
	// RequireSSL is the default cluster's require_ssl parameter.
	RequireSSL bool
	// EchoAudit sends every session its own audit records as NOTICEs (the session setting
	// fakeshift.echo_audit, on from the start).
	EchoAudit bool
	// Fsync makes every store commit, and every audit record before it is acknowledged, wait
	// for the disk (with DataDir).
	Fsync bool
	// EngineMemoryLimit and EngineThreads bound each cluster's SQL engine; "" and 0 take
	// the engine's defaults (512MB, 1 thread).
	EngineMemoryLimit string
	EngineThreads     int
	// ClusterPorts is the port range of clusters made with CreateCluster ("5440-5459"), or
	// "0" for any free port.
	ClusterPorts string
	// AdvertiseHost is the host name the Redshift API reports in cluster endpoints.
	AdvertiseHost string
	// LogS3Endpoint, when set, is an external S3-compatible endpoint the audit log files go
	// to (instead of the built-in S3), signed with LogS3AccessKeyID / LogS3SecretAccessKey.
	LogS3Endpoint        string
	LogS3AccessKeyID     string
	LogS3SecretAccessKey string
	// LogInterval is how often audit log files are delivered to S3; 0 means one minute,
	// negative means only on flush.
	LogInterval time.Duration
	// TrailInterval is how often CloudTrail delivers the logging trails' files to S3; 0
	// means five minutes (CloudTrail's cadence), negative means only on flush.
	TrailInterval time.Duration
	// Keys are access keys beside the built-in ones (test/test for the default account,
	// other/other for the second): each names its identity (an IAM user or an assumed role,
	// see auth.NewKey), which CloudTrail writes as the caller's userIdentity.
	Keys []auth.Key
	// Seed is made at start (what is there already is left alone) and again after each
	// Reset: accounts and keys, buckets, clusters, users of the default cluster. Nil means
	// nothing. See Seed and LoadSeed.
	Seed *Seed
	// ShutdownTimeout bounds Close; 0 means 5 seconds.
	ShutdownTimeout time.Duration

	Logger *slog.Logger
	Clock  clock.Clock
}

var (
	clusterIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	dbNamePattern    = regexp.MustCompile(`^[a-z_][a-z0-9_$]{0,63}$`)
)

func (c Config) withDefaults() Config {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&c.PGAddr, DefaultPGAddr)
	def(&c.HTTPAddr, DefaultHTTPAddr)
	def(&c.AccountID, DefaultAccountID)
	def(&c.Region, DefaultRegion)
	def(&c.ClusterID, DefaultClusterID)
	def(&c.Database, DefaultDatabase)
	def(&c.MasterUser, DefaultMasterUser)
	def(&c.MasterPassword, DefaultMasterPassword)
	def(&c.ClusterPorts, DefaultClusterPorts)
	def(&c.AdvertiseHost, DefaultAdvertiseHost)
	if c.LogInterval == 0 {
		c.LogInterval = time.Minute
	}
	if c.TrailInterval == 0 {
		c.TrailInterval = 5 * time.Minute
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = clock.NewOffset()
	}
	return c
}

// validate checks what Redshift itself would refuse, with its rules.
func (c Config) validate() error {
	var errs []error
	if !accountPattern.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account id %q must be 12 digits", c.AccountID))
	}
	if len(c.ClusterID) > 63 || !clusterIDPattern.MatchString(c.ClusterID) {
		errs = append(errs, fmt.Errorf("cluster id %q must be 1-63 lower-case letters, digits and single hyphens, starting with a letter", c.ClusterID))
	}
	if !dbNamePattern.MatchString(c.Database) {
		errs = append(errs, fmt.Errorf("database name %q must be 1-64 lower-case letters, digits, _ or $, not starting with a digit", c.Database))
	}
	if c.LogS3Endpoint != "" && (c.LogS3AccessKeyID == "" || c.LogS3SecretAccessKey == "") {
		errs = append(errs, errors.New("--log-s3-endpoint needs --log-s3-access-key-id and --log-s3-secret-access-key"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("give both a TLS certificate and a TLS key, or neither"))
	}
	if c.Seed != nil {
		if err := c.Seed.check(c); err != nil {
			errs = append(errs, fmt.Errorf("seed: %w", err))
		}
	}
	return errors.Join(errs...)
}
