package cluster

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/logger"
	"github.com/fakeshift/fakeshift/pgwire"
	"github.com/fakeshift/fakeshift/sql"
)

// authMethodPassword is what the connection log says for md5 and sha256 logins.
const authMethodPassword = "password"

// connectionRecord fills a connection record with the facts of a connection.
func connectionRecord(event string, at time.Time, info *pgwire.ConnInfo, pid int32, db, user, authMethod, sessionID string) logger.Connection {
	return logger.Connection{
		Event:           event,
		RecordTime:      at,
		RemoteHost:      RemoteHost(info.RemoteAddr),
		RemotePort:      RemotePort(info.RemoteAddr),
		PID:             pid,
		DBName:          db,
		UserName:        user,
		AuthMethod:      authMethod,
		SSLVersion:      info.TLSVersion,
		SSLCipher:       info.TLSCipher,
		ApplicationName: info.Params["application_name"],
		OSVersion:       info.Params["os_version"],
		DriverVersion:   info.Params["driver_version"],
		PluginName:      info.Params["plugin_name"],
		ProtocolVersion: protocolVersionBase,
		SessionID:       sessionID,
	}
}

// protocolVersionBase is the Redshift protocol version every session negotiates: fakeshift
// answers client_protocol_version with server_protocol_version 0 (see Parameters).
const protocolVersionBase = 0

func (c *Cluster) recordConnection(rec logger.Connection, ended ...logger.Completion) {
	if err := c.audit.Connection(rec, ended...); err != nil {
		c.log.Error("write connection record", "event", rec.Event, "pid", rec.PID, "err", err)
	}
}

// pendingUserRecord is a user change to record once it is committed.
type pendingUserRecord struct {
	user    *User
	oldName string
	action  string
}

func boolInt(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// writeUserChanges writes user log records and returns them.
func (c *Cluster) writeUserChanges(pid int32, xid int64, recs []pendingUserRecord) ([]logger.UserChange, error) {
	now := c.clock.Now()
	out := make([]logger.UserChange, 0, len(recs))
	for _, r := range recs {
		rec := logger.UserChange{
			UserID: r.user.ID, UserName: r.user.Name, OldUserName: r.oldName, Action: r.action,
			CreateDB: boolInt(r.user.CreateDB), Super: boolInt(r.user.Super), CatUpdate: boolInt(r.user.CatUpdate),
			ValidUntil: r.user.ValidUntil, PID: pid, XID: xid, RecordTime: now,
		}
		if err := c.audit.User(rec); err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// recordUserChanges writes the user log records of the session's committed user DDL (and
// echoes them).
func (s *session) recordUserChanges(xid int64, recs []pendingUserRecord) error {
	written, err := s.c.writeUserChanges(s.pid, xid, recs)
	for i := range written {
		s.echo(logger.AppendUserLine(nil, &written[i]))
	}
	return err
}

// queryType is SYS_QUERY_HISTORY's query_type for a statement: its first word, with kind
// (Classify's answer) for the rest. Classify calls CREATE TABLE ... AS a QUERY, so a CREATE
// that is a query is a CTAS. Only the first word is lexed: this runs for every statement.
func queryType(kind sql.Kind, text string) string {
	lx := sql.NewLexer(text)
	t := lx.Next()
	for t.Kind == sql.TokComment {
		t = lx.Next()
	}
	if t.IsPunct("(") {
		return "SELECT" // (select ...) union (select ...)
	}
	if t.Kind == sql.TokIdent {
		switch t.Value {
		case "select", "with", "values":
			return "SELECT"
		case "insert":
			return "INSERT"
		case "update":
			return "UPDATE"
		case "delete":
			return "DELETE"
		case "copy":
			return "COPY"
		case "unload":
			return "UNLOAD"
		case "create":
			if kind == sql.KindQuery {
				return "CTAS"
			}
		}
	}
	switch kind {
	case sql.KindDDL:
		return "DDL"
	case sql.KindUtility:
		return "UTILITY"
	}
	return "OTHER"
}

// statementRecord is one statement's audit: its activity record, written before it runs,
// and its completion.
type statementRecord struct {
	s       *session
	queryID int64
	start   time.Time
}

// record writes the activity record of a statement about to run. The text is masked here,
// so no password reaches the store.
func (s *session) record(text string) (*statementRecord, error) {
	qid, err := s.c.audit.NextQueryID()
	if err != nil {
		return nil, err
	}
	xid, err := s.statementXID()
	if err != nil {
		return nil, err
	}
	s.curXID = xid
	masked := sql.Mask(text)
	kind := sql.Classify(text)
	now := s.c.clock.Now()
	act := logger.Activity{
		QueryID: qid, RecordTime: now, DB: s.database, UserName: s.userName, PID: s.pid, UserID: s.userID,
		XID: xid, Label: s.settings.get("query_group"), Kind: string(kind), QueryType: queryType(kind, text), Text: masked,
	}
	if !recordingCutOut {
		if err := s.c.audit.Activity(act, s.takeEnded()...); err != nil {
			return nil, err
		}
	}
	if s.echoing() {
		s.echo(logger.AppendActivityLine(nil, &act))
	}
	return &statementRecord{s: s, queryID: qid, start: now}, nil
}

// done records how the statement ended.
func (r *statementRecord) done(rows int64, err error) {
	c := logger.Completion{QueryID: r.queryID, End: r.s.c.clock.Now(), Status: logger.StatusSuccess, Rows: rows}
	if err != nil {
		c.Status = logger.StatusFailed
		var se interface{ SQLState() string }
		if errors.As(err, &se) && se.SQLState() == sql.CodeQueryCanceled {
			c.Status = logger.StatusCanceled
		}
		c.Error = sql.Mask(err.Error())
	}
	if !recordingCutOut {
		r.s.c.audit.Complete(c)
		r.s.ended[0], r.s.hasEnded = c, true
	}
}

// takeEnded returns the completion of the session's last statement for its next record to
// carry to the write-ahead log (logger.Activity), once: none when it went already. The
// slice is the session's own: the logger keeps nothing of it.
func (s *session) takeEnded() []logger.Completion {
	if !s.hasEnded {
		return nil
	}
	s.hasEnded = false
	return s.ended[:]
}

// statementXID is the transaction id of the statement about to run: the open transaction's,
// or a new one for a statement outside a transaction.
func (s *session) statementXID() (int64, error) {
	if s.xid != 0 {
		return s.xid, nil
	}
	return s.c.audit.NextXID()
}

// ScanSystemTable implements sql.RecordSource: the catalog's tables here, the audit log's
// in the logger.
func (c *Cluster) ScanSystemTable(ctx context.Context, table string, emit func(row []any) error) error {
	switch table {
	case "pg_user", "svl_user_info":
		for _, u := range c.Users() {
			var valuntil any
			if u.ValidUntil != nil {
				valuntil = *u.ValidUntil
			}
			var row []any
			if table == "pg_user" {
				row = []any{u.Name, u.ID, u.CreateDB, u.Super, u.CatUpdate, "********", valuntil, configText(u.Config)}
			} else {
				limit := "UNLIMITED"
				if u.ConnLimit >= 0 {
					limit = strconv.Itoa(u.ConnLimit)
				}
				row = []any{u.Name, u.ID, u.CreateDB, u.Super, u.CatUpdate, limit, u.SyslogAccess, nil,
					int32(u.SessionTimeout), u.ExternalID}
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	case "pg_group":
		for _, g := range c.Groups() {
			if err := emit([]any{g.Name, g.ID, slices.Clone(g.Members)}); err != nil {
				return err
			}
		}
		return nil
	case "stv_sessions":
		c.sessMu.Lock()
		var rows [][]any
		for _, s := range c.sessions {
			u := c.cat.Load().users[s.userID]
			timeout := int32(0)
			if u != nil {
				timeout = int32(u.SessionTimeout)
			}
			rows = append(rows, []any{s.start, s.pid, s.userName, s.database, timeout})
		}
		c.sessMu.Unlock()
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}
	return c.audit.ScanSystemTable(ctx, table, emit)
}

// configText renders ALTER USER ... SET values as PostgreSQL's useconfig does.
func configText(cfg map[string]string) any {
	if len(cfg) == 0 {
		return nil
	}
	parts := make([]string, 0, len(cfg))
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		parts = append(parts, k+"="+cfg[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}
