package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/sql"
	"github.com/fakeshift/fakeshift/store"
)

// Datashare association statuses (the Redshift API's DataShareStatus).
const (
	SharePendingAuthorization = "PENDING_AUTHORIZATION"
	ShareAuthorized           = "AUTHORIZED"
	ShareDeauthorized         = "DEAUTHORIZED"
)

// Datashare is a datashare of the cluster, made with CREATE DATASHARE.
type Datashare struct {
	Name             string   `json:"name"`
	Database         string   `json:"database"`
	Owner            string   `json:"owner"`
	PublicAccessible bool     `json:"public_accessible"`
	Objects          []string `json:"objects,omitempty"` // "SCHEMA s", "TABLE s.t"
	// IncludeNew are the schemas whose new tables the datashare takes in (SET INCLUDENEW).
	IncludeNew []string            `json:"include_new,omitempty"`
	Created    time.Time           `json:"created"`
	Consumers  []DatashareConsumer `json:"consumers,omitempty"`
}

// DatashareConsumer is a consumer a datashare was granted to, and its association status.
type DatashareConsumer struct {
	// Identifier is the consumer account id or namespace guid.
	Identifier    string    `json:"identifier"`
	Status        string    `json:"status"`
	Created       time.Time `json:"created"`
	StatusChanged time.Time `json:"status_changed"`
}

const keyDatashare = "datashare/"

// ErrNoDatashare is returned for a datashare the cluster does not have, or a consumer it
// was not granted to; ErrDatashareState for an association not in a state for the change.
// Use errors.Is.
var (
	ErrNoDatashare    = errors.New("no such datashare")
	ErrDatashareState = errors.New("datashare association state")
)

// Datashares lists the cluster's datashares by name.
func (c *Cluster) Datashares() ([]Datashare, error) {
	var out []Datashare
	err := c.space.Scan([]byte(keyDatashare), func(_, v []byte) error {
		var d Datashare
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("decode datashare: %w", err)
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func (c *Cluster) loadDatashare(name string) (*Datashare, error) {
	b, err := c.space.Get([]byte(keyDatashare + name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load datashare %s: %w", name, err)
	}
	var d Datashare
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("decode datashare %s: %w", name, err)
	}
	return &d, nil
}

func (c *Cluster) saveDatashare(d *Datashare) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := c.space.Put([]byte(keyDatashare+d.Name), b); err != nil {
		return fmt.Errorf("save datashare %s: %w", d.Name, err)
	}
	return nil
}

// SetDatashareStatus changes the status of a consumer's association with a datashare, as
// AuthorizeDataShare and DeauthorizeDataShare do: only a granted consumer can be
// authorized, and only an authorized one deauthorized. It returns the datashare after the
// change; a missing datashare or consumer is ErrNoDatashare.
func (c *Cluster) SetDatashareStatus(name, consumer, status string) (Datashare, error) {
	c.catMu.Lock()
	defer c.catMu.Unlock()
	d, err := c.loadDatashare(name)
	if err != nil {
		return Datashare{}, err
	}
	if d == nil {
		return Datashare{}, fmt.Errorf("datashare %s: %w", name, ErrNoDatashare)
	}
	i := slices.IndexFunc(d.Consumers, func(dc DatashareConsumer) bool { return dc.Identifier == consumer })
	if i < 0 {
		return *d, fmt.Errorf("datashare %s is not granted to %s: %w", name, consumer, ErrNoDatashare)
	}
	dc := &d.Consumers[i]
	switch {
	case status == ShareAuthorized && dc.Status != SharePendingAuthorization && dc.Status != ShareDeauthorized:
		return *d, fmt.Errorf("datashare %s: the association with %s is %s, not pending authorization: %w", name, consumer, dc.Status, ErrDatashareState)
	case status == ShareDeauthorized && dc.Status == ShareDeauthorized:
		return *d, fmt.Errorf("datashare %s: the association with %s is deauthorized already: %w", name, consumer, ErrDatashareState)
	}
	dc.Status, dc.StatusChanged = status, c.clock.Now().UTC()
	return *d, c.saveDatashare(d)
}

// datashare runs a datashare statement: superusers only (fakeshift's choice; Redshift also
// lets users with the CREATE DATASHARE privilege and the share's owner).
func (s *session) datashare(ctx context.Context, stmt sql.Statement) (string, error) {
	if !s.superuser {
		return "", sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for datashare: only superusers can manage datashares in fakeshift")
	}
	if s.tx != txIdle {
		return "", sql.Errorf(sql.CodeActiveSQLTransaction, "datashare statements cannot run inside a transaction block in fakeshift")
	}
	c := s.c
	load := func(name string) (*Datashare, error) {
		d, err := c.loadDatashare(name)
		if err == nil && d == nil {
			err = sql.Errorf(sql.CodeUndefinedObject, "datashare %q does not exist", name)
		}
		return d, err
	}
	// The objects of an ALTER DATASHARE are looked up before the catalog is locked: the
	// engine's queries may take their time, and every catalog change waits on the lock. A
	// datashare that is not there is told first, as when it is loaded under the lock.
	var objects []string
	if p, ok := stmt.(*sql.AlterDatashare); ok && p.Set != "PUBLICACCESSIBLE" {
		if _, err := load(p.Name); err != nil {
			return "", err
		}
		kind := p.ObjectKind
		if p.Set == "INCLUDENEW" {
			kind = "SCHEMA"
		}
		for _, o := range p.Objects {
			name, err := s.sharedObject(ctx, kind, o)
			if err != nil {
				return "", err
			}
			objects = append(objects, name)
		}
	}
	c.catMu.Lock()
	defer c.catMu.Unlock()
	now := c.clock.Now().UTC()
	switch p := stmt.(type) {
	case *sql.CreateDatashare:
		if d, err := c.loadDatashare(p.Name); err != nil {
			return "", err
		} else if d != nil {
			return "", sql.Errorf(sql.CodeDuplicateObject, "datashare %q already exists", p.Name)
		}
		d := &Datashare{Name: p.Name, Database: s.database, Owner: s.userName, Created: now}
		if p.PublicAccessible != nil {
			d.PublicAccessible = *p.PublicAccessible
		}
		return "CREATE DATASHARE", c.saveDatashare(d)
	case *sql.DropDatashare:
		if _, err := load(p.Name); err != nil {
			return "", err
		}
		if err := c.space.Delete([]byte(keyDatashare + p.Name)); err != nil {
			return "", fmt.Errorf("drop datashare %s: %w", p.Name, err)
		}
		return "DROP DATASHARE", nil
	case *sql.AlterDatashare:
		d, err := load(p.Name)
		if err != nil {
			return "", err
		}
		switch {
		case p.Set == "PUBLICACCESSIBLE":
			d.PublicAccessible = p.SetValue
		case p.Set == "INCLUDENEW":
			for _, schema := range objects {
				d.IncludeNew = setMember(d.IncludeNew, schema, p.SetValue)
			}
		default:
			for _, o := range objects {
				d.Objects = setMember(d.Objects, p.ObjectKind+" "+o, p.Add)
			}
		}
		return "ALTER DATASHARE", c.saveDatashare(d)
	case *sql.GrantDatashare:
		d, err := load(p.Name)
		if err != nil {
			return "", err
		}
		id := p.Account
		if id == "" {
			id = p.Namespace
		}
		i := slices.IndexFunc(d.Consumers, func(dc DatashareConsumer) bool { return dc.Identifier == id })
		if p.Revoke {
			if i >= 0 {
				d.Consumers = slices.Delete(d.Consumers, i, i+1)
			}
			return "REVOKE", c.saveDatashare(d)
		}
		if i < 0 {
			status := ShareAuthorized // a namespace of the same account needs no authorization
			if p.Account != "" {
				status = SharePendingAuthorization
			}
			d.Consumers = append(d.Consumers, DatashareConsumer{Identifier: id, Status: status, Created: now, StatusChanged: now})
		}
		return "GRANT", c.saveDatashare(d)
	}
	return "", fmt.Errorf("cluster: unexpected statement %T", stmt)
}

// setMember adds v to list (on) or takes it out (!on); a list that has it already, or
// never had it, is left as it is.
func setMember(list []string, v string, on bool) []string {
	i := slices.Index(list, v)
	switch {
	case on && i < 0:
		return append(list, v)
	case !on && i >= 0:
		return slices.Delete(list, i, i+1)
	}
	return list
}

// sharedObject makes sure an object added to or removed from a datashare exists (kind
// SCHEMA, TABLE or ALL TABLES IN SCHEMA) and returns its name as the datashare keeps it: a
// table with its schema, which a table named without one is found in through the session's
// search path, as the session would find it.
func (s *session) sharedObject(ctx context.Context, kind, name string) (string, error) {
	q := "select schema_name from information_schema.schemata where schema_name = $1"
	args := []any{name}
	what := "schema"
	if kind == "TABLE" {
		what = "relation"
		if schema, table, ok := strings.Cut(name, "."); ok {
			q = "select table_schema, table_name from information_schema.tables where table_schema = $1 and table_name = $2"
			args = []any{schema, table}
		} else {
			q = "select table_schema, table_name from information_schema.tables" +
				" where table_name = $1 and list_contains(current_schemas(false), table_schema)" +
				" order by list_position(current_schemas(false), table_schema) limit 1"
		}
	}
	conn, err := s.engineConn(ctx)
	if err != nil {
		return "", err
	}
	rows, err := queryText(ctx, conn, q, args...)
	switch {
	case err != nil:
		return "", fmt.Errorf("look up %s %s: %w", what, name, err)
	case len(rows) == 0 && what == "schema":
		return "", sql.Errorf(sql.CodeInvalidSchemaName, "schema %q does not exist", name)
	case len(rows) == 0:
		return "", sql.Errorf(sql.CodeUndefinedTable, "relation %q does not exist", name)
	}
	return strings.Join(rows[0], "."), nil
}
