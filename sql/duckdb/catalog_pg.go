package duckdb

import "strings"

// pg_catalog as the tools read it.
//
// psql's \d, pgjdbc's DatabaseMetaData and SQLAlchemy's PostgreSQL dialect read pg_class,
// pg_namespace, pg_attribute, pg_type, pg_attrdef, pg_index, pg_constraint, pg_description
// and a few catalogs that are empty here (inheritance, triggers, rules, policies,
// publications, statistics objects). These views answer them from DuckDB's own catalog and
// the catalog schema, with PostgreSQL's type OIDs and Redshift's type names (numeric(8,2),
// character varying(30)); each carries the columns of PostgreSQL 8.0 that Redshift has, plus
// the later ones that psql 15 and the drivers ask for. The primary and unique keys of a table
// are indexes named <table>_pkey and <table>_key<n>.

// pgCatalogViews are the pg_catalog relations served from the catalog schema (in addition
// to the ones catalog.go makes).
var pgCatalogViews = []string{
	"pg_namespace", "pg_class", "pg_attribute", "pg_type", "pg_attrdef", "pg_index", "pg_constraint",
	"pg_description", "pg_inherits", "pg_trigger", "pg_rewrite", "pg_policy", "pg_publication",
	"pg_publication_rel", "pg_statistic_ext", "pg_collation", "pg_am", "pg_tablespace", "pg_tables",
	"pg_views", "pg_proc", "pg_foreign_table", "pg_partitioned_table",
}

// pgCatalogFuncs are the pg_catalog functions served from the catalog schema.
var pgCatalogFuncs = []string{"format_type", "pg_get_expr", "pg_get_constraintdef", "pg_get_indexdef",
	"obj_description", "col_description", "pg_total_relation_size", "pg_relation_size", "pg_table_size",
	"pg_size_pretty", "pg_get_viewdef",
	"array_upper", "array_lower"}

func init() {
	for _, v := range pgCatalogViews {
		catalogViews[v] = true
	}
	for _, f := range pgCatalogFuncs {
		catalogFuncs[f] = true
	}
}

// The OIDs of the pg_catalog types (PostgreSQL's, and Redshift's for SUPER and VARBYTE).
var pgTypes = [][3]string{ // oid, typname, typlen
	{"16", "bool", "1"}, {"17", "bytea", "-1"}, {"18", "char", "1"}, {"19", "name", "64"}, {"20", "int8", "8"},
	{"21", "int2", "2"}, {"23", "int4", "4"}, {"24", "regproc", "4"}, {"25", "text", "-1"}, {"26", "oid", "4"},
	{"700", "float4", "4"}, {"701", "float8", "8"}, {"705", "unknown", "-2"}, {"1007", "_int4", "-1"},
	{"1009", "_text", "-1"}, {"1042", "bpchar", "-1"}, {"1043", "varchar", "-1"}, {"1082", "date", "4"},
	{"1083", "time", "8"}, {"1114", "timestamp", "8"}, {"1184", "timestamptz", "8"}, {"1186", "interval", "16"},
	{"1266", "timetz", "12"}, {"1700", "numeric", "-1"}, {"2278", "void", "4"}, {"4000", "super", "-1"},
	{"6551", "varbyte", "-1"},
}

// idxOID is the OID of a table's key index: DuckDB's table OID and constraint index.
const idxOID = "(1000000 + %s * 64 + %s)"

func indexOID(table, n string) string {
	return strings.Replace(strings.Replace(idxOID, "%s", table, 1), "%s", n, 1)
}

var pgCatalogSQL = func() string {
	var types []string
	for _, t := range pgTypes {
		types = append(types, "("+t[0]+", '"+t[1]+"', "+t[2]+")")
	}
	cs := catalogSchema
	return strings.Join([]string{
		// type_oid, type_mod: a column's type OID and modifier from its Redshift type name.
		`CREATE OR REPLACE MACRO ` + cs + `.type_oid(t) AS CASE
			WHEN t = 'smallint' THEN 21 WHEN t = 'integer' THEN 23 WHEN t = 'bigint' THEN 20
			WHEN t = 'real' THEN 700 WHEN t = 'double precision' THEN 701 WHEN t = 'boolean' THEN 16
			WHEN t LIKE 'numeric%' THEN 1700 WHEN t LIKE 'character varying%' THEN 1043 WHEN t LIKE 'character%' THEN 1042
			WHEN t = 'date' THEN 1082 WHEN t = 'timestamp without time zone' THEN 1114
			WHEN t = 'timestamp with time zone' THEN 1184 WHEN t = 'time without time zone' THEN 1083
			WHEN t = 'time with time zone' THEN 1266 WHEN t = 'super' THEN 4000 WHEN t LIKE 'varbyte%' THEN 6551
			WHEN t = 'interval' THEN 1186 ELSE 25 END`,
		`CREATE OR REPLACE MACRO ` + cs + `.type_mod(t) AS CAST(CASE
			WHEN t LIKE 'character%(%' OR t LIKE 'varbyte(%' THEN CAST(regexp_extract(t, '\((\d+)\)', 1) AS INTEGER) + 4
			WHEN t LIKE 'numeric(%' THEN (CAST(regexp_extract(t, '\((\d+),', 1) AS INTEGER) << 16)
				+ CAST(regexp_extract(t, ',(\d+)\)', 1) AS INTEGER) + 4
			ELSE -1 END AS INTEGER)`,
		`CREATE OR REPLACE MACRO ` + cs + `.format_type(t, m) AS CASE
			WHEN t = 1042 THEN 'character' || CASE WHEN m > 4 THEN '(' || (m - 4) || ')' ELSE '' END
			WHEN t = 1043 THEN 'character varying' || CASE WHEN m > 4 THEN '(' || (m - 4) || ')' ELSE '' END
			WHEN t = 6551 THEN 'varbyte' || CASE WHEN m > 4 THEN '(' || (m - 4) || ')' ELSE '' END
			WHEN t = 1700 THEN 'numeric' || CASE WHEN m > 4 THEN '(' || ((m - 4) >> 16) || ',' || ((m - 4) & 65535) || ')' ELSE '' END
			WHEN t = 16 THEN 'boolean' WHEN t = 20 THEN 'bigint' WHEN t = 21 THEN 'smallint' WHEN t = 23 THEN 'integer'
			WHEN t = 700 THEN 'real' WHEN t = 701 THEN 'double precision' WHEN t = 1082 THEN 'date'
			WHEN t = 1083 THEN 'time without time zone' WHEN t = 1114 THEN 'timestamp without time zone'
			WHEN t = 1184 THEN 'timestamp with time zone' WHEN t = 1266 THEN 'time with time zone'
			WHEN t = 1186 THEN 'interval' WHEN t = 4000 THEN 'super' WHEN t = 18 THEN '"char"' WHEN t = 19 THEN 'name'
			WHEN t = 1007 THEN 'integer[]' WHEN t = 1009 THEN 'text[]'
			ELSE coalesce((SELECT typname FROM (VALUES ` + strings.Join(types, ", ") + `) v(oid, typname, typlen) WHERE v.oid = t), '???') END`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_get_expr(e, r) AS e, (e, r, p) AS e`,
		`CREATE OR REPLACE MACRO ` + cs + `.array_upper(a, d) AS len(a), (a) AS len(a)`,
		`CREATE OR REPLACE MACRO ` + cs + `.array_lower(a, d) AS CASE WHEN len(a) > 0 THEN 1 END`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_total_relation_size(r) AS CAST(0 AS BIGINT)`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_relation_size(r) AS CAST(0 AS BIGINT)`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_table_size(r) AS CAST(0 AS BIGINT)`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_size_pretty(b) AS b || ' bytes'`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_get_viewdef(r) AS (SELECT sql FROM duckdb_views() WHERE view_oid = r),
			(r, p) AS (SELECT sql FROM duckdb_views() WHERE view_oid = r)`,

		`CREATE OR REPLACE VIEW ` + cs + `.pg_namespace AS
			SELECT CAST(s.oid AS BIGINT) AS oid,
				CASE WHEN s.database_name = 'temp' THEN 'pg_temp_1' ELSE s.schema_name END AS nspname,
				CAST(CASE WHEN s.database_name IN ('system', 'temp') THEN 1 ELSE ` + cs + `.owner_of('schema', s.schema_name, '') END AS INTEGER) AS nspowner,
				CAST(NULL AS VARCHAR[]) AS nspacl
			FROM duckdb_schemas() s
			WHERE (s.database_name NOT IN ('system', 'temp') AND s.schema_name NOT IN ('main', '` + cs + `'))
				OR (s.database_name = 'temp' AND s.schema_name = 'main')
				OR (s.database_name = 'system' AND s.schema_name IN ('pg_catalog', 'information_schema'))`,
		// keys: the primary and unique keys, as indexes.
		`CREATE OR REPLACE VIEW ` + cs + `.keys AS
			SELECT CAST(` + indexOID("r.oid", "k.ordinal") + ` AS BIGINT) AS oid, r.oid AS table_oid,
				coalesce(k.name, r.name || CASE WHEN k.is_primary THEN '_pkey'
					ELSE '_' || array_to_string(k.col_names, '_') || '_key' END) AS name,
				r.schema_name, k.is_primary,
				(SELECT list(CAST(c.column_index AS SMALLINT) ORDER BY u.i) FROM
					(SELECT unnest(k.col_names) AS n, generate_subscripts(k.col_names, 1) AS i) u
					JOIN duckdb_columns() c ON c.table_oid = r.oid AND lower(c.column_name) = lower(u.n)) AS cols,
				k.col_names, r.owner
			FROM ` + cs + `.constraints k JOIN ` + cs + `.rel r ON r.schema_key = k.schema_name AND r.name = k.table_name`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_class AS
			SELECT CAST(r.oid AS BIGINT) AS oid, r.name AS relname, n.oid AS relnamespace,
				CAST(0 AS BIGINT) AS reltype, CAST(0 AS BIGINT) AS reloftype, CAST(r.owner AS INTEGER) AS relowner,
				CAST(0 AS BIGINT) AS relam, CAST(r.oid AS BIGINT) AS relfilenode, CAST(0 AS BIGINT) AS reltablespace,
				CAST(0 AS INTEGER) AS relpages, CAST(coalesce(r.rows, 0) AS REAL) AS reltuples, CAST(0 AS INTEGER) AS relallvisible,
				CAST(0 AS BIGINT) AS reltoastrelid, CAST(0 AS BIGINT) AS reltoastidxid,
				EXISTS (SELECT 1 FROM ` + cs + `.keys k WHERE k.table_oid = r.oid) AS relhasindex,
				false AS relisshared, CASE WHEN r.temporary THEN 't' ELSE 'p' END AS relpersistence,
				CASE WHEN r.kind = 'VIEW' THEN 'v' ELSE 'r' END AS relkind,
				CAST(r.column_count AS SMALLINT) AS relnatts, CAST(0 AS SMALLINT) AS relchecks, CAST(0 AS SMALLINT) AS reltriggers,
				false AS relhasoids, EXISTS (SELECT 1 FROM ` + cs + `.keys k WHERE k.table_oid = r.oid AND k.is_primary) AS relhaspkey,
				false AS relhasrules, false AS relhastriggers, false AS relhassubclass, false AS relrowsecurity,
				false AS relforcerowsecurity, true AS relispopulated, 'd' AS relreplident, false AS relispartition,
				CAST(0 AS BIGINT) AS relrewrite, CAST(0 AS BIGINT) AS relfrozenxid, CAST(0 AS BIGINT) AS relminmxid,
				CAST(NULL AS VARCHAR[]) AS relacl, CAST(NULL AS VARCHAR[]) AS reloptions, CAST(NULL AS VARCHAR) AS relpartbound
			FROM ` + cs + `.rel r JOIN ` + cs + `.pg_namespace n ON n.nspname = r.schema_name
			UNION ALL
			SELECT k.oid, k.name, n.oid, 0, 0, CAST(k.owner AS INTEGER), 403, k.oid, 0, 0, 0, 0, 0, 0, false, false, 'p', 'i',
				CAST(len(k.cols) AS SMALLINT), 0, 0, false, false, false, false, false, false, false, true, 'n', false, 0, 0, 0,
				NULL, NULL, NULL
			FROM ` + cs + `.keys k JOIN ` + cs + `.pg_namespace n ON n.nspname = k.schema_name`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_type AS
			SELECT CAST(v.oid AS BIGINT) AS oid, v.typname, (SELECT oid FROM ` + cs + `.pg_namespace WHERE nspname = 'pg_catalog') AS typnamespace,
				CAST(1 AS INTEGER) AS typowner, CAST(v.typlen AS SMALLINT) AS typlen, v.typlen > 0 AND v.typlen <= 8 AS typbyval,
				CASE WHEN v.typname = 'void' THEN 'p' ELSE 'b' END AS typtype,
				CASE WHEN v.typname LIKE '\_%' ESCAPE '\' THEN 'A' WHEN v.oid IN (20, 21, 23, 26, 700, 701, 1700) THEN 'N'
					WHEN v.oid IN (18, 19, 25, 1042, 1043) THEN 'S' WHEN v.oid IN (1082, 1083, 1114, 1184, 1266) THEN 'D'
					WHEN v.oid = 16 THEN 'B' ELSE 'U' END AS typcategory,
				v.oid IN (25, 1043, 1184) AS typispreferred, true AS typisdefined, ',' AS typdelim, CAST(0 AS BIGINT) AS typrelid,
				CAST(CASE v.oid WHEN 1007 THEN 23 WHEN 1009 THEN 25 ELSE 0 END AS BIGINT) AS typelem,
				CAST(CASE v.oid WHEN 23 THEN 1007 WHEN 25 THEN 1009 ELSE 0 END AS BIGINT) AS typarray,
				v.typname || 'in' AS typinput, v.typname || 'out' AS typoutput, 'i' AS typalign, 'p' AS typstorage,
				false AS typnotnull, CAST(0 AS BIGINT) AS typbasetype, CAST(-1 AS INTEGER) AS typtypmod,
				CAST(0 AS INTEGER) AS typndims, CAST(0 AS BIGINT) AS typcollation, CAST(NULL AS VARCHAR) AS typdefault,
				CAST(NULL AS VARCHAR[]) AS typacl
			FROM (VALUES ` + strings.Join(types, ", ") + `) v(oid, typname, typlen)`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_attribute AS
			SELECT CAST(c.oid AS BIGINT) AS attrelid, c.column_name AS attname,
				CAST(` + cs + `.type_oid(c.type) AS BIGINT) AS atttypid, CAST(-1 AS INTEGER) AS attstattarget,
				CAST(coalesce((SELECT typlen FROM ` + cs + `.pg_type t WHERE t.oid = ` + cs + `.type_oid(c.type)), -1) AS SMALLINT) AS attlen,
				CAST(c.ordinal AS SMALLINT) AS attnum, CAST(0 AS INTEGER) AS attndims, CAST(-1 AS INTEGER) AS attcacheoff,
				` + cs + `.type_mod(c.type) AS atttypmod, false AS attbyval, 'p' AS attstorage, 'i' AS attalign,
				NOT c.is_nullable AS attnotnull, c.column_default IS NOT NULL AS atthasdef, false AS atthasmissing,
				'' AS attidentity, '' AS attgenerated, false AS attisdropped, true AS attislocal, CAST(0 AS INTEGER) AS attinhcount,
				CAST(0 AS BIGINT) AS attcollation, CAST(NULL AS VARCHAR[]) AS attacl, CAST(NULL AS VARCHAR[]) AS attoptions,
				CAST(NULL AS VARCHAR[]) AS attfdwoptions, c.is_distkey AS attisdistkey, CAST(c.sortkey AS INTEGER) AS attsortkeyord
			FROM ` + cs + `.col c
			UNION ALL
			SELECT k.oid, c.column_name, CAST(` + cs + `.type_oid(c.type) AS BIGINT), -1, -1, CAST(list_position(k.cols, c.ordinal) AS SMALLINT),
				0, -1, ` + cs + `.type_mod(c.type), false, 'p', 'i', false, false, false, '', '', false, true, 0, 0, NULL, NULL, NULL,
				false, 0
			FROM ` + cs + `.keys k JOIN ` + cs + `.col c ON c.oid = k.table_oid AND list_contains(k.cols, c.ordinal)`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_attrdef AS
			SELECT CAST(c.oid * 1000 + c.ordinal AS BIGINT) AS oid, CAST(c.oid AS BIGINT) AS adrelid, CAST(c.ordinal AS SMALLINT) AS adnum,
				CASE WHEN c.column_default LIKE 'nextval(''` + cs + `.identity_%' THEN
					'"identity"(' || c.oid || ', ' || (c.ordinal - 1) || ', ''' || coalesce((SELECT s.start_value || ',' || s.increment_by
						FROM duckdb_sequences() s WHERE s.sequence_name = regexp_extract(c.column_default, 'identity_[0-9a-f]+')), '1,1') || '''::text)'
					ELSE c.column_default END AS adbin,
				CASE WHEN c.column_default LIKE 'nextval(''` + cs + `.identity_%' THEN
					'"identity"(' || c.oid || ', ' || (c.ordinal - 1) || ', ''' || coalesce((SELECT s.start_value || ',' || s.increment_by
						FROM duckdb_sequences() s WHERE s.sequence_name = regexp_extract(c.column_default, 'identity_[0-9a-f]+')), '1,1') || '''::text)'
					ELSE c.column_default END AS adsrc
			FROM ` + cs + `.col c WHERE c.column_default IS NOT NULL`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_index AS
			SELECT k.oid AS indexrelid, CAST(k.table_oid AS BIGINT) AS indrelid, CAST(len(k.cols) AS SMALLINT) AS indnatts,
				CAST(len(k.cols) AS SMALLINT) AS indnkeyatts, true AS indisunique, k.is_primary AS indisprimary,
				false AS indisexclusion, true AS indimmediate, false AS indisclustered, true AS indisvalid, false AS indcheckxmin,
				true AS indisready, true AS indislive, false AS indisreplident, k.cols AS indkey,
				CAST(NULL AS VARCHAR) AS indcollation, CAST(NULL AS VARCHAR) AS indclass, CAST(NULL AS VARCHAR) AS indoption,
				CAST(NULL AS VARCHAR) AS indexprs, CAST(NULL AS VARCHAR) AS indpred
			FROM ` + cs + `.keys k`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_get_indexdef(i) AS (SELECT 'CREATE UNIQUE INDEX ' || k.name || ' ON ' || k.schema_name || '.' ||
			r.name || ' USING btree (' || array_to_string(k.col_names, ', ') || ')' FROM ` + cs + `.keys k JOIN ` + cs + `.rel r ON r.oid = k.table_oid
			WHERE k.oid = i), (i, n, p) AS (SELECT CASE WHEN n = 0 THEN 'CREATE UNIQUE INDEX ' || k.name || ' ON ' || k.schema_name || '.' ||
			r.name || ' USING btree (' || array_to_string(k.col_names, ', ') || ')' ELSE k.col_names[n] END
			FROM ` + cs + `.keys k JOIN ` + cs + `.rel r ON r.oid = k.table_oid WHERE k.oid = i)`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_constraint AS
			SELECT k.oid AS oid, k.name AS conname, n.oid AS connamespace, CASE WHEN k.is_primary THEN 'p' ELSE 'u' END AS contype,
				false AS condeferrable, false AS condeferred, true AS convalidated, CAST(k.table_oid AS BIGINT) AS conrelid,
				CAST(0 AS BIGINT) AS contypid, k.oid AS conindid, CAST(0 AS BIGINT) AS conparentid, CAST(0 AS BIGINT) AS confrelid,
				' ' AS confupdtype, ' ' AS confdeltype, ' ' AS confmatchtype, true AS conislocal, CAST(0 AS INTEGER) AS coninhcount,
				true AS connoinherit, k.cols AS conkey, CAST(NULL AS SMALLINT[]) AS confkey, CAST(NULL AS VARCHAR) AS conbin,
				CAST(NULL AS VARCHAR) AS consrc
			FROM ` + cs + `.keys k JOIN ` + cs + `.pg_namespace n ON n.nspname = k.schema_name`,
		`CREATE OR REPLACE MACRO ` + cs + `.pg_get_constraintdef(c) AS (SELECT CASE WHEN k.is_primary THEN 'PRIMARY KEY' ELSE 'UNIQUE' END ||
			' (' || array_to_string(k.col_names, ', ') || ')' FROM ` + cs + `.keys k WHERE k.oid = c),
			(c, p) AS (SELECT CASE WHEN k.is_primary THEN 'PRIMARY KEY' ELSE 'UNIQUE' END ||
			' (' || array_to_string(k.col_names, ', ') || ')' FROM ` + cs + `.keys k WHERE k.oid = c)`,
		// pg_description: COMMENT ON TABLE and COMMENT ON COLUMN (classoid 1259 is pg_class).
		`CREATE OR REPLACE VIEW ` + cs + `.pg_description AS
			SELECT CAST(r.oid AS BIGINT) AS objoid, CAST(1259 AS BIGINT) AS classoid, CAST(0 AS INTEGER) AS objsubid, r.comment AS description
			FROM ` + cs + `.rel r WHERE r.comment IS NOT NULL
			UNION ALL
			SELECT CAST(c.table_oid AS BIGINT), 1259, CAST(c.column_index AS INTEGER), c.comment
			FROM duckdb_columns() c WHERE c.comment IS NOT NULL AND c.schema_name <> '` + cs + `'`,
		`CREATE OR REPLACE MACRO ` + cs + `.obj_description(o, c) AS (SELECT d.description FROM ` + cs + `.pg_description d
			WHERE d.objoid = o AND d.objsubid = 0), (o) AS (SELECT d.description FROM ` + cs + `.pg_description d WHERE d.objoid = o AND d.objsubid = 0)`,
		`CREATE OR REPLACE MACRO ` + cs + `.col_description(o, n) AS (SELECT d.description FROM ` + cs + `.pg_description d
			WHERE d.objoid = o AND d.objsubid = n)`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_am AS SELECT CAST(403 AS BIGINT) AS oid, 'btree' AS amname, 'i' AS amtype`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_tablespace AS SELECT CAST(1663 AS BIGINT) AS oid, 'pg_default' AS spcname,
			CAST(1 AS INTEGER) AS spcowner, CAST(NULL AS VARCHAR[]) AS spcacl, CAST(NULL AS VARCHAR[]) AS spcoptions`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_tables AS
			SELECT schema_name AS schemaname, name AS tablename, ` + cs + `.pg_get_userbyid(owner) AS tableowner,
				CAST(NULL AS VARCHAR) AS tablespace, false AS hasindexes, false AS hasrules, false AS hastriggers, false AS rowsecurity
			FROM ` + cs + `.rel WHERE kind = 'BASE TABLE'`,
		`CREATE OR REPLACE VIEW ` + cs + `.pg_views AS
			SELECT r.schema_name AS schemaname, r.name AS viewname, ` + cs + `.pg_get_userbyid(r.owner) AS viewowner, v.sql AS definition
			FROM ` + cs + `.rel r JOIN duckdb_views() v ON v.view_oid = r.oid`,
	}, ";\n") + ";" + emptyCatalogsSQL()
}()

// emptyCatalogs are catalogs that hold nothing here, with the columns the tools read.
var emptyCatalogs = map[string]string{
	"pg_inherits":          "inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER, inhdetachpending BOOLEAN",
	"pg_trigger":           "oid BIGINT, tgrelid BIGINT, tgparentid BIGINT, tgname VARCHAR, tgfoid BIGINT, tgtype SMALLINT, tgenabled VARCHAR, tgisinternal BOOLEAN, tgconstraint BIGINT",
	"pg_rewrite":           "oid BIGINT, rulename VARCHAR, ev_class BIGINT, ev_type VARCHAR, ev_enabled VARCHAR, is_instead BOOLEAN",
	"pg_policy":            "oid BIGINT, polname VARCHAR, polrelid BIGINT, polcmd VARCHAR, polpermissive BOOLEAN, polroles BIGINT[], polqual VARCHAR, polwithcheck VARCHAR",
	"pg_publication":       "oid BIGINT, pubname VARCHAR, pubowner BIGINT, puballtables BOOLEAN, pubinsert BOOLEAN, pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN",
	"pg_publication_rel":   "oid BIGINT, prpubid BIGINT, prrelid BIGINT, prqual VARCHAR, prattrs VARCHAR",
	"pg_statistic_ext":     "oid BIGINT, stxrelid BIGINT, stxname VARCHAR, stxnamespace BIGINT, stxowner BIGINT, stxstattarget INTEGER, stxkeys VARCHAR, stxkind VARCHAR[]",
	"pg_collation":         "oid BIGINT, collname VARCHAR, collnamespace BIGINT, collowner BIGINT, collprovider VARCHAR, collisdeterministic BOOLEAN, collencoding INTEGER, collcollate VARCHAR, collctype VARCHAR",
	"pg_proc":              "oid BIGINT, proname VARCHAR, pronamespace BIGINT, proowner BIGINT, prolang BIGINT, prokind VARCHAR, proretset BOOLEAN, prorettype BIGINT, pronargs SMALLINT, proargtypes VARCHAR, prosrc VARCHAR",
	"pg_foreign_table":     "ftrelid BIGINT, ftserver BIGINT, ftoptions VARCHAR[]",
	"pg_partitioned_table": "partrelid BIGINT, partstrat VARCHAR, partnatts SMALLINT, partdefid BIGINT, partattrs VARCHAR",
}

func emptyCatalogsSQL() string {
	var b strings.Builder
	for _, name := range []string{"pg_inherits", "pg_trigger", "pg_rewrite", "pg_policy", "pg_publication",
		"pg_publication_rel", "pg_statistic_ext", "pg_collation", "pg_proc", "pg_foreign_table", "pg_partitioned_table"} {
		var cols []string
		for _, c := range strings.Split(emptyCatalogs[name], ", ") {
			n, t, _ := strings.Cut(c, " ")
			cols = append(cols, "CAST(NULL AS "+t+") AS "+n)
		}
		b.WriteString("CREATE OR REPLACE VIEW " + catalogSchema + "." + name + " AS SELECT " + strings.Join(cols, ", ") + " WHERE false;\n")
	}
	return b.String()
}
