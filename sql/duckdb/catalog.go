package duckdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// The catalog schema.
//
// Redshift's catalog knows what DuckDB's does not keep: a column's declared type
// (varchar(256), char(8)), its compression encoding, the table's distribution style and key,
// its sort key, BACKUP. CREATE TABLE records them (createtable.go) in two tables of a schema
// of the engine's own, catalogSchema, in the same transaction as the table, and the catalog
// views Redshift's tools read (PG_TABLE_DEF, SVV_TABLE_INFO, SVV_COLUMNS, SVV_TABLES) are
// views in that schema over DuckDB's duckdb_tables() and duckdb_columns() and those tables.
// A statement that names the schema is refused (42501); the rewriter puts the views in place
// of the catalog names (pg_table_def, pg_catalog.pg_table_def) where a relation is named.

// catalogSchema is the engine's own schema.
const catalogSchema = "fakeshift_catalog"

// catalogViews are the catalog relations the rewriter sends to catalogSchema.
var catalogViews = map[string]bool{
	"pg_table_def":    true,
	"svv_table_info":  true,
	"svv_columns":     true,
	"svv_tables":      true,
	"pg_namespace":    true,
	"pg_class":        true,
	"pg_roles":        true,
	"pg_auth_members": true,
	"pg_database":     true,
	// Made only when the engine serves the system tables (catalogUserSQL).
	"svv_relation_privileges": true,
	"svv_schema_privileges":   true,
}

// catalogFuncs are the catalog functions the rewriter sends to catalogSchema.
var catalogFuncs = map[string]bool{
	"has_table_privilege":    true,
	"has_schema_privilege":   true,
	"has_database_privilege": true,
	"pg_get_userbyid":        true,
	"pg_table_is_visible":    true,
	"pg_encoding_to_char":    true,
}

// catalogRelation answers the catalog view that stands for a relation name.
func catalogRelation(t sql.Token) (string, bool) {
	if t.Kind == sql.TokIdent && catalogViews[t.Value] {
		return catalogSchema + "." + t.Value, true
	}
	return "", false
}

// catalogFunction answers the catalog function that stands for a function name.
func catalogFunction(t sql.Token) (string, bool) {
	if t.Kind == sql.TokIdent && catalogFuncs[t.Value] {
		return catalogSchema + "." + t.Value, true
	}
	return "", false
}

// catalogSQL makes the catalog schema, its tables and views. It runs at every Open (the views
// are replaced, the tables kept).
var catalogSQL = strings.Join([]string{
	"CREATE SCHEMA IF NOT EXISTS " + catalogSchema,
	`CREATE TABLE IF NOT EXISTS ` + catalogSchema + `.tables (
		schema_name VARCHAR, table_name VARCHAR, diststyle VARCHAR, distkey VARCHAR,
		sortkind VARCHAR, sortcols VARCHAR, backup BOOLEAN)`,
	`CREATE TABLE IF NOT EXISTS ` + catalogSchema + `.columns (
		schema_name VARCHAR, table_name VARCHAR, column_name VARCHAR, ordinal INTEGER,
		type VARCHAR, encoding VARCHAR)`,
	// constraints: the primary and unique keys of the tables, which Redshift records and does
	// not enforce, so DuckDB is not given them (createtable.go); ordinal is the key's place
	// among the table's keys, name the one CONSTRAINT gave it (NULL: PostgreSQL's default).
	`CREATE TABLE IF NOT EXISTS ` + catalogSchema + `.constraints (
		schema_name VARCHAR, table_name VARCHAR, ordinal INTEGER, is_primary BOOLEAN, col_names VARCHAR[],
		name VARCHAR)`,

	// Owners and grants (privileges.go). kind is 'relation' (schema_name is the schema's
	// key, as in tables), 'schema' (name '') or 'database' (both ''); grantee_kind is 'user',
	// 'group' or 'public' (grantee 0). An object without an owner row is the master user's.
	`CREATE TABLE IF NOT EXISTS ` + catalogSchema + `.owners (kind VARCHAR, schema_name VARCHAR, name VARCHAR, owner INTEGER)`,
	`CREATE TABLE IF NOT EXISTS ` + catalogSchema + `.grants (kind VARCHAR, schema_name VARCHAR, name VARCHAR,
		grantee_kind VARCHAR, grantee INTEGER, privilege VARCHAR, grantable BOOLEAN, grantor INTEGER)`,
	catalogSeedSQL,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.owner_of(k, s, n) AS coalesce((SELECT o.owner FROM ` + catalogSchema + `.owners o
		WHERE o.kind = k AND o.schema_name = s AND o.name = n LIMIT 1), 100)`,
	// member_of: the groups of a user (pg_group, a system table, redefines it).
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.member_of(uid) AS TABLE SELECT CAST(NULL AS INTEGER) AS grosysid WHERE false`,
	// has_priv: the owner, or a grant to the user, a group of the user or PUBLIC; can_grant:
	// the owner, or such a grant WITH GRANT OPTION.
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.has_priv(uid, k, s, n, p) AS
		` + catalogSchema + `.owner_of(k, s, n) = uid OR EXISTS (SELECT 1 FROM ` + catalogSchema + `.grants g
			WHERE g.kind = k AND g.schema_name = s AND g.name = n AND g.privilege = p
			AND (g.grantee_kind = 'public' OR g.grantee_kind = 'user' AND g.grantee = uid
				OR g.grantee_kind = 'group' AND g.grantee IN (SELECT grosysid FROM ` + catalogSchema + `.member_of(uid))))`,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.can_grant(uid, k, s, n, p) AS
		` + catalogSchema + `.owner_of(k, s, n) = uid OR EXISTS (SELECT 1 FROM ` + catalogSchema + `.grants g
			WHERE g.kind = k AND g.schema_name = s AND g.name = n AND g.privilege = p AND g.grantable
			AND g.grantee_kind = 'user' AND g.grantee = uid)`,

	// rs_type: Redshift's name for a DuckDB column type, for columns whose declared type is
	// not recorded (CREATE TABLE AS, views).
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.rs_type(t) AS CASE
		WHEN t = 'VARCHAR' THEN 'character varying(256)'
		WHEN t = 'INTEGER' THEN 'integer'
		WHEN t = 'BIGINT' THEN 'bigint'
		WHEN t IN ('SMALLINT', 'TINYINT') THEN 'smallint'
		WHEN t = 'DOUBLE' THEN 'double precision'
		WHEN t = 'FLOAT' THEN 'real'
		WHEN t = 'BOOLEAN' THEN 'boolean'
		WHEN t = 'DATE' THEN 'date'
		WHEN t = 'TIMESTAMP' THEN 'timestamp without time zone'
		WHEN t = 'TIMESTAMP WITH TIME ZONE' THEN 'timestamp with time zone'
		WHEN t = 'TIME' THEN 'time without time zone'
		WHEN t = 'TIME WITH TIME ZONE' THEN 'time with time zone'
		WHEN t = 'JSON' THEN 'super'
		WHEN t = 'BLOB' THEN 'varbyte(64000)'
		WHEN t = 'HUGEINT' THEN 'numeric(38,0)'
		WHEN t LIKE 'DECIMAL(%' THEN 'numeric' || substr(t, 8)
		ELSE lower(t) END`,
	// rs_encoding: the encoding Redshift gives a column without ENCODE (the "Compression
	// encodings" page): RAW for sort key columns, BOOLEAN, REAL and DOUBLE PRECISION; AZ64 for
	// the other numbers, dates and times; LZO for characters.
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.rs_encoding(typ, sortkey) AS CASE
		WHEN sortkey <> 0 OR typ IN ('boolean', 'real', 'double precision') THEN 'none'
		WHEN typ LIKE 'character%' THEN 'lzo'
		WHEN typ = 'super' OR typ LIKE 'varbyte%' THEN 'zstd'
		ELSE 'az64' END`,
	// rel: every user relation with its catalog attributes.
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.rel AS
		SELECT t.table_oid AS oid, t.table_name AS name,
			CASE WHEN t.temporary THEN 'pg_temp_1' ELSE t.schema_name END AS schema_name,
			CASE WHEN t.temporary THEN '` + tempSchemaKey + `' ELSE t.schema_name END AS schema_key,
			t.temporary, 'BASE TABLE' AS kind, t.estimated_size AS rows, t.column_count, t.comment,
			coalesce(a.diststyle, 'AUTO') AS diststyle, a.distkey,
			coalesce(a.sortkind, 'AUTO') AS sortkind, a.sortcols, coalesce(a.backup, true) AS backup,
			` + catalogSchema + `.owner_of('relation', CASE WHEN t.temporary THEN '` + tempSchemaKey + `' ELSE t.schema_name END,
				t.table_name) AS owner
		FROM duckdb_tables() t
		LEFT JOIN ` + catalogSchema + `.tables a
			ON a.schema_name = CASE WHEN t.temporary THEN '` + tempSchemaKey + `' ELSE t.schema_name END
			AND a.table_name = t.table_name
		WHERE NOT t.internal AND t.schema_name <> '` + catalogSchema + `'
		UNION ALL
		SELECT v.view_oid, v.view_name, CASE WHEN v.temporary THEN 'pg_temp_1' ELSE v.schema_name END,
			CASE WHEN v.temporary THEN '` + tempSchemaKey + `' ELSE v.schema_name END,
			v.temporary, 'VIEW', NULL, v.column_count, v.comment, NULL, NULL, NULL, NULL, NULL,
			` + catalogSchema + `.owner_of('relation', CASE WHEN v.temporary THEN '` + tempSchemaKey + `' ELSE v.schema_name END,
				v.view_name)
		FROM duckdb_views() v
		WHERE NOT v.internal AND v.schema_name NOT IN ('` + catalogSchema + `', 'information_schema', 'pg_catalog')`,
	// col: every column of rel with its declared type, encoding and keys.
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.col AS
		WITH c AS (
			SELECT r.*, c.column_name, c.column_index AS ordinal, c.data_type, c.is_nullable,
				c.column_default, c.numeric_precision, c.numeric_scale,
				coalesce(a.type, ` + catalogSchema + `.rs_type(c.data_type)) AS type, a.encoding AS given_encoding,
				list_position(string_split(r.sortcols, ','), c.column_name) AS sortpos
			FROM ` + catalogSchema + `.rel r
			JOIN duckdb_columns() c ON c.table_oid = r.oid
			LEFT JOIN ` + catalogSchema + `.columns a
				ON a.schema_name = r.schema_key AND a.table_name = r.name AND a.column_name = c.column_name)
		SELECT *,
			coalesce(distkey = column_name, false) AS is_distkey,
			CASE WHEN sortpos IS NULL THEN 0
				WHEN sortkind = 'INTERLEAVED' AND sortpos % 2 = 0 THEN -sortpos
				ELSE sortpos END AS sortkey
		FROM c`,

	// PG_TABLE_DEF: the tables of the schemas on the search path (the PG_TABLE_DEF page).
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.pg_table_def AS
		SELECT schema_name AS schemaname, name AS tablename, column_name AS "column", type,
			coalesce(given_encoding, ` + catalogSchema + `.rs_encoding(type, sortkey)) AS encoding,
			is_distkey AS distkey, sortkey, NOT is_nullable AS notnull
		FROM ` + catalogSchema + `.col
		WHERE kind = 'BASE TABLE' AND (temporary OR list_contains(current_schemas(false), schema_name))
		ORDER BY schemaname, tablename, ordinal`,

	// SVV_TABLE_INFO: one row per table that holds rows (the page: "doesn't return any
	// information for empty tables").
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.svv_table_info AS
		SELECT current_database() AS database, r.schema_name AS schema, CAST(r.oid AS BIGINT) AS table_id,
			r.name AS "table",
			CASE WHEN EXISTS (SELECT 1 FROM ` + catalogSchema + `.col c WHERE c.oid = r.oid AND c.given_encoding IS NOT NULL
				AND c.given_encoding NOT IN ('raw', 'none')) THEN 'Y' ELSE 'Y, AUTO(ENCODE)' END AS encoded,
			CASE r.diststyle WHEN 'KEY' THEN 'KEY(' || r.distkey || ')' WHEN 'AUTO' THEN 'AUTO(ALL)' ELSE r.diststyle END AS diststyle,
			CASE WHEN r.sortkind = 'INTERLEAVED' THEN 'INTERLEAVED'
				WHEN r.sortcols IS NULL THEN 'AUTO(SORTKEY)'
				ELSE string_split(r.sortcols, ',')[1] END AS sortkey1,
			CAST(0 AS INTEGER) AS max_varchar,
			(SELECT coalesce(c.given_encoding, ` + catalogSchema + `.rs_encoding(c.type, c.sortkey)) FROM ` + catalogSchema + `.col c
				WHERE c.oid = r.oid AND c.sortkey IN (1, -1) LIMIT 1) AS sortkey1_enc,
			CAST(coalesce(len(string_split(r.sortcols, ',')), 0) AS INTEGER) AS sortkey_num,
			CAST(r.column_count + 3 AS BIGINT) AS size,
			CAST(0 AS DECIMAL(10,4)) AS pct_used,
			CAST(0 AS DECIMAL(10,4)) AS empty,
			CASE WHEN r.sortcols IS NULL THEN NULL ELSE CAST(0 AS DECIMAL(5,2)) END AS unsorted,
			CAST(0 AS DECIMAL(5,2)) AS stats_off,
			CAST(r.rows AS DECIMAL(38,0)) AS tbl_rows,
			CAST(NULL AS DECIMAL(19,2)) AS skew_sortkey1,
			CAST(NULL AS DECIMAL(19,2)) AS skew_rows,
			CAST(r.rows AS DECIMAL(38,0)) AS estimated_visible_rows,
			CAST(NULL AS VARCHAR) AS risk_event,
			CAST(NULL AS DECIMAL(12,2)) AS vacuum_sort_benefit,
			CAST(NULL AS TIMESTAMP) AS create_time
		FROM ` + catalogSchema + `.rel r
		WHERE r.kind = 'BASE TABLE' AND r.rows > 0`,

	// SVV_COLUMNS and SVV_TABLES: information_schema's shape, every visible relation.
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.svv_columns AS
		SELECT current_database() AS table_catalog, schema_name AS table_schema, name AS table_name,
			column_name, CAST(ordinal AS INTEGER) AS ordinal_position, column_default,
			CASE WHEN is_nullable THEN 'YES' ELSE 'NO' END AS is_nullable,
			regexp_replace(type, '\(.*\)', '') AS data_type,
			CASE WHEN type LIKE 'character%(%' THEN CAST(regexp_extract(type, '\((\d+)\)', 1) AS INTEGER) END AS character_maximum_length,
			CAST(numeric_precision AS INTEGER) AS numeric_precision,
			CASE WHEN numeric_precision IS NOT NULL THEN 10 END AS numeric_precision_radix,
			CAST(numeric_scale AS INTEGER) AS numeric_scale,
			CASE WHEN type LIKE 'time%' THEN 6 END AS datetime_precision,
			CAST(NULL AS VARCHAR) AS interval_type, CAST(NULL AS VARCHAR) AS interval_precision,
			CAST(NULL AS VARCHAR) AS character_set_catalog, CAST(NULL AS VARCHAR) AS character_set_schema,
			CAST(NULL AS VARCHAR) AS character_set_name, CAST(NULL AS VARCHAR) AS domain_name,
			CAST(NULL AS VARCHAR) AS remarks
		FROM ` + catalogSchema + `.col
		ORDER BY table_schema, table_name, ordinal_position`,
	// pg_catalog as psql, JDBC and SQLAlchemy read it (more in catalog_pg.go).
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.pg_auth_members AS
		SELECT CAST(NULL AS BIGINT) AS roleid, CAST(NULL AS BIGINT) AS member, CAST(NULL AS BIGINT) AS grantor,
			false AS admin_option WHERE false`,
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.pg_database AS
		SELECT CAST(1 AS BIGINT) AS oid, current_database() AS datname, CAST(100 AS INTEGER) AS datdba,
			CAST(6 AS INTEGER) AS encoding, 'C' AS datcollate, 'C' AS datctype, false AS datistemplate,
			true AS datallowconn, CAST(-1 AS INTEGER) AS datconnlimit, CAST(NULL AS VARCHAR[]) AS datacl`,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.pg_table_is_visible(id) AS
		EXISTS (SELECT 1 FROM ` + catalogSchema + `.rel r WHERE r.oid = id
			AND (r.temporary OR list_contains(current_schemas(false), r.schema_name)))`,
	// resolve: the relation that s.n names, or n through the search path (s NULL).
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.resolve(s, n) AS TABLE
		SELECT r.schema_key, r.name, r.temporary, r.kind, r.oid FROM ` + catalogSchema + `.rel r
		WHERE lower(r.name) = lower(n) AND CASE WHEN s IS NULL
			THEN r.temporary OR list_contains(current_schemas(false), r.schema_name)
			ELSE lower(r.schema_name) = lower(s) END
		ORDER BY r.temporary DESC, list_position(current_schemas(false), r.schema_name) LIMIT 1`,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.pg_encoding_to_char(e) AS CASE WHEN e = 6 THEN 'UNICODE' ELSE '' END`,
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.svv_tables AS
		SELECT current_database() AS table_catalog, schema_name AS table_schema, name AS table_name,
			kind AS table_type, comment AS remarks
		FROM ` + catalogSchema + `.rel
		ORDER BY table_schema, table_name`,
}, ";\n") + ";"

// importKeysSQL fills the constraints table of a database made before fakeshift kept keys
// there, from the keys its tables have in DuckDB (Open runs it once, when it makes the table).
const importKeysSQL = `INSERT INTO ` + catalogSchema + `.constraints
	SELECT t.schema_name, t.table_name,
		CAST(row_number() OVER (PARTITION BY k.table_oid ORDER BY k.constraint_index) AS INTEGER),
		k.constraint_type = 'PRIMARY KEY', k.constraint_column_names, NULL
	FROM duckdb_constraints() k JOIN duckdb_tables() t ON t.table_oid = k.table_oid
	WHERE k.constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND NOT t.temporary AND NOT t.internal
		AND t.schema_name <> '` + catalogSchema + `';`

// catalogSeedSQL gives a new database its owners and grants: the master user owns the
// database and schema public, and PUBLIC may use and create in public and make temporary
// tables. It does nothing once the database has an owner row.
const catalogSeedSQL = `INSERT INTO ` + catalogSchema + `.grants SELECT * FROM (VALUES
		('schema', 'public', '', 'public', 0, 'USAGE', false, 100),
		('schema', 'public', '', 'public', 0, 'CREATE', false, 100),
		('database', '', '', 'public', 0, 'TEMP', false, 100)) v
		WHERE NOT EXISTS (SELECT 1 FROM ` + catalogSchema + `.owners WHERE kind = 'database');
	INSERT INTO ` + catalogSchema + `.owners SELECT * FROM (VALUES ('database', '', '', 100), ('schema', 'public', '', 100)) v
		WHERE NOT EXISTS (SELECT 1 FROM ` + catalogSchema + `.owners WHERE kind = 'database')`

// catalogUserSQL makes the catalog views over the users (PG_USER, a system table): made only
// when the engine serves the system tables.
var catalogUserSQL = strings.Join([]string{
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.pg_get_userbyid(id) AS
		coalesce((SELECT usename FROM pg_user WHERE usesysid = id), 'unknown (OID=' || id || ')')`,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.member_of(uid) AS TABLE
		SELECT grosysid FROM pg_group WHERE list_contains(grolist, uid)`,
	// user_id: a user named by id or by name.
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.user_id(u) AS coalesce(TRY_CAST(u AS INTEGER),
		(SELECT usesysid FROM pg_user WHERE usename = CAST(u AS VARCHAR)))`,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.is_superuser(uid) AS coalesce((SELECT usesuper FROM pg_user WHERE usesysid = uid), false)`,
	// priv_name: a privilege as HAS_TABLE_PRIVILEGE takes it ('select', 'TEMPORARY').
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.priv_name(p) AS CASE upper(trim(p)) WHEN 'TEMPORARY' THEN 'TEMP' ELSE upper(trim(p)) END`,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.has_table_privilege(u, t, p) AS ` + hasTablePrivilege("u") +
		`, (t, p) AS ` + hasTablePrivilege("current_user_id()"),
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.has_schema_privilege(u, s, p) AS ` + hasPrivilege("u", "'schema', s, ''") +
		`, (s, p) AS ` + hasPrivilege("current_user_id()", "'schema', s, ''"),
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.has_database_privilege(u, d, p) AS ` + hasPrivilege("u", "'database', '', ''") +
		`, (d, p) AS ` + hasPrivilege("current_user_id()", "'database', '', ''"),
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.pg_roles AS
		SELECT CAST(usesysid AS BIGINT) AS oid, usename AS rolname, usesuper AS rolsuper, true AS rolinherit,
			usesuper AS rolcreaterole, usecreatedb AS rolcreatedb, true AS rolcanlogin, CAST(-1 AS INTEGER) AS rolconnlimit,
			valuntil AS rolvaliduntil, false AS rolreplication, usesuper AS rolbypassrls, CAST(NULL AS VARCHAR[]) AS rolconfig,
			'********' AS rolpassword
		FROM pg_user`,
	// svv_relation_privileges and svv_schema_privileges: the grants made explicitly (an
	// owner's rights are not grants), with their grantees' names. A superuser sees every
	// row; another user those of the identities that are his: himself, his groups, PUBLIC.
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.identity_name(kind, id) AS CASE kind
		WHEN 'user' THEN (SELECT usename FROM pg_user WHERE usesysid = id)
		WHEN 'group' THEN (SELECT groname FROM pg_group WHERE grosysid = id)
		ELSE 'public' END`,
	`CREATE OR REPLACE MACRO ` + catalogSchema + `.sees_identity(kind, id) AS
		` + catalogSchema + `.is_superuser(current_user_id()) OR kind = 'public'
		OR kind = 'user' AND id = current_user_id()
		OR kind = 'group' AND id IN (SELECT grosysid FROM ` + catalogSchema + `.member_of(current_user_id()))`,
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.svv_relation_privileges AS
		SELECT g.schema_name AS namespace_name, g.name AS relation_name, g.privilege AS privilege_type,
			CAST(g.grantee AS INTEGER) AS identity_id, ` + catalogSchema + `.identity_name(g.grantee_kind, g.grantee) AS identity_name,
			g.grantee_kind AS identity_type, g.grantee_kind = 'user' AND g.grantable AS admin_option
		FROM ` + catalogSchema + `.grants g
		WHERE g.kind = 'relation' AND ` + catalogSchema + `.sees_identity(g.grantee_kind, g.grantee)
		ORDER BY 1, 2, 3, 5`,
	`CREATE OR REPLACE VIEW ` + catalogSchema + `.svv_schema_privileges AS
		SELECT g.schema_name AS namespace_name, g.privilege AS privilege_type,
			CAST(g.grantee AS INTEGER) AS identity_id, ` + catalogSchema + `.identity_name(g.grantee_kind, g.grantee) AS identity_name,
			g.grantee_kind AS identity_type, g.grantee_kind = 'user' AND g.grantable AS admin_option,
			'SCHEMA' AS privilege_scope
		FROM ` + catalogSchema + `.grants g
		WHERE g.kind = 'schema' AND ` + catalogSchema + `.sees_identity(g.grantee_kind, g.grantee)
		ORDER BY 1, 2, 4`,
}, ";\n") + ";"

// hasTablePrivilege is HAS_TABLE_PRIVILEGE's body for the user expression u, the table t
// ('name' or 'schema.name') and the privilege p.
func hasTablePrivilege(u string) string {
	uid := catalogSchema + ".user_id(" + u + ")"
	return catalogSchema + ".is_superuser(" + uid + ") OR EXISTS (SELECT 1 FROM " + catalogSchema + `.resolve(
		CASE WHEN contains(t, '.') THEN split_part(t, '.', 1) END, CASE WHEN contains(t, '.') THEN split_part(t, '.', 2) ELSE t END) r
		WHERE r.temporary OR ` + catalogSchema + ".has_priv(" + uid + ", 'relation', r.schema_key, r.name, " + catalogSchema + ".priv_name(p)))"
}

// hasPrivilege is the body of HAS_SCHEMA_PRIVILEGE and HAS_DATABASE_PRIVILEGE for the user
// expression u and the object (kind, schema key, name) and the privilege p.
func hasPrivilege(u, object string) string {
	uid := catalogSchema + ".user_id(" + u + ")"
	return catalogSchema + ".is_superuser(" + uid + ") OR " + catalogSchema + ".has_priv(" + uid + ", " + object + ", " +
		catalogSchema + ".priv_name(p))"
}

// dialectMacros are the Redshift functions that are macros on every session's connection
// (temporary, so each session has its own and none is stored).
const dialectMacros = `
CREATE OR REPLACE TEMP MACRO getdate() AS date_trunc('second', current_timestamp AT TIME ZONE 'UTC');
CREATE OR REPLACE TEMP MACRO nvl2(e, a, b) AS CASE WHEN e IS NOT NULL THEN a ELSE b END;
CREATE OR REPLACE TEMP MACRO charindex(s, str) AS strpos(str, s);
CREATE OR REPLACE TEMP MACRO convert_timezone(tz, ts) AS timezone(tz, timezone('UTC', ts)),
	(src, tz, ts) AS timezone(tz, timezone(src, ts));
CREATE OR REPLACE TEMP MACRO dateadd(p, n, d) AS CASE lower(p)
	WHEN 'millennium' THEN d + to_years(CAST(n AS INTEGER) * 1000)
	WHEN 'century' THEN d + to_years(CAST(n AS INTEGER) * 100)
	WHEN 'decade' THEN d + to_years(CAST(n AS INTEGER) * 10)
	WHEN 'year' THEN d + to_years(CAST(n AS INTEGER))
	WHEN 'quarter' THEN d + to_months(CAST(n AS INTEGER) * 3)
	WHEN 'month' THEN d + to_months(CAST(n AS INTEGER))
	WHEN 'week' THEN d + to_days(CAST(n AS INTEGER) * 7)
	WHEN 'day' THEN d + to_days(CAST(n AS INTEGER))
	WHEN 'hour' THEN d + to_hours(CAST(n AS BIGINT))
	WHEN 'minute' THEN d + to_minutes(CAST(n AS BIGINT))
	WHEN 'second' THEN d + to_seconds(CAST(n AS DOUBLE))
	WHEN 'millisecond' THEN d + to_milliseconds(CAST(n AS DOUBLE))
	WHEN 'microsecond' THEN d + to_microseconds(CAST(n AS BIGINT))
	ELSE error('dateadd: invalid datepart ' || p) END;
`

// ResetCatalog gives the catalog schema back the owners and grants of a new database, with
// no table attributes and no IDENTITY sequences: what a cluster's Reset leaves once it has
// dropped every relation and schema. User ids start again after a reset, so a grant or an
// ownership left behind would pass to the next user given the same id. Run it with the
// sessions ended: a session's statement that writes the catalog meanwhile may conflict.
func (e *Engine) ResetCatalog(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("duckdb: reset catalog: %w", canceled(ctx))
	}
	// e.mu keeps Close from closing the database under the connection.
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return fmt.Errorf("duckdb: reset catalog: %w", errShutdown())
	}
	defer e.privGen.Add(1) // no session keeps a check it passed before
	c, err := e.rawConn()
	if err != nil {
		return fmt.Errorf("duckdb: reset catalog: %w", err)
	}
	defer mapping.Disconnect(&c.dc)
	seqs, serr := c.rawQuery(ctx, "SELECT sequence_name FROM duckdb_sequences() WHERE schema_name = "+quote(catalogSchema)+
		" AND sequence_name LIKE 'identity\\_%' ESCAPE '\\'")
	if serr != nil {
		return fmt.Errorf("duckdb: reset catalog: list sequences: %w", serr)
	}
	stmts := []string{"BEGIN TRANSACTION"}
	for _, t := range []string{"grants", "owners", "tables", "columns", "constraints"} {
		stmts = append(stmts, "DELETE FROM "+catalogSchema+"."+t)
	}
	stmts = append(stmts, catalogSeedSQL)
	for _, s := range seqs {
		name, _ := s[0].(string)
		stmts = append(stmts, "DROP SEQUENCE IF EXISTS "+catalogSchema+"."+quoteIdent(name))
	}
	if err := c.rawExec(ctx, strings.Join(append(stmts, "COMMIT"), ";\n")); err != nil {
		_ = c.rawExec(ctx, "ROLLBACK") // the error that matters is err
		return fmt.Errorf("duckdb: reset catalog: %w", err)
	}
	// With no session connected (none can connect while e.mu is held), no temporary view
	// exists: whether a view may exist is the database's to say again.
	if len(e.conns) == 0 {
		e.views.Store(false)
		if err := e.findViews(ctx); err != nil {
			e.views.Store(true)
			return fmt.Errorf("duckdb: reset catalog: look for views: %w", err)
		}
	}
	return nil
}
