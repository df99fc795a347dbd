package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
)

func TestFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{
		"FAKESHIFT_PG_ADDR":         "127.0.0.1:6000",
		"FAKESHIFT_CLUSTER_ID":      "from-env",
		"FAKESHIFT_REQUIRE_SSL":     "true",
		"FAKESHIFT_ENGINE_THREADS":  "2",
		"FAKESHIFT_MASTER_PASSWORD": "EnvPassw0rd",
	}
	o, err := parseFlags([]string{"--cluster-id", "from-flag", "--data-dir", "/tmp/x"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:6000", o.cfg.PGAddr, "environment fills what flags did not set")
	require.Equal(t, "from-flag", o.cfg.ClusterID, "a flag wins over its environment twin")
	require.Equal(t, "/tmp/x", o.cfg.DataDir)
	require.True(t, o.cfg.RequireSSL)
	require.Equal(t, 2, o.cfg.EngineThreads)
	require.Equal(t, "EnvPassw0rd", o.cfg.MasterPassword)
	require.Equal(t, ":8439", o.cfg.HTTPAddr, "defaults stay")
}

func TestBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"unknown flag":      {args: []string{"--nope"}, want: "flag provided but not defined"},
		"positional":        {args: []string{"serve"}, want: `unexpected argument "serve"`},
		"bad env bool":      {env: map[string]string{"FAKESHIFT_FSYNC": "maybe"}, want: "FAKESHIFT_FSYNC"},
		"bad log level":     {args: []string{"--log-level", "loud"}, want: `log level "loud"`},
		"bad log format":    {args: []string{"--log-format", "xml"}, want: `log format "xml": want text or json`},
		"bad env format":    {env: map[string]string{"FAKESHIFT_LOG_FORMAT": "yaml"}, want: `log format "yaml"`},
		"bad cluster id":    {args: []string{"--cluster-id", "Bad_ID", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "cluster id"},
		"weak master pw":    {args: []string{"--master-password", "weak", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "master password"},
		"cert without key":  {args: []string{"--tls-cert", "/x.pem", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "TLS"},
		"account not 12 d.": {args: []string{"--account-id", "42", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "account id"},
		"bad cluster ports": {args: []string{"--cluster-ports", "9-1", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "cluster ports"},
		"missing seed":      {args: []string{"--seed", "/no/such/seed.yaml"}, want: "seed: open /no/such/seed.yaml"},
		"seed from env":     {env: map[string]string{"FAKESHIFT_SEED": "/no/such/env-seed.yaml"}, want: "/no/such/env-seed.yaml"},
		"two seeds":         {args: []string{"--seed", "a.yaml", "--seed-inline", "{}"}, want: "give --seed or --seed-inline, not both"},
		"bad inline seed":   {env: map[string]string{"FAKESHIFT_SEED_INLINE": "users: [{nme: x}]"}, want: "seed (--seed-inline): parse YAML"},
		"invalid seed":      {args: []string{"--seed-inline", `{"users": [{"name": "bob", "password": "weak"}]}`, "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: `seed users[0] "bob": CREATE USER: ERROR: Password must be at least 8 characters`},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tc.args, func(k string) string { return tc.env[k] }, &stdout, &stderr)
			require.Error(t, err)
			require.Contains(t, err.Error()+stderr.String(), tc.want)
			require.NotContains(t, stdout.String()+stderr.String()+err.Error(), "weak", "no password in messages")
		})
	}
}

func TestVersionAndHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run([]string{"--version"}, func(string) string { return "" }, &stdout, &stderr))
	require.Equal(t, "fakeshift dev\n", stdout.String())

	stdout.Reset()
	err := run([]string{"--help"}, func(string) string { return "" }, &stdout, &stderr)
	require.Error(t, err)
	for _, flag := range []string{"pg-addr", "http-addr", "data-dir", "account-id", "region", "cluster-id", "database",
		"master-user", "master-password", "cluster-ports", "advertise-host", "log-interval", "trail-interval", "log-s3-endpoint", "tls-cert", "tls-key", "require-ssl", "log-level",
		"log-format", "health-check", "seed", "seed-inline", "version", "disable-tls", "fsync", "echo-audit",
		"log-s3-access-key-id", "log-s3-secret-access-key", "engine-memory-limit", "engine-threads"} {
		require.True(t, strings.Contains(stderr.String(), "\n  --"+flag+" ") || strings.Contains(stderr.String(), "\n  --"+flag+"\n"),
			"--help lists --%s", flag)
	}
	require.Contains(t, stderr.String(), "(default \":5439\") [$FAKESHIFT_PG_ADDR]", "each flag shows its default and its variable")
	require.NotContains(t, stderr.String(), "FAKESHIFT_VERSION", "--version has no variable")
}

func TestLogFormat(t *testing.T) {
	o, err := parseFlags(nil, func(k string) string { return map[string]string{"FAKESHIFT_LOG_FORMAT": "json"}[k] }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, "json", o.logFormat, "FAKESHIFT_LOG_FORMAT")
	o, err = parseFlags(nil, func(string) string { return "" }, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, "text", o.logFormat, "the default")

	for _, tc := range []struct {
		format string
		check  func(t *testing.T, line string)
	}{
		{"json", func(t *testing.T, line string) {
			var rec map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
			require.Equal(t, "WARN", rec["level"])
			require.Equal(t, "bucket gone", rec["msg"])
			require.Equal(t, "audit-logs", rec["bucket"])
		}},
		{"text", func(t *testing.T, line string) {
			require.Contains(t, line, `level=WARN msg="bucket gone" bucket=audit-logs`)
			require.False(t, json.Valid([]byte(line)))
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := newLogger(tc.format, "warn", &buf)
			require.NoError(t, err)
			l.Info("below the level")
			l.Warn("bucket gone", "bucket", "audit-logs")
			out := strings.Split(strings.TrimSpace(buf.String()), "\n")
			require.Len(t, out, 1, "info is below warn: %q", buf.String())
			tc.check(t, out[0])
		})
	}
}

func TestHealthCheck(t *testing.T) {
	for addr, want := range map[string]string{
		":8439":          "http://127.0.0.1:8439/_fakeshift/health",
		"[::]:8439":      "http://127.0.0.1:8439/_fakeshift/health",
		"0.0.0.0:8439":   "http://127.0.0.1:8439/_fakeshift/health",
		"localhost:9000": "http://localhost:9000/_fakeshift/health",
		"[::1]:9000":     "http://[::1]:9000/_fakeshift/health",
	} {
		got, err := healthURL(addr)
		require.NoError(t, err)
		require.Equal(t, want, got, addr)
	}
	_, err := healthURL("8439")
	require.Error(t, err)

	srv, err := fakeshift.Start(context.Background(), fakeshift.Config{PGAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", ClusterPorts: "0"})
	require.NoError(t, err)
	addr := strings.TrimPrefix(srv.Endpoints().HTTP, "http://")
	var stdout, stderr bytes.Buffer
	require.NoError(t, run([]string{"--health-check", "--http-addr", addr}, func(string) string { return "" }, &stdout, &stderr))
	require.Contains(t, stdout.String(), `"status":"ok"`)

	// The variable the image sets is what the check uses.
	stdout.Reset()
	require.NoError(t, run([]string{"--health-check"}, func(k string) string { return map[string]string{"FAKESHIFT_HTTP_ADDR": addr}[k] }, &stdout, &stderr))
	require.Contains(t, stdout.String(), `"status":"ok"`)

	require.NoError(t, srv.Close())
	err = run([]string{"--health-check", "--http-addr", addr}, func(string) string { return "" }, &stdout, &stderr)
	require.ErrorContains(t, err, "health check")
}
