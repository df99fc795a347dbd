package cluster

import (
	"context"
	"crypto/md5"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/logger"
	"github.com/fakeshift/fakeshift/pgwire"
	"github.com/fakeshift/fakeshift/sql"
	"github.com/fakeshift/fakeshift/store"
)

// IAM temporary credentials, as GetClusterCredentials issues them: the client logs in with
// the returned DbUser (IAM:<user>, or IAMA:<user> when AutoCreate was asked) and the
// temporary DbPassword, over SSL only, until the expiration.
const (
	// authMethodIAM is what the connection log says of a login with temporary credentials
	// (fakeshift's choice: no public record shows Redshift's word).
	authMethodIAM = "IAM"

	keyIAMPrefix = "iam/"

	iamPrefix     = "IAM:"
	iamAutoPrefix = "IAMA:"
)

// CredentialRequest asks for temporary credentials.
type CredentialRequest struct {
	DbUser     string
	AutoCreate bool
	DbGroups   []string
	Duration   time.Duration
	// RequestID is the API request's id: the connection log's iamauthguid of the sessions
	// the credentials open ("the IAM authentication ID for the CloudTrail request").
	RequestID string
}

// Credentials are temporary credentials.
type Credentials struct {
	DbUser     string // the login name
	DbPassword string
	Expiration time.Time
}

// iamCredential is how temporary credentials are kept: never the password itself, but
// md5(password || login) as Redshift keeps an MD5 password.
type iamCredential struct {
	Login      string    `json:"login"`
	User       string    `json:"user"`
	AutoCreate bool      `json:"auto_create,omitempty"`
	Groups     []string  `json:"groups,omitempty"`
	Hash       string    `json:"hash"`
	Expires    time.Time `json:"expires"`
	GUID       string    `json:"guid"`
}

// IssueCredentials makes temporary credentials for a database user. A user that does not
// exist gets credentials too (the API succeeds); without AutoCreate the login then fails.
func (c *Cluster) IssueCredentials(req CredentialRequest) (Credentials, error) {
	if req.DbUser == "" {
		return Credentials{}, errors.New("issue credentials: empty DbUser")
	}
	prefix := iamPrefix
	if req.AutoCreate {
		prefix = iamAutoPrefix
	}
	login := prefix + req.DbUser
	for _, g := range req.DbGroups {
		login += ":" + g
	}
	password := base64.StdEncoding.EncodeToString(randomBytes(48))
	expires := c.clock.Now().Add(req.Duration).UTC().Truncate(time.Second)
	cred := iamCredential{Login: login, User: req.DbUser, AutoCreate: req.AutoCreate, Groups: slices.Clone(req.DbGroups),
		Hash: sql.MD5Password(password, login), Expires: expires, GUID: req.RequestID}
	b, err := json.Marshal(cred)
	if err != nil {
		return Credentials{}, fmt.Errorf("encode credentials: %w", err)
	}
	key := fmt.Appendf(nil, "%s%s\x00%020d/%x", keyIAMPrefix, login, expires.UnixNano(), randomBytes(8))
	if err := c.space.Put(key, b); err != nil {
		return Credentials{}, fmt.Errorf("store credentials for %s: %w", login, err)
	}
	return Credentials{DbUser: login, DbPassword: password, Expiration: expires}, nil
}

// isIAMLogin reports whether a login name is one of temporary credentials.
func isIAMLogin(name string) bool {
	return strings.HasPrefix(name, iamPrefix) || strings.HasPrefix(name, iamAutoPrefix)
}

// iamCredentials returns the unexpired credentials of a login name, and removes the
// expired ones.
func (c *Cluster) iamCredentials(login string, now time.Time) ([]iamCredential, error) {
	var live []iamCredential
	var expired [][]byte
	prefix := []byte(keyIAMPrefix + login + "\x00")
	err := c.space.Scan(prefix, func(k, v []byte) error {
		var cred iamCredential
		if err := json.Unmarshal(v, &cred); err != nil {
			return fmt.Errorf("decode %q: %w", k, err)
		}
		if now.Before(cred.Expires) {
			live = append(live, cred)
		} else {
			expired = append(expired, slices.Clone(k))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(expired) > 0 {
		err := c.space.Update(func(tx *store.Tx) error {
			for _, k := range expired {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			c.log.Warn("remove expired IAM credentials", "login", login, "err", err)
		}
	}
	return live, nil
}

// completeIAM finishes a login with temporary credentials: a live credential whose
// password the MD5 response proves, then the user (made now with AutoCreate).
func (h *handshake) completeIAM(ctx context.Context, r pgwire.Response) (pgwire.Session, error) {
	now := h.c.clock.Now()
	creds, err := h.c.iamCredentials(h.userName, now)
	if err != nil {
		return nil, err
	}
	var cred *iamCredential
	for i := range creds {
		outer := md5.Sum(append([]byte(creds[i].Hash), h.challenge.Salt...))
		want := "md5" + hex.EncodeToString(outer[:])
		if subtle.ConstantTimeCompare([]byte(want), []byte(r.Password)) == 1 {
			cred = &creds[i]
			break
		}
	}
	if cred == nil {
		h.recordFailure()
		return nil, h.authFailed()
	}
	h.iamGUID = cred.GUID
	if h.database != h.c.spec.Database {
		return nil, pgwire.Fatal("3D000", fmt.Sprintf(`database "%s" does not exist`, h.database))
	}
	cat := h.c.cat.Load()
	for _, g := range cred.Groups {
		if cat.groupByName(g) == nil {
			h.recordFailure()
			return nil, pgwire.Fatal("42704", fmt.Sprintf(`group "%s" does not exist`, g))
		}
	}
	u := cat.userByName(cred.User)
	if u == nil && cred.AutoCreate {
		if u, err = h.c.autoCreate(cred.User, h.pid); err != nil {
			return nil, err
		}
	}
	if u == nil || u.ValidUntil != nil && !now.Before(*u.ValidUntil) {
		h.recordFailure()
		return nil, h.authFailed()
	}
	return h.c.openSession(ctx, h, u, authMethodIAM)
}

// autoCreate makes the user of an AutoCreate login, with its password disabled, as
// GetClusterCredentials documents, and writes its user log record.
func (c *Cluster) autoCreate(name string, pid int32) (*User, error) {
	id, err := nextID(c.space, keyUserCounter, firstUserID)
	if err != nil {
		return nil, err
	}
	u := &User{ID: id, Name: name, ConnLimit: unlimitedConns, SyslogAccess: "RESTRICTED", Created: c.clock.Now()}
	c.catMu.Lock()
	if existing := c.cat.Load().userByName(name); existing != nil {
		c.catMu.Unlock()
		return existing, nil // made by a concurrent login
	}
	err = c.commitLocked([]change{{user: u}})
	c.catMu.Unlock()
	if err != nil {
		return nil, err
	}
	xid, err := c.audit.NextXID()
	if err != nil {
		return nil, err
	}
	if _, err := c.writeUserChanges(pid, xid, []pendingUserRecord{{user: u, action: logger.ActionCreate}}); err != nil {
		return nil, err
	}
	return u, nil
}
