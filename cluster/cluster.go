package cluster

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/logger"
	"github.com/fakeshift/fakeshift/pgwire"
	"github.com/fakeshift/fakeshift/sql"
	"github.com/fakeshift/fakeshift/store"
)

// Redshift's identity on the wire. padb_version and padb_revision are a real pair seen in
// Redshift JDBC traces; version() names the same build.
const (
	ServerVersion = "8.0.2"
	PadbVersion   = "1.0.63269"
	PadbRevision  = "17187a5367"
	VersionString = "PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift " + PadbVersion
)

// EngineOpener opens the SQL engine of one database of the cluster; source serves the
// system tables.
type EngineOpener func(ctx context.Context, database string, source sql.RecordSource) (sql.Engine, error)

// Spec describes a cluster. ID, Database, MasterUser, MasterPassword, Store and OpenEngine
// are required.
type Spec struct {
	ID             string // the cluster identifier, e.g. "fakeshift"
	Database       string // the database made at creation, e.g. "dev"
	MasterUser     string
	MasterPassword string // clear text; stored only as Redshift stores it (md5 with the user name)
	AccountID      string
	Region         string
	// RequireSSL is the require_ssl parameter: plain connections are refused.
	RequireSSL bool
	// EchoAudit starts every session with fakeshift.echo_audit on: each audit record of the
	// session is also sent to it as a NOTICE, in the audit log file's line format.
	EchoAudit bool
	// TLS answers SSLRequest; nil refuses TLS ('N').
	TLS        *tls.Config
	Store      *store.DB
	OpenEngine EngineOpener
	// WALDir is where the audit logger keeps its write-ahead log of records; required with a
	// store on disk (see logger.Options.WALDir).
	WALDir string
	// Clock tells the time; nil means the wall clock.
	Clock clock.Clock
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Cluster is one emulated Redshift cluster.
type Cluster struct {
	spec   Spec
	log    *slog.Logger
	clock  clock.Clock
	space  *store.Space
	engine sql.Engine
	srv    *pgwire.Server
	audit  *logger.Logger

	catMu sync.Mutex // serialises catalog commits
	cat   atomic.Pointer[catalog]
	// catVersion moves with every catalog change (users, groups, passwords, flags): the
	// engine keeps the privilege checks a session passed for one version (CatalogVersion).
	catVersion atomic.Uint64

	sessMu   sync.Mutex
	sessions map[int32]*session
	perUser  map[int32]int

	requireSSL atomic.Bool
	params     atomic.Pointer[map[string]string]
	closeOnce  sync.Once
	closeErr   error
}

// New builds the cluster: it loads (or makes) the catalog and opens the SQL engine. It does
// not listen: Serve does.
func New(ctx context.Context, spec Spec) (_ *Cluster, err error) {
	switch {
	case spec.ID == "":
		return nil, errors.New("cluster: Spec.ID is empty")
	case spec.Database == "":
		return nil, errors.New("cluster: Spec.Database is empty")
	case spec.MasterUser == "":
		return nil, errors.New("cluster: Spec.MasterUser is empty")
	case spec.Store == nil:
		return nil, errors.New("cluster: Spec.Store is nil")
	case spec.OpenEngine == nil:
		return nil, errors.New("cluster: Spec.OpenEngine is nil")
	}
	if spec.MasterPassword != "" {
		if err := sql.ValidatePassword(spec.MasterPassword); err != nil {
			return nil, fmt.Errorf("cluster %s: master password: %w", spec.ID, err)
		}
	}
	if spec.Clock == nil {
		spec.Clock = clock.Real{}
	}
	if spec.Logger == nil {
		spec.Logger = slog.Default()
	}
	c := &Cluster{
		spec:     spec,
		log:      spec.Logger.With("cluster", spec.ID),
		clock:    spec.Clock,
		space:    spec.Store.Space("cluster/" + spec.ID),
		sessions: map[int32]*session{},
		perUser:  map[int32]int{},
	}
	c.requireSSL.Store(spec.RequireSSL)

	c.audit, err = logger.Open(logger.Options{Store: spec.Store, ClusterID: spec.ID, Version: PadbVersion,
		Clock: spec.Clock, Logger: spec.Logger, WALDir: spec.WALDir})
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", spec.ID, err)
	}
	defer func() {
		if err != nil {
			c.audit.Close()
		}
	}()
	cat, err := loadCatalog(c.space)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", spec.ID, err)
	}
	if err := c.bootstrap(cat); err != nil {
		return nil, fmt.Errorf("cluster %s: %w", spec.ID, err)
	}
	c.engine, err = spec.OpenEngine(ctx, spec.Database, c)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: open SQL engine for %s: %w", spec.ID, spec.Database, err)
	}
	c.srv, err = pgwire.NewServer(pgwire.Config{
		Engine: c,
		TLS:    spec.TLS,
		Now:    c.clock.Now,
		Logger: c.log.With("subsystem", "pgwire"),
	})
	if err != nil {
		c.engine.Close()
		return nil, fmt.Errorf("cluster %s: %w", spec.ID, err)
	}
	return c, nil
}

// bootstrap makes rdsdb and the master user in a new catalog, and sets the catalog.
func (c *Cluster) bootstrap(cat *catalog) error {
	var changes []change
	now := c.clock.Now()
	if cat.users[rdsdbUserID] == nil {
		changes = append(changes, change{user: &User{ID: rdsdbUserID, Name: "rdsdb", Super: true, CreateDB: true,
			CatUpdate: true, ConnLimit: unlimitedConns, SyslogAccess: "UNRESTRICTED", Created: now}})
	}
	if cat.users[masterUserID] == nil {
		if c.spec.MasterPassword == "" {
			return errors.New("a new cluster needs a master password")
		}
		changes = append(changes, change{user: &User{ID: masterUserID, Name: c.spec.MasterUser, Super: true, CreateDB: true,
			Password:  StoredPassword{Kind: passwordMD5, Hash: sql.MD5Password(c.spec.MasterPassword, c.spec.MasterUser)},
			ConnLimit: unlimitedConns, SyslogAccess: "UNRESTRICTED", Created: now}})
	}
	if len(changes) > 0 {
		if err := persist(c.space, changes); err != nil {
			return fmt.Errorf("make the first users: %w", err)
		}
		for _, ch := range changes {
			if ch.user.ID == masterUserID {
				// Redshift's user log starts with the master user's creation.
				xid, err := c.audit.NextXID()
				if err != nil {
					return err
				}
				if _, err := c.writeUserChanges(0, xid, []pendingUserRecord{{user: ch.user, action: logger.ActionCreate}}); err != nil {
					return err
				}
			}
		}
		cat = cat.clone()
		for _, ch := range changes {
			cat.apply(ch)
		}
	}
	c.cat.Store(cat)
	c.catVersion.Add(1)
	return nil
}

// Serve accepts PostgreSQL connections on ln until Shutdown.
func (c *Cluster) Serve(ln net.Listener) error { return c.srv.Serve(ln) }

// ID returns the cluster identifier.
func (c *Cluster) ID() string { return c.spec.ID }

// Database returns the cluster's database name.
func (c *Cluster) Database() string { return c.spec.Database }

// MasterUser returns the master user's name.
func (c *Cluster) MasterUser() string { return c.spec.MasterUser }

// SetRequireSSL sets the require_ssl parameter for new connections.
func (c *Cluster) SetRequireSSL(on bool) { c.requireSSL.Store(on) }

// ApplyParameters makes parameter values (of the cluster's parameter group) the ones in
// effect: require_ssl for new connections at once, and the others for whoever asks with
// Parameter (enable_user_activity_logging for the log files). Which changes wait for a
// reboot is the caller's business.
func (c *Cluster) ApplyParameters(values map[string]string) {
	p := maps.Clone(values)
	c.params.Store(&p)
	if v, ok := p["require_ssl"]; ok {
		c.requireSSL.Store(strings.EqualFold(v, "true"))
	}
}

// Parameter returns the value in effect of a parameter applied with ApplyParameters, and
// whether it was.
func (c *Cluster) Parameter(name string) (string, bool) {
	p := c.params.Load()
	if p == nil {
		return "", false
	}
	v, ok := (*p)[name]
	return v, ok
}

// SetMasterPassword changes the master user's password (ModifyCluster), with the user log
// record an ALTER USER ... PASSWORD writes.
func (c *Cluster) SetMasterPassword(password string) error {
	if err := sql.ValidatePassword(password); err != nil {
		return fmt.Errorf("cluster %s: master password: %w", c.spec.ID, err)
	}
	var u User
	err := c.mutate(func(cat *catalog) ([]change, error) {
		old := cat.users[masterUserID]
		if old == nil {
			return nil, fmt.Errorf("cluster %s has no master user", c.spec.ID)
		}
		u = *old
		u.Password = StoredPassword{Kind: passwordMD5, Hash: sql.MD5Password(password, u.Name)}
		return []change{{user: &u}}, nil
	})
	if err != nil {
		return err
	}
	xid, err := c.audit.NextXID()
	if err != nil {
		return err
	}
	_, err = c.writeUserChanges(0, xid, []pendingUserRecord{{user: &u, action: logger.ActionAlter}})
	return err
}

// SetLogExports sets which audit logs are owed to the S3 log files from now on (nil:
// logging is off): connectionlog and userlog as exported, useractivitylog only while the
// applied enable_user_activity_logging parameter is true, as Redshift documents.
func (c *Cluster) SetLogExports(exports []string) {
	if len(exports) == 0 {
		c.audit.SetDelivery(nil)
		return
	}
	want := map[string]bool{}
	for _, e := range exports {
		want[e] = true
	}
	c.audit.SetDelivery(func(logType string) bool {
		if logType == logger.UserActivityLog {
			if v, _ := c.Parameter("enable_user_activity_logging"); !strings.EqualFold(v, "true") {
				return false
			}
		}
		return want[logType]
	})
}

// DeliverLogs uploads the audit records owed to S3 (see logger.Logger.Deliver).
func (c *Cluster) DeliverLogs(ctx context.Context, d logger.Destination, holdBack bool) ([]logger.Delivered, error) {
	return c.audit.Deliver(ctx, d, holdBack)
}

// DeleteData removes everything a cluster kept in the store (catalog and audit records) and
// its audit write-ahead log in walDir, for DeleteCluster. The cluster must not be running.
// The keys go in transactions of their own (DeletePrefix), not by badger's DropPrefix, which
// would hold up every other writer of the store, the other clusters' included.
func DeleteData(db *store.DB, id, walDir string) error {
	if _, err := db.Space("cluster/" + id).DeletePrefix(nil); err != nil {
		return fmt.Errorf("delete cluster %s: %w", id, err)
	}
	return logger.DeleteData(db, id, walDir)
}

// Reboot ends every session with FATAL 57P01, each with its "disconnecting session"
// record, as a reboot does; the endpoint goes on accepting connections.
func (c *Cluster) Reboot(ctx context.Context) error {
	if err := c.srv.EndSessions(ctx); err != nil {
		return fmt.Errorf("cluster %s: reboot: %w", c.spec.ID, err)
	}
	return nil
}

// Shutdown ends every session with FATAL 57P01 and closes the engine. It is safe to call more
// than once; later calls return the first result.
func (c *Cluster) Shutdown(ctx context.Context) error {
	c.closeOnce.Do(func() {
		err := c.srv.Shutdown(ctx)
		if cerr := c.engine.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close SQL engine: %w", cerr))
		}
		if cerr := c.audit.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close audit log: %w", cerr))
		}
		c.closeErr = err
	})
	return c.closeErr
}

// commit applies changes to the live catalog and the store, atomically.
func (c *Cluster) commit(changes []change) error {
	if len(changes) == 0 {
		return nil
	}
	c.catMu.Lock()
	defer c.catMu.Unlock()
	return c.commitLocked(changes)
}

// commitLocked is commit with catMu held.
func (c *Cluster) commitLocked(changes []change) error {
	if err := persist(c.space, changes); err != nil {
		return fmt.Errorf("write catalog: %w", err)
	}
	next := c.cat.Load().clone()
	for _, ch := range changes {
		next.apply(ch)
	}
	c.cat.Store(next)
	c.catVersion.Add(1)
	return nil
}

// CatalogVersion is a number that moves whenever the users or groups change, which the SQL
// engine reads (pg_user, pg_group) in its privilege checks.
func (c *Cluster) CatalogVersion() uint64 { return c.catVersion.Load() }

// Users returns the users of the catalog (a snapshot).
func (c *Cluster) Users() []User {
	cat := c.cat.Load()
	out := make([]User, 0, len(cat.users))
	for _, u := range cat.users {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Groups returns the groups of the catalog (a snapshot), by id.
func (c *Cluster) Groups() []Group {
	cat := c.cat.Load()
	out := make([]Group, 0, len(cat.groups))
	for _, g := range cat.groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
