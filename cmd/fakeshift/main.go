// Command fakeshift runs the emulator: a Redshift-like PostgreSQL endpoint and an HTTP
// endpoint for the AWS APIs, with its defaults embedded (nothing else to start). Every flag
// has an environment twin: --pg-addr is FAKESHIFT_PG_ADDR.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fakeshift/fakeshift"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "fakeshift:", err)
		os.Exit(1)
	}
}

// options are the command line, parsed.
type options struct {
	cfg         fakeshift.Config
	logLevel    string
	logFormat   string
	version     bool
	healthCheck bool
	seedFile    string
	seedInline  string
}

// parseFlags reads flags, then fills what they did not set from FAKESHIFT_* variables.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("fakeshift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, def, usage string) { fs.StringVar(p, name, def, usage) }
	c := &o.cfg
	str(&c.PGAddr, "pg-addr", fakeshift.DefaultPGAddr, "PostgreSQL listen address of the default cluster")
	str(&c.HTTPAddr, "http-addr", fakeshift.DefaultHTTPAddr, "HTTP listen address (AWS APIs and /_fakeshift/)")
	str(&c.DataDir, "data-dir", "", "directory for durable state; empty keeps everything in memory")
	str(&c.AccountID, "account-id", fakeshift.DefaultAccountID, "AWS account id of the default account")
	str(&c.Region, "region", fakeshift.DefaultRegion, "AWS region")
	str(&c.ClusterID, "cluster-id", fakeshift.DefaultClusterID, "identifier of the default cluster")
	str(&c.Database, "database", fakeshift.DefaultDatabase, "database of the default cluster")
	str(&c.MasterUser, "master-user", fakeshift.DefaultMasterUser, "master user of the default cluster")
	str(&c.MasterPassword, "master-password", fakeshift.DefaultMasterPassword, "master user password of the default cluster")
	str(&c.ClusterPorts, "cluster-ports", fakeshift.DefaultClusterPorts, "port range of clusters made with CreateCluster, or 0 for any free port")
	str(&c.AdvertiseHost, "advertise-host", fakeshift.DefaultAdvertiseHost, "host name the Redshift API reports in cluster endpoints")
	str(&c.TLSCert, "tls-cert", "", "PEM certificate for TLS (default: a self-signed RSA certificate)")
	str(&c.TLSKey, "tls-key", "", "PEM private key for --tls-cert")
	fs.BoolVar(&c.DisableTLS, "disable-tls", false, "answer SSLRequest with N (no TLS)")
	fs.BoolVar(&c.RequireSSL, "require-ssl", false, "the default cluster's require_ssl parameter: refuse plain connections")
	fs.BoolVar(&c.Fsync, "fsync", false, "sync every store commit and audit record to disk before it is acknowledged (with --data-dir)")
	fs.BoolVar(&c.EchoAudit, "echo-audit", false, "send every session its own audit records as NOTICEs (SET fakeshift.echo_audit)")
	str(&c.LogS3Endpoint, "log-s3-endpoint", "", "external S3-compatible endpoint for the audit log files (default: the built-in S3)")
	str(&c.LogS3AccessKeyID, "log-s3-access-key-id", "", "access key id for --log-s3-endpoint")
	str(&c.LogS3SecretAccessKey, "log-s3-secret-access-key", "", "secret access key for --log-s3-endpoint")
	fs.DurationVar(&c.LogInterval, "log-interval", time.Minute, "how often audit log files are delivered to S3 (Redshift: about an hour); negative: only on POST /_fakeshift/flush")
	fs.DurationVar(&c.TrailInterval, "trail-interval", 5*time.Minute, "how often CloudTrail delivers the logging trails' files to S3 (CloudTrail: about 5 minutes); negative: only on POST /_fakeshift/flush")
	str(&c.EngineMemoryLimit, "engine-memory-limit", "512MB", "memory limit of each cluster's SQL engine")
	fs.IntVar(&c.EngineThreads, "engine-threads", 1, "threads of each cluster's SQL engine")
	str(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	str(&o.logFormat, "log-format", "text", "log format: text (key=value) or json (one object per line)")
	str(&o.seedFile, "seed", "", "seed file (YAML or JSON): accounts and keys, buckets, clusters and users made at start and after POST /_fakeshift/reset")
	str(&o.seedInline, "seed-inline", "", "the seed document itself, for containers that cannot mount a file (instead of --seed)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.BoolVar(&o.healthCheck, "health-check", false, "check the health of a running fakeshift at --http-addr (GET /_fakeshift/health) and exit 0 if it answers 200, 1 otherwise; for container health checks")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags only; see --help)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		env := envName(f.Name)
		if noEnv[f.Name] {
			return
		}
		if v := getenv(env); v != "" && !set[f.Name] {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", env, v, err))
			}
		}
	})
	if o.seedFile != "" && o.seedInline != "" {
		errs = append(errs, errors.New("give --seed or --seed-inline, not both"))
	}
	return o, errors.Join(errs...)
}

// noEnv are the flags without an environment twin: they ask for one action.
var noEnv = map[string]bool{"version": true, "health-check": true}

// envName is the environment twin of a flag: --pg-addr is FAKESHIFT_PG_ADDR.
func envName(flagName string) string {
	return "FAKESHIFT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// usage prints --help: every flag with its default and its environment twin.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `Usage: fakeshift [flags]

fakeshift emulates Amazon Redshift audit logging: a Redshift-like PostgreSQL endpoint, S3, the
Redshift API and CloudTrail on one HTTP endpoint. Every flag has an environment twin
(--pg-addr is FAKESHIFT_PG_ADDR); a flag on the command line wins over its variable.

Flags:
`)
	fs.VisitAll(func(f *flag.Flag) {
		name, use := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, line)
		fmt.Fprintf(w, "        %s", use)
		switch {
		case f.DefValue == "" || f.DefValue == "false":
		case name == "string":
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		if !noEnv[f.Name] {
			fmt.Fprintf(w, " [$%s]", envName(f.Name))
		}
		fmt.Fprintln(w)
	})
}

// loadSeed reads the seed the flags name, if any.
func (o *options) loadSeed() (*fakeshift.Seed, error) {
	switch {
	case o.seedFile != "":
		return fakeshift.LoadSeed(o.seedFile)
	case o.seedInline != "":
		sd, err := fakeshift.ParseSeed([]byte(o.seedInline))
		if err != nil {
			return nil, fmt.Errorf("seed (--seed-inline): %w", err)
		}
		return sd, nil
	}
	return nil, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger is the logger of the binary: text or JSON lines on w, from level up.
func newLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	l, err := parseLevel(level)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}

// healthURL is the health endpoint of a fakeshift listening on httpAddr: a wildcard or
// empty host is asked on the loopback address.
func healthURL(httpAddr string) (string, error) {
	host, port, err := net.SplitHostPort(httpAddr)
	if err != nil {
		return "", fmt.Errorf("health check: --http-addr %q: %w", httpAddr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/_fakeshift/health", nil
}

// healthCheck asks a running fakeshift for its health; nil means it answered 200.
func healthCheck(ctx context.Context, httpAddr string, stdout io.Writer) error {
	u, err := healthURL(httpAddr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("health check: read the answer of %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %s", u, resp.Status)
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(body)))
	return nil
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if o.version {
		fmt.Fprintln(stdout, "fakeshift", version)
		return nil
	}
	if o.healthCheck {
		return healthCheck(context.Background(), o.cfg.HTTPAddr, stdout)
	}
	if o.cfg.Logger, err = newLogger(o.logFormat, o.logLevel, stderr); err != nil {
		return err
	}
	if o.cfg.Seed, err = o.loadSeed(); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	began := time.Now()
	srv, err := fakeshift.Start(ctx, o.cfg)
	if err != nil {
		return err
	}
	printEndpoints(stdout, srv, o.cfg.MasterPassword == fakeshift.DefaultMasterPassword, o.seedFile, time.Since(began))

	<-ctx.Done()
	stop()
	o.cfg.Logger.Info("shutting down")
	if err := srv.Close(); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func printEndpoints(w io.Writer, srv *fakeshift.Server, defaultPassword bool, seedFile string, took time.Duration) {
	cfg, ep := srv.Config(), srv.Endpoints()
	password := cfg.MasterPassword
	if !defaultPassword {
		password = "(as set by --master-password)"
	}
	mode := "in memory"
	if cfg.DataDir != "" {
		mode = "data in " + cfg.DataDir
	}
	fmt.Fprintf(w, "fakeshift %s (%s)\n", version, mode)
	fmt.Fprintf(w, "postgres  %s  cluster %s  database %s  user %s  password %s\n",
		ep.PG, cfg.ClusterID, cfg.Database, cfg.MasterUser, password)
	fmt.Fprintf(w, "http      %s  account %s  region %s  (health: %s/_fakeshift/health)\n",
		ep.HTTP, cfg.AccountID, cfg.Region, ep.HTTP)
	if sd := cfg.Seed; sd != nil {
		from := "--seed-inline"
		if seedFile != "" {
			from = seedFile
		}
		fmt.Fprintf(w, "seed      %s  accounts %d  buckets %d  clusters %d  users %d\n", from,
			len(sd.Accounts), len(sd.Buckets), len(sd.Clusters), len(sd.Users))
	}
	fmt.Fprintf(w, "ready in %s\n", strconv.FormatFloat(float64(took.Microseconds())/1000, 'f', 1, 64)+"ms")
}
