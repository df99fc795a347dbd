package cluster

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"

	"github.com/google/uuid"

	"github.com/fakeshift/fakeshift/logger"
	"github.com/fakeshift/fakeshift/pgwire"
)

// authFile and authRoutine are where Redshift's auth failures say they come from.
const (
	authFile    = "/home/ec2-user/padb/src/pg/src/backend/libpq/auth.c"
	authRoutine = "auth_failed"
)

// Startup implements pgwire.Engine.
func (c *Cluster) Startup(ctx context.Context, info *pgwire.ConnInfo) (pgwire.Handshake, error) {
	user := info.Params["user"]
	db := info.Params["database"]
	if db == "" {
		db = user // PostgreSQL's default
	}
	pid, err := c.audit.NextPID()
	if err != nil {
		return nil, err
	}
	h := &handshake{c: c, info: info, userName: user, database: db, user: c.cat.Load().userByName(user),
		pid: pid, sessionID: uuid.NewString()}
	if (c.requireSSL.Load() || isIAMLogin(user)) && info.TLSVersion == "" {
		h.recordFailure()
		return nil, &pgwire.Error{Severity: "FATAL", Code: "28000",
			Message: fmt.Sprintf(`no pg_hba.conf entry for host "%s", user "%s", database "%s", SSL off`, RemoteHost(info.RemoteAddr), user, db)}
	}
	if h.user != nil && h.user.Password.Kind == passwordSHA256 {
		salt, err := hex.DecodeString(h.user.Password.Salt)
		if err != nil {
			return nil, fmt.Errorf("user %q has a corrupt sha256 salt: %w", user, err)
		}
		h.challenge = pgwire.Challenge{Kind: pgwire.AuthDigest, Salt: salt, Nonce: randomBytes(32)}
	} else {
		// Unknown users, disabled passwords and md5 users all get the same MD5 challenge, so
		// that a client cannot tell them apart.
		h.challenge = pgwire.Challenge{Kind: pgwire.AuthMD5, Salt: randomBytes(4)}
	}
	return h, nil
}

// RemoteHost spells a client address as Redshift's connection log does: IPv4 clients of
// its dual-stack listener appear as IPv4-mapped IPv6 ("::ffff:10.1.2.3").
func RemoteHost(a net.Addr) string {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return a.String()
	}
	ip := ap.Addr()
	if ip.Is4() {
		return "::ffff:" + ip.String()
	}
	return ip.WithZone("").String()
}

// RemotePort returns the client's port as text.
func RemotePort(a net.Addr) string {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return ""
	}
	return fmt.Sprint(ap.Port())
}

type handshake struct {
	c         *Cluster
	info      *pgwire.ConnInfo
	userName  string
	database  string
	user      *User // nil: unknown user
	challenge pgwire.Challenge
	pid       int32  // the backend's pid, from before authentication as in PostgreSQL
	sessionID string // the connection log's session id
	iamGUID   string // the connection log's iamauthguid, for logins with IAM credentials
}

// recordFailure writes the "authentication failure" connection record.
func (h *handshake) recordFailure() {
	method := authMethodPassword
	if isIAMLogin(h.userName) {
		method = authMethodIAM
	}
	rec := connectionRecord(logger.EventAuthFailure, h.c.clock.Now(), h.info, h.pid, h.database,
		h.userName, method, h.sessionID)
	rec.IAMAuthGUID = h.iamGUID
	h.c.recordConnection(rec)
}

func (h *handshake) Challenge() pgwire.Challenge { return h.challenge }

func (h *handshake) authFailed() error {
	return &pgwire.Error{Severity: "FATAL", Code: "28000", File: authFile, Routine: authRoutine,
		Message: fmt.Sprintf(`password authentication failed for user "%s"`, h.userName)}
}

// Complete implements pgwire.Handshake: the password is checked first, then expiry, the
// database and the connection limit, in PostgreSQL's order.
func (h *handshake) Complete(ctx context.Context, r pgwire.Response) (pgwire.Session, error) {
	if isIAMLogin(h.userName) {
		return h.completeIAM(ctx, r)
	}
	u := h.user
	now := h.c.clock.Now()
	if u == nil || !h.passwordMatches(r) || u.ValidUntil != nil && !now.Before(*u.ValidUntil) {
		h.recordFailure()
		return nil, h.authFailed()
	}
	if h.database != h.c.spec.Database {
		return nil, pgwire.Fatal("3D000", fmt.Sprintf(`database "%s" does not exist`, h.database))
	}
	return h.c.openSession(ctx, h, u, authMethodPassword)
}

func (h *handshake) passwordMatches(r pgwire.Response) bool {
	p := h.user.Password
	switch {
	case p.Kind == passwordMD5 && h.challenge.Kind == pgwire.AuthMD5:
		outer := md5.Sum(append([]byte(p.Hash), h.challenge.Salt...))
		want := "md5" + hex.EncodeToString(outer[:])
		return subtle.ConstantTimeCompare([]byte(want), []byte(r.Password)) == 1
	case p.Kind == passwordSHA256 && h.challenge.Kind == pgwire.AuthDigest:
		stored, err := hex.DecodeString(p.Hash)
		if err != nil {
			return false
		}
		sum := sha256.New()
		sum.Write(stored)
		sum.Write(h.challenge.Nonce)
		sum.Write(r.ClientNonce)
		return subtle.ConstantTimeCompare(sum.Sum(nil), r.Digest) == 1
	}
	return false
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("cluster: crypto/rand: %v", err))
	}
	return b
}

// SHA256Password returns how a 'sha256|password' is stored: sha256(password || salt) and the
// salt, both in hex. The salt is sent to the client as its raw 32 bytes.
func SHA256Password(password string, salt []byte) StoredPassword {
	sum := sha256.Sum256(append([]byte(password), salt...))
	return StoredPassword{Kind: passwordSHA256, Hash: hex.EncodeToString(sum[:]), Salt: hex.EncodeToString(salt)}
}
