package fakeshift

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/cluster"
	"github.com/fakeshift/fakeshift/pgwire"
	"github.com/fakeshift/fakeshift/redshiftapi"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/sql"
	"github.com/fakeshift/fakeshift/sql/duckdb"
	"github.com/fakeshift/fakeshift/store"
	"github.com/fakeshift/fakeshift/trail"
)

// Endpoints says where a running emulator listens.
type Endpoints struct {
	// PG is the default cluster's PostgreSQL address, host:port.
	PG string
	// HTTP is the base URL of the HTTP endpoint (AWS APIs and /_fakeshift/).
	HTTP string
}

// Server is a running emulator.
type Server struct {
	cfg     Config
	log     *slog.Logger
	db      *store.DB
	cluster *cluster.Cluster
	dir     *auth.Directory
	s3      *s3fake.S3
	api     *redshiftapi.API
	trail   *trail.Service
	tls     *tls.Config // nil with DisableTLS

	ports      portRange // where API-made clusters listen
	clustersMu sync.Mutex
	clusters   map[string]*runningCluster // API-made clusters, by id
	pgLn       net.Listener
	httpLn     net.Listener
	http       *http.Server
	started    time.Time
	resetMu    sync.Mutex // one Reset at a time
	seeded     atomic.Pointer[SeedResult]

	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// Start runs the emulator: it opens the store, builds the default cluster and listens on the
// PostgreSQL and HTTP addresses. It returns once both accept connections. A start that fails
// halfway undoes what it did.
func Start(ctx context.Context, cfg Config) (_ *Server, err error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("fakeshift config: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, started: time.Now(), clusters: map[string]*runningCluster{}}
	if s.ports, err = parsePortRange(cfg.ClusterPorts); err != nil {
		return nil, fmt.Errorf("fakeshift config: %w", err)
	}
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()

	storeDir := ""
	if cfg.DataDir != "" {
		storeDir = filepath.Join(cfg.DataDir, "store")
		if err := os.MkdirAll(storeDir, 0o750); err != nil {
			return nil, fmt.Errorf("make data dir: %w", err)
		}
	}
	if s.db, err = store.Open(store.Options{Dir: storeDir, Sync: cfg.Fsync, Logger: cfg.Logger}); err != nil {
		return nil, err
	}
	undo = append(undo, func() { s.db.Close() })

	if s.dir, err = auth.DefaultDirectory(cfg.AccountID); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	for _, k := range cfg.Keys {
		if err := s.dir.AddKey(k); err != nil {
			return nil, fmt.Errorf("access key %s: %w", k.AccessKeyID, err)
		}
	}
	if cfg.Seed != nil {
		if err := s.addSeedAccounts(cfg.Seed); err != nil {
			return nil, err
		}
	}
	if s.s3, err = s3fake.New(s3fake.Config{Store: s.db, Directory: s.dir, Region: cfg.Region,
		Clock: cfg.Clock, Logger: cfg.Logger}); err != nil {
		return nil, err
	}

	if !cfg.DisableTLS {
		if s.tls, err = tlsConfig(cfg.TLSCert, cfg.TLSKey); err != nil {
			return nil, err
		}
	}
	spec := s.clusterSpec(cluster.Spec{ID: cfg.ClusterID, Database: cfg.Database, MasterUser: cfg.MasterUser,
		MasterPassword: cfg.MasterPassword, RequireSSL: cfg.RequireSSL})
	if s.cluster, err = cluster.New(ctx, spec); err != nil {
		return nil, err
	}
	undo = append(undo, func() { s.cluster.Shutdown(context.Background()) })

	var lc net.ListenConfig
	if s.pgLn, err = lc.Listen(ctx, "tcp", cfg.PGAddr); err != nil {
		return nil, fmt.Errorf("listen for PostgreSQL on %s: %w", cfg.PGAddr, err)
	}
	undo = append(undo, func() { s.pgLn.Close() })
	if s.httpLn, err = lc.Listen(ctx, "tcp", cfg.HTTPAddr); err != nil {
		return nil, fmt.Errorf("listen for HTTP on %s: %w", cfg.HTTPAddr, err)
	}
	undo = append(undo, func() { s.httpLn.Close() })

	// Log files go to the built-in S3 in process, or to an external endpoint.
	logS3, buckets := s.inProcessS3(), redshiftapi.BucketChecker(s.s3)
	if cfg.LogS3Endpoint != "" {
		logS3 = s3.New(s3.Options{Region: cfg.Region, BaseEndpoint: aws.String(cfg.LogS3Endpoint), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(cfg.LogS3AccessKeyID, cfg.LogS3SecretAccessKey, "")})
		buckets = redshiftapi.ExternalBuckets(logS3)
	}
	s.api, err = redshiftapi.New(ctx, redshiftapi.Config{Store: s.db, Directory: s.dir, AccountID: cfg.AccountID,
		Region: cfg.Region, AdvertiseHost: cfg.AdvertiseHost, Runtime: s, S3: logS3, Buckets: buckets,
		DefaultCluster: redshiftapi.DefaultCluster{ID: cfg.ClusterID, Database: cfg.Database, MasterUser: cfg.MasterUser,
			RequireSSL: cfg.RequireSSL}, Clock: cfg.Clock, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { s.stopClusters(context.Background()) })
	s.api.StartDelivery(cfg.LogInterval)
	undo = append(undo, s.api.Close)

	if s.trail, err = trail.New(trail.Config{Store: s.db, Directory: s.dir, Region: cfg.Region, S3: s.inProcessS3(),
		Buckets: s.s3, Clock: cfg.Clock, Logger: cfg.Logger}); err != nil {
		return nil, err
	}
	s.trail.StartDelivery(cfg.TrailInterval)
	undo = append(undo, s.trail.Close)

	s.http = &http.Server{Handler: s.frontDoor(), ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug)}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		if err := s.cluster.Serve(s.pgLn); err != nil && !errors.Is(err, pgwire.ErrServerClosed) {
			s.log.Error("PostgreSQL endpoint stopped", "err", err)
		}
	}()
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(s.httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("HTTP endpoint stopped", "err", err)
		}
	}()
	if cfg.Seed != nil {
		seeded, err := s.applySeed(ctx, cfg.Seed)
		if err != nil {
			undo = nil // Close stops everything, the servers included
			s.Close()
			return nil, err
		}
		s.seeded.Store(seeded)
	}
	return s, nil
}

// engineOpener opens a DuckDB engine per cluster database: in memory, or a file under the
// data dir.
func (s *Server) engineOpener(clusterID string) cluster.EngineOpener {
	return func(ctx context.Context, database string, source sql.RecordSource) (sql.Engine, error) {
		path := ""
		if s.cfg.DataDir != "" {
			dir := filepath.Join(s.cfg.DataDir, "clusters", clusterID)
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("make cluster dir: %w", err)
			}
			path = filepath.Join(dir, database+".duckdb")
		}
		return duckdb.Open(ctx, duckdb.Config{Path: path, Source: source, MemoryLimit: s.cfg.EngineMemoryLimit,
			Threads: s.cfg.EngineThreads, Logger: s.log.With("cluster", clusterID, "subsystem", "engine")})
	}
}

// Endpoints reports where the emulator listens.
func (s *Server) Endpoints() Endpoints {
	return Endpoints{PG: s.pgLn.Addr().String(), HTTP: "http://" + s.httpLn.Addr().String()}
}

// Cluster returns the default cluster.
func (s *Server) Cluster() *cluster.Cluster { return s.cluster }

// inProcessS3 is the AWS SDK S3 client AWS services use to reach the built-in S3 in
// process: unsigned, with the acting service principal in each call's context.
func (s *Server) inProcessS3() *s3.Client {
	return s3.New(s3.Options{Region: s.cfg.Region, Credentials: aws.AnonymousCredentials{},
		BaseEndpoint: aws.String("http://s3.fakeshift.internal"), UsePathStyle: true,
		HTTPClient: &http.Client{Transport: s.s3.Transport()}})
}

// FlushLogs delivers every audit record owed to S3 now, for every cluster whose logging is
// enabled, and returns when the files are in S3 (or the failures recorded).
func (s *Server) FlushLogs(ctx context.Context) ([]redshiftapi.ClusterDelivery, error) {
	return s.api.FlushLogs(ctx, false)
}

// FlushTrails delivers every logging trail's records to S3 now and closes the digest
// period of each validating trail, and returns when the files are in S3 (or the failures
// are in GetTrailStatus).
func (s *Server) FlushTrails(ctx context.Context) ([]trail.Delivery, error) {
	return s.trail.Flush(ctx)
}

// Trail returns CloudTrail, for Go callers that record or read events directly.
func (s *Server) Trail() *trail.Service { return s.trail }

// S3 returns the S3 endpoint, for its Go controls (faults, ownership transfer, refusals).
func (s *Server) S3() *s3fake.S3 { return s.s3 }

// Seeded is what the seed made at start, or at the last Reset, and what it found there
// and left alone; nil without a seed.
func (s *Server) Seeded() *SeedResult { return s.seeded.Load() }

// Config returns the configuration in effect, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Close stops the emulator: sessions end with FATAL 57P01, listeners close and the store is
// closed cleanly. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		var errs []error
		s.api.Close()
		s.trail.Close()
		if err := s.stopClusters(ctx); err != nil {
			errs = append(errs, err)
		}
		if err := s.cluster.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop cluster %s: %w", s.cfg.ClusterID, err))
		}
		if err := s.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop HTTP endpoint: %w", err))
		}
		s.wg.Wait()
		if err := s.db.Close(); err != nil {
			errs = append(errs, err)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
