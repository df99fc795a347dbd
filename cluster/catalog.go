package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/fakeshift/fakeshift/store"
)

// Well-known user ids: Redshift's own rdsdb is 1 and the master user is 100; users made
// with CREATE USER get ids from 101.
const (
	rdsdbUserID     = 1
	masterUserID    = 100
	firstUserID     = 101
	firstGroupID    = 100
	unlimitedConns  = -1
	passwordMD5     = "md5"
	passwordSHA256  = "sha256"
	passwordNone    = ""
	keyUserPrefix   = "user/"
	keyGroupPrefix  = "group/"
	keyUserCounter  = "seq/user"
	keyGroupCounter = "seq/group"
)

// User is a database user as the catalog keeps it.
type User struct {
	ID        int32  `json:"id"`
	Name      string `json:"name"`
	Super     bool   `json:"super"`     // usesuper: CREATEUSER makes a superuser in Redshift
	CreateDB  bool   `json:"createdb"`  // usecreatedb
	CatUpdate bool   `json:"catupdate"` // usecatupd (rdsdb only)
	// Password is how the password is stored; a zero value means no password login
	// (PASSWORD DISABLE).
	Password       StoredPassword    `json:"password"`
	ValidUntil     *time.Time        `json:"valid_until,omitempty"` // nil: no expiry
	ConnLimit      int               `json:"conn_limit"`            // -1: unlimited
	SessionTimeout int               `json:"session_timeout"`       // seconds; 0: none
	SyslogAccess   string            `json:"syslog_access"`         // RESTRICTED or UNRESTRICTED
	ExternalID     string            `json:"external_id,omitempty"`
	Config         map[string]string `json:"config,omitempty"` // ALTER USER ... SET
	Created        time.Time         `json:"created"`
}

// StoredPassword is a password as Redshift stores it: never the clear text.
type StoredPassword struct {
	Kind string `json:"kind"` // "", "md5" or "sha256"
	// Hash is md5(password || username) in hex for md5, and sha256(password || salt) in hex
	// for sha256.
	Hash string `json:"hash"`
	Salt string `json:"salt,omitempty"` // sha256 only: 64 hex digits
}

// Group is a user group.
type Group struct {
	ID      int32   `json:"id"`
	Name    string  `json:"name"`
	Members []int32 `json:"members"`
}

// catalog is an immutable snapshot of users and groups. Changes are made on a clone and
// swapped in.
type catalog struct {
	users  map[int32]*User
	groups map[int32]*Group
}

func newCatalog() *catalog {
	return &catalog{users: map[int32]*User{}, groups: map[int32]*Group{}}
}

func (c *catalog) clone() *catalog {
	return &catalog{users: maps.Clone(c.users), groups: maps.Clone(c.groups)}
}

func (c *catalog) userByName(name string) *User {
	for _, u := range c.users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

func (c *catalog) groupByName(name string) *Group {
	for _, g := range c.groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// change is one write to the catalog: an object put or deleted.
type change struct {
	user    *User  // put
	group   *Group // put
	delUser int32
	delGrp  int32
}

// apply writes ch into c (a clone being built).
func (c *catalog) apply(ch change) {
	switch {
	case ch.user != nil:
		c.users[ch.user.ID] = ch.user
	case ch.group != nil:
		c.groups[ch.group.ID] = ch.group
	case ch.delUser != 0:
		delete(c.users, ch.delUser)
	case ch.delGrp != 0:
		delete(c.groups, ch.delGrp)
	}
}

func userKey(id int32) []byte  { return fmt.Appendf(nil, "%s%010d", keyUserPrefix, id) }
func groupKey(id int32) []byte { return fmt.Appendf(nil, "%s%010d", keyGroupPrefix, id) }

// persist writes changes in one store transaction.
func persist(space *store.Space, changes []change) error {
	return space.Update(func(tx *store.Tx) error {
		for _, ch := range changes {
			var err error
			switch {
			case ch.user != nil:
				err = putJSON(tx, userKey(ch.user.ID), ch.user)
			case ch.group != nil:
				err = putJSON(tx, groupKey(ch.group.ID), ch.group)
			case ch.delUser != 0:
				err = tx.Delete(userKey(ch.delUser))
			case ch.delGrp != 0:
				err = tx.Delete(groupKey(ch.delGrp))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func putJSON(tx *store.Tx, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return tx.Put(key, b)
}

// loadCatalog reads every user and group of the cluster from the store.
func loadCatalog(space *store.Space) (*catalog, error) {
	c := newCatalog()
	err := space.View(func(tx *store.Tx) error {
		if err := tx.Scan([]byte(keyUserPrefix), func(k, v []byte) error {
			var u User
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			c.users[u.ID] = &u
			return nil
		}); err != nil {
			return err
		}
		return tx.Scan([]byte(keyGroupPrefix), func(k, v []byte) error {
			var g Group
			if err := json.Unmarshal(v, &g); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			c.groups[g.ID] = &g
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	return c, nil
}

// nextID takes the next id of a counter in the store: ids are never reused, even when the
// transaction that took one rolls back (as a sequence behaves).
func nextID(space *store.Space, key string, first int32) (int32, error) {
	var id int32
	err := space.Update(func(tx *store.Tx) error {
		id = first
		v, err := tx.Get([]byte(key))
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return err
		default:
			n, err := strconv.ParseInt(string(v), 10, 32)
			if err != nil {
				return fmt.Errorf("decode %s: %w", key, err)
			}
			id = int32(n) + 1
		}
		return tx.Put([]byte(key), strconv.AppendInt(nil, int64(id), 10))
	})
	if err != nil {
		return 0, fmt.Errorf("allocate id from %s: %w", key, err)
	}
	return id, nil
}
