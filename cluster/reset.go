package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fakeshift/fakeshift/sql"
)

// ResetResult is what Reset removed from a cluster.
type ResetResult struct {
	// Sessions is how many sessions were ended (FATAL 57P01).
	Sessions int `json:"sessions"`
	// Users and Groups are the users (but rdsdb and the master user) and groups removed.
	Users  []string `json:"users"`
	Groups []string `json:"groups"`
	// Tables, Views and Schemas are the relations (schema.name) and schemas dropped.
	Tables  []string `json:"tables"`
	Views   []string `json:"views"`
	Schemas []string `json:"schemas"`
	// Datashares are the datashares removed.
	Datashares []string `json:"datashares"`
	// Records is how many audit records were removed.
	Records int `json:"audit_records"`
}

// Reset makes the cluster as it was when first made: every session ends with FATAL 57P01
// (as at a reboot), every table, view and schema but public is dropped, every user but
// rdsdb and the master user and every group is removed, with the datashares and the IAM
// credentials issued, and the engine forgets every owner and grant but a new database's;
// the master user is made again with the cluster's master password (a cluster restarted
// without one keeps its master user as it is), and the audit log is emptied but for the
// master user's creation, with which Redshift's user log starts. User ids start again at
// 101 (so no grant may outlive its user); audit identifiers (pids, transaction and query
// ids) go on increasing.
//
// The endpoint goes on accepting connections: a session that logs in while Reset runs may
// see the cluster half reset, and what it writes may stay. Reset the cluster when its
// clients are quiet.
func (c *Cluster) Reset(ctx context.Context) (ResetResult, error) {
	res := ResetResult{Users: []string{}, Groups: []string{}, Tables: []string{}, Views: []string{}, Schemas: []string{},
		Datashares: []string{}}
	c.sessMu.Lock()
	res.Sessions = len(c.sessions)
	c.sessMu.Unlock()
	if err := c.srv.EndSessions(ctx); err != nil {
		return res, fmt.Errorf("cluster %s: reset: %w", c.spec.ID, err)
	}
	if err := c.dropRelations(ctx, &res); err != nil {
		return res, fmt.Errorf("cluster %s: reset: %w", c.spec.ID, err)
	}
	// The owners and grants go with the users they name: the ids are given again.
	if err := c.engine.ResetCatalog(ctx); err != nil {
		return res, fmt.Errorf("cluster %s: reset: %w", c.spec.ID, err)
	}
	shares, err := c.Datashares()
	if err != nil {
		return res, fmt.Errorf("cluster %s: reset: %w", c.spec.ID, err)
	}
	for _, d := range shares {
		res.Datashares = append(res.Datashares, d.Name)
	}

	c.catMu.Lock()
	defer c.catMu.Unlock()
	old := c.cat.Load()
	for _, u := range old.users {
		if u.ID != rdsdbUserID && u.ID != masterUserID {
			res.Users = append(res.Users, u.Name)
		}
	}
	for _, g := range old.groups {
		res.Groups = append(res.Groups, g.Name)
	}
	slices.Sort(res.Users)
	slices.Sort(res.Groups)
	// Users, groups, their id counters, datashares and IAM credentials: the whole space.
	if _, err := c.space.DeletePrefix(nil); err != nil {
		return res, fmt.Errorf("cluster %s: reset catalog: %w", c.spec.ID, err)
	}
	if res.Records, err = c.audit.Reset(); err != nil {
		return res, fmt.Errorf("cluster %s: %w", c.spec.ID, err)
	}
	fresh := newCatalog()
	if master := old.users[masterUserID]; master != nil && c.spec.MasterPassword == "" {
		// Restarted without its password (an API cluster after a restart): keep the master.
		if err := persist(c.space, []change{{user: master}}); err != nil {
			return res, fmt.Errorf("cluster %s: reset catalog: %w", c.spec.ID, err)
		}
		fresh.users[masterUserID] = master
	}
	if err := c.bootstrap(fresh); err != nil {
		return res, fmt.Errorf("cluster %s: reset catalog: %w", c.spec.ID, err)
	}
	c.log.Info("cluster reset", "sessions", res.Sessions, "users", len(res.Users), "tables", len(res.Tables),
		"audit_records", res.Records)
	return res, nil
}

// dropRelations drops, through an engine connection of rdsdb's, every view, table and
// schema (but public) a user made.
func (c *Cluster) dropRelations(ctx context.Context, res *ResetResult) error {
	conn, err := c.engine.Connect(ctx, sql.Identity{User: "rdsdb", UserID: rdsdbUserID, Superuser: true,
		Database: c.spec.Database, Version: VersionString})
	if err != nil {
		return fmt.Errorf("connect to the SQL engine: %w", err)
	}
	defer conn.Close()
	rels, err := queryText(ctx, conn,
		"select table_type, table_schema, table_name from svv_tables where table_schema <> 'pg_temp_1'")
	if err != nil {
		return fmt.Errorf("list relations: %w", err)
	}
	schemas, err := queryText(ctx, conn, "select nspname from pg_namespace"+
		" where nspname not in ('public', 'information_schema', 'pg_catalog', 'pg_temp_1')")
	if err != nil {
		return fmt.Errorf("list schemas: %w", err)
	}
	// Views first (they depend on tables), then tables, then the schemas with what is left.
	slices.SortStableFunc(rels, func(a, b []string) int { return cmp.Compare(b[0], a[0]) }) // VIEW > BASE TABLE
	var errs []error
	for _, r := range rels {
		name := r[1] + "." + r[2]
		kind, list := "TABLE", &res.Tables
		if r[0] == "VIEW" {
			kind, list = "VIEW", &res.Views
		}
		if slices.ContainsFunc(schemas, func(s []string) bool { return s[0] == r[1] }) {
			*list = append(*list, name) // dropped with its schema
			continue
		}
		if err := resetExec(ctx, conn, "DROP "+kind+" IF EXISTS "+resetIdent(r[1])+"."+resetIdent(r[2])); err != nil {
			errs = append(errs, fmt.Errorf("drop %s %s: %w", strings.ToLower(kind), name, err))
			continue
		}
		*list = append(*list, name)
	}
	for _, s := range schemas {
		if err := resetExec(ctx, conn, "DROP SCHEMA IF EXISTS "+resetIdent(s[0])+" CASCADE"); err != nil {
			errs = append(errs, fmt.Errorf("drop schema %s: %w", s[0], err))
			continue
		}
		res.Schemas = append(res.Schemas, s[0])
	}
	return errors.Join(errs...)
}

// queryText runs query with args on conn and returns its rows, each value in its text
// form (fmt.Sprint: nil is "<nil>").
func queryText(ctx context.Context, conn sql.Conn, query string, args ...any) ([][]string, error) {
	st, err := conn.Prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rows, err := st.Query(ctx, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	dest := make([]any, len(st.Columns()))
	for {
		if err := rows.Next(dest); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return out, err
		}
		row := make([]string, len(dest))
		for i, v := range dest {
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
}

// resetExec runs one statement and discards its rows.
func resetExec(ctx context.Context, conn sql.Conn, query string) error {
	st, err := conn.Prepare(ctx, query)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.Query(ctx, nil)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		if err := rows.Next(nil); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// resetIdent quotes an identifier.
func resetIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
