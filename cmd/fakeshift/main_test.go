package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
		"bad cluster id":    {args: []string{"--cluster-id", "Bad_ID", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "cluster id"},
		"weak master pw":    {args: []string{"--master-password", "weak", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "master password"},
		"cert without key":  {args: []string{"--tls-cert", "/x.pem", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "TLS"},
		"account not 12 d.": {args: []string{"--account-id", "42", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "account id"},
		"bad cluster ports": {args: []string{"--cluster-ports", "9-1", "--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, want: "cluster ports"},
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
		"master-user", "master-password", "cluster-ports", "advertise-host", "log-interval", "log-s3-endpoint", "tls-cert", "tls-key", "require-ssl", "log-level"} {
		require.True(t, strings.Contains(stderr.String(), "-"+flag), "--help lists --%s", flag)
	}
}
