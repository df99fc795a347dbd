package cluster_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/cluster"
)

func selfSigned(t *testing.T) *tls.Config {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// serveTLS is serve with TLS and a clock.
func serveTLS(t *testing.T, clk clock.Clock) (*cluster.Cluster, string) {
	return serve(t, memStore(t), func(s *cluster.Spec) { s.TLS, s.Clock = selfSigned(t), clk })
}

func connectWith(t *testing.T, addr, user, password, sslmode string) (*pgx.Conn, error) {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: addr, Path: "/dev", RawQuery: "sslmode=" + sslmode}
	conn, err := pgx.Connect(context.Background(), u.String())
	if err == nil {
		t.Cleanup(func() { conn.Close(context.Background()) })
	}
	return conn, err
}

func TestIAMCredentials(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	c, addr := serveTLS(t, clk)
	ctx := context.Background()
	master, err := connectWith(t, addr, "awsuser", "Master123", "require")
	require.NoError(t, err)
	_, err = master.Exec(ctx, "create user alice password 'Alice1234'")
	require.NoError(t, err)
	_, err = master.Exec(ctx, "create group analysts")
	require.NoError(t, err)

	creds, err := c.IssueCredentials(cluster.CredentialRequest{DbUser: "alice", Duration: 15 * time.Minute, RequestID: "req-1"})
	require.NoError(t, err)
	require.Equal(t, "IAM:alice", creds.DbUser)
	require.Equal(t, clk.Now().Add(15*time.Minute), creds.Expiration)

	// SSL only.
	_, err = connectWith(t, addr, creds.DbUser, creds.DbPassword, "disable")
	require.Equal(t, "28000", code(err))
	require.ErrorContains(t, err, "SSL off")

	alice, err := connectWith(t, addr, creds.DbUser, creds.DbPassword, "require")
	require.NoError(t, err)
	var who string
	require.NoError(t, alice.QueryRow(ctx, "select current_user").Scan(&who))
	require.Equal(t, "alice", who)

	_, err = connectWith(t, addr, creds.DbUser, "wrong", "require")
	require.Equal(t, "28000", code(err))

	// A missing user: the credentials are issued, the login fails; with AutoCreate the user
	// is made with its password disabled.
	ghost, err := c.IssueCredentials(cluster.CredentialRequest{DbUser: "ghost", Duration: 15 * time.Minute})
	require.NoError(t, err)
	_, err = connectWith(t, addr, ghost.DbUser, ghost.DbPassword, "require")
	require.Equal(t, "28000", code(err))
	auto, err := c.IssueCredentials(cluster.CredentialRequest{DbUser: "bob", AutoCreate: true, DbGroups: []string{"analysts"},
		Duration: time.Hour, RequestID: "req-2"})
	require.NoError(t, err)
	require.Equal(t, "IAMA:bob:analysts", auto.DbUser)
	_, err = connectWith(t, addr, auto.DbUser, auto.DbPassword, "require")
	require.NoError(t, err)
	_, err = connect(t, addr, "bob", "")
	require.Error(t, err, "bob has no password of his own")

	var action string
	require.NoError(t, master.QueryRow(ctx, "select action from stl_userlog where username = 'bob'").Scan(&action))
	require.Equal(t, "create", strings.TrimSpace(action))
	var method, guid string
	require.NoError(t, master.QueryRow(ctx, `select authmethod, iamauthguid from stl_connection_log
		where username = 'IAMA:bob:analysts' and event = 'authenticated'`).Scan(&method, &guid))
	require.Equal(t, "IAM", method)
	require.Equal(t, "req-2", guid)

	// Expiry follows the clock.
	clk.Advance(16 * time.Minute)
	_, err = connectWith(t, addr, creds.DbUser, creds.DbPassword, "require")
	require.Equal(t, "28000", code(err), "expired")
	_, err = connectWith(t, addr, auto.DbUser, auto.DbPassword, "require")
	require.NoError(t, err, "the hour-long credentials still work")
	missing, err := c.IssueCredentials(cluster.CredentialRequest{DbUser: "carol", AutoCreate: true, DbGroups: []string{"nogroup"}, Duration: time.Hour})
	require.NoError(t, err)
	_, err = connectWith(t, addr, missing.DbUser, missing.DbPassword, "require")
	require.Equal(t, "42704", code(err))
}

func TestRebootEndsSessions(t *testing.T) {
	c, addr := serve(t, memStore(t))
	ctx := context.Background()
	before, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err)
	var pid int32
	require.NoError(t, before.QueryRow(ctx, "select pg_backend_pid()").Scan(&pid))

	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	require.NoError(t, c.Reboot(rctx))
	_, err = before.Exec(ctx, "select 1")
	require.Error(t, err)

	after, err := connect(t, addr, "awsuser", "Master123")
	require.NoError(t, err, "the cluster accepts again")
	var n int
	require.NoError(t, after.QueryRow(ctx, fmt.Sprintf(
		"select count(*) from stl_connection_log where pid = %d and event = 'disconnecting session'", pid)).Scan(&n))
	require.Equal(t, 1, n)

	c.ApplyParameters(map[string]string{"require_ssl": "true", "enable_user_activity_logging": "true"})
	_, err = connect(t, addr, "awsuser", "Master123")
	require.Equal(t, "28000", code(err), "require_ssl applied")
	v, ok := c.Parameter("enable_user_activity_logging")
	require.True(t, ok)
	require.Equal(t, "true", v)
}
