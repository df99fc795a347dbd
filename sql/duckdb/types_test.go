package duckdb

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTypes(t *testing.T) {
	c := newConn(t)
	mustRun(t, c, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
	ts := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	tests := []struct {
		expr  string
		oid   uint32
		size  int16
		mod   int32
		value any
	}{
		{"true", 16, 1, -1, true},
		{"1::tinyint", 21, 2, -1, int16(1)},
		{"-2::smallint", 21, 2, -1, int16(-2)},
		{"200::utinyint", 21, 2, -1, int16(200)},
		{"3::integer", 23, 4, -1, int32(3)},
		{"60000::usmallint", 23, 4, -1, int32(60000)},
		{"4::bigint", 20, 8, -1, int64(4)},
		{"4000000000::uinteger", 20, 8, -1, int64(4000000000)},
		{"18446744073709551615::ubigint", 1700, -1, -1, Numeric("18446744073709551615")},
		{"170141183460469231731687303715884105727::hugeint", 1700, -1, -1, Numeric("170141183460469231731687303715884105727")},
		{"-170141183460469231731687303715884105727::hugeint", 1700, -1, -1, Numeric("-170141183460469231731687303715884105727")},
		{"-5::hugeint", 1700, -1, -1, Numeric("-5")},
		{"340282366920938463463374607431768211455::uhugeint", 1700, -1, -1, Numeric("340282366920938463463374607431768211455")},
		{"123.45::decimal(10,2)", 1700, -1, (10<<16 | 2) + 4, Numeric("123.45")},
		{"12.50::decimal(4,2)", 1700, -1, (4<<16 | 2) + 4, Numeric("12.50")},
		{"-0.05::decimal(4,2)", 1700, -1, (4<<16 | 2) + 4, Numeric("-0.05")},
		{"7::decimal(18,0)", 1700, -1, (18 << 16) + 4, Numeric("7")},
		{"-12345678901234567890123.456::decimal(38,3)", 1700, -1, (38<<16 | 3) + 4, Numeric("-12345678901234567890123.456")},
		{"1.5::real", 700, 4, -1, float32(1.5)},
		{"2.25::double", 701, 8, -1, 2.25},
		{"'héllo'::varchar", 1043, -1, -1, "héllo"},
		{"'a string longer than twelve bytes'::varchar(40)", 1043, -1, -1, "a string longer than twelve bytes"},
		{"'x'::char(3)", 1043, -1, -1, "x"},
		{`'{"a": 1}'::json`, 114, -1, -1, `{"a": 1}`},
		{"'happy'::mood", 1043, -1, -1, "happy"},
		{`'\x00\xff'::blob`, 17, -1, -1, []byte{0, 0xff}},
		{"'2024-01-02'::date", 1082, 4, -1, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"'1900-03-04'::date", 1082, 4, -1, time.Date(1900, 3, 4, 0, 0, 0, 0, time.UTC)},
		{"'infinity'::date", 1082, 4, -1, Infinity},
		{"'03:04:05.5'::time", 1083, 8, -1, Time{Micros: (3*3600+4*60+5)*1e6 + 5e5}},
		{"'2024-01-02 03:04:05.123456'::timestamp", 1114, 8, -1, ts},
		{"'2024-01-02 03:04:05'::timestamp_s", 1114, 8, -1, ts.Truncate(time.Second)},
		{"'2024-01-02 03:04:05.123'::timestamp_ms", 1114, 8, -1, ts.Truncate(time.Millisecond)},
		{"'2024-01-02 03:04:05.123456789'::timestamp_ns", 1114, 8, -1, ts.Add(789)},
		{"'-infinity'::timestamp", 1114, 8, -1, NegativeInfinity},
		{"'2024-01-02 05:04:05.123456+02'::timestamptz", 1184, 8, -1, ts},
		{"interval '1 day 2 hours 3 minutes 4 seconds'", 1186, 16, -1, Interval{Days: 1, Micros: (2*3600 + 3*60 + 4) * 1e6}},
		{"'8c7f1d6e-2a3b-4c5d-9e8f-0a1b2c3d4e5f'::uuid", 2950, 16, -1, "8c7f1d6e-2a3b-4c5d-9e8f-0a1b2c3d4e5f"},
		{"'00000000-0000-0000-0000-000000000001'::uuid", 2950, 16, -1, "00000000-0000-0000-0000-000000000001"},
		{"[1, 2, NULL]", 25, -1, -1, "[1, 2, NULL]"},
		{"['a', 'b c', 'it''s']", 25, -1, -1, `[a, b c, 'it\'s']`},
		{"[[1], []]", 25, -1, -1, "[[1], []]"},
		{"[1, 2]::integer[2]", 25, -1, -1, "[1, 2]"},
		{"{'x': 'y', 'n': NULL, 'l': [1.5]}", 25, -1, -1, "{'x': y, 'n': NULL, 'l': [1.5]}"},
		{"map([1, 2], ['a', 'b'])", 25, -1, -1, "{1=a, 2=b}"},
		{"'101'::bit", 1562, -1, -1, "101"},
		{"'0000000011'::bit", 1562, -1, -1, "0000000011"},
		{"NULL::integer", 23, 4, -1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			r := mustRun(t, c, "SELECT "+tc.expr+" AS v")
			require.Len(t, r.cols, 1)
			require.Equal(t, "v", r.cols[0].Name)
			require.Equal(t, tc.oid, r.cols[0].TypeOID, "oid")
			require.Equal(t, tc.size, r.cols[0].Size, "typlen")
			require.Equal(t, tc.mod, r.cols[0].TypeMod, "typmod")
			require.Len(t, r.rows, 1)
			require.Equal(t, tc.value, r.rows[0][0])
		})
	}
}

// A type that has no PostgreSQL counterpart here fails the statement rather than returning
// something wrong.
func TestUnsupportedType(t *testing.T) {
	c := newConn(t)
	e := sqlErr(t, c, "SELECT '12345678901234567890123456789012345678901234567890'::bignum AS big")
	require.Equal(t, "0A000", e.Code)
	require.Equal(t, `column "big" has a data type that cannot be returned; cast it to varchar`, e.Message)
	r := mustRun(t, c, "SELECT '12345678901234567890123456789012345678901234567890'::bignum::varchar")
	require.Equal(t, "12345678901234567890123456789012345678901234567890", r.rows[0][0])
}

// Redshift's integer division: an integer divided by an integer truncates.
func TestIntegerDivision(t *testing.T) {
	c := newConn(t)
	r := mustRun(t, c, "SELECT 7/2, -7/2, 7.0/2, 1/3*3, 7 % 3, 7.5 % 2, 10::bigint / 3")
	require.Equal(t, []any{int32(3), int32(-3), 3.5, int32(0), int32(1), Numeric("1.5"), int64(3)}, r.rows[0])
	require.Equal(t, uint32(23), r.cols[0].TypeOID)
	// Rows the WHERE clause removes are never divided.
	require.Empty(t, mustRun(t, c, "SELECT x / y FROM (VALUES (1, 0)) t(x, y) WHERE y <> 0").rows)
}

func TestIntervalText(t *testing.T) {
	tests := []struct {
		iv   Interval
		want string
	}{
		{Interval{}, "00:00:00"},
		{Interval{Days: 1, Micros: 2 * 3600e6}, "1 day 02:00:00"},
		{Interval{Months: 14, Days: 3, Micros: 4*3600e6 + 5*60e6 + 6.789e6}, "1 year 2 mons 3 days 04:05:06.789"},
		{Interval{Months: -1, Days: 3}, "-1 mons +3 days"},
		{Interval{Days: -1, Micros: 3600e6}, "-1 days +01:00:00"},
		{Interval{Micros: -90e6}, "-00:01:30"},
		{Interval{Months: 24}, "2 years"},
		{Interval{Micros: 100 * 3600e6}, "100:00:00"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, tc.iv.String(), "%+v", tc.iv)
	}
	c := newConn(t)
	r := mustRun(t, c, "SELECT interval '1 year 2 months 3 days 04:05:06.789', interval '-1 month 3 days'")
	require.Equal(t, "1 year 2 mons 3 days 04:05:06.789", r.rows[0][0].(Interval).String())
	require.Equal(t, "-1 mons +3 days", r.rows[0][1].(Interval).String())
}

func TestTimeText(t *testing.T) {
	require.Equal(t, "03:04:05.5", Time{Micros: (3*3600+4*60+5)*1e6 + 5e5}.String())
	require.Equal(t, "00:00:00", Time{}.String())
	require.Equal(t, "12:00:00+01", TimeTZ{Micros: 12 * 3600e6, Offset: 3600}.String())
	require.Equal(t, "12:00:00-05:30", TimeTZ{Micros: 12 * 3600e6, Offset: -5*3600 - 1800}.String())
	c := newConn(t)
	r := mustRun(t, c, "SELECT '12:00:00+01'::timetz AS v")
	require.Equal(t, uint32(1266), r.cols[0].TypeOID)
	require.Equal(t, "12:00:00+01", r.rows[0][0].(TimeTZ).String())
}

// PostgreSQL's names for result columns, folded to lower case as Redshift does.
func TestColumnNames(t *testing.T) {
	c := newConn(t)
	mustRun(t, c, `CREATE TABLE t("Mixed" int, b int)`)
	mustRun(t, c, "INSERT INTO t VALUES (1, 2)")
	tests := []struct {
		query string
		names []string
	}{
		{"SELECT 1", []string{"?column?"}},
		{"SELECT 'x', 1 + 2, -b FROM t", []string{"?column?", "?column?", "?column?"}},
		{"SELECT count(*), count(b), sum(b), max(b) AS Top FROM t", []string{"count", "count", "sum", "top"}},
		{`SELECT "Mixed", b AS "Two Words", t.b FROM t`, []string{"mixed", "two words", "b"}},
		{"SELECT 1::int, b::varchar, CAST('x' AS text) FROM t", []string{"int4", "b", "varchar"}},
		{"SELECT now(), coalesce(NULL, 1), current_user, version()", []string{"now", "coalesce", "current_user", "version"}},
		{"SELECT CASE WHEN b > 1 THEN 1 ELSE 0 END FROM t", []string{"case"}},
		{"SELECT [1], {'a': 1}", []string{"array", "row"}},
	}
	for _, tc := range tests {
		r := mustRun(t, c, tc.query)
		names := make([]string, len(r.cols))
		for i, col := range r.cols {
			names[i] = col.Name
		}
		require.Equal(t, tc.names, names, tc.query)
	}
}

// A result far larger than a chunk streams in order, and its tag counts every row.
func TestStreaming(t *testing.T) {
	c := newConn(t)
	st, err := c.Prepare(t.Context(), "SELECT i, 'row ' || i FROM range(100000) t(i)")
	require.NoError(t, err)
	defer st.Close()
	rows, err := st.Query(t.Context(), nil)
	require.NoError(t, err)
	defer rows.Close()
	dest := make([]any, 2)
	var n int64
	for rows.Next(dest) == nil {
		require.Equal(t, n, dest[0])
		n++
	}
	require.Equal(t, int64(100000), n)
	require.Equal(t, "SELECT 100000", rows.Tag())
}

// A second statement started before the first result is read to the end (another portal,
// a Prepare in between) leaves the first result intact.
func TestInterleavedResults(t *testing.T) {
	c := newConn(t)
	ctx := t.Context()
	st, err := c.Prepare(ctx, "SELECT i, repeat('x', 20) || i FROM range(10000) t(i)")
	require.NoError(t, err)
	rows, err := st.Query(ctx, nil)
	require.NoError(t, err)
	dest := make([]any, 2)
	require.NoError(t, rows.Next(dest))
	require.Equal(t, int64(0), dest[0])

	r := mustRun(t, c, "SELECT 42")
	require.Equal(t, int32(42), r.rows[0][0])
	require.NoError(t, st.Close())

	n := int64(1)
	for rows.Next(dest) == nil {
		require.Equal(t, n, dest[0])
		require.Equal(t, "xxxxxxxxxxxxxxxxxxxx"+itoa(n), dest[1])
		n++
	}
	require.Equal(t, int64(10000), n)
	require.Equal(t, "SELECT 10000", rows.Tag())
	require.NoError(t, rows.Close())
}

func itoa(n int64) string { return Numeric(hugeString(0, uint64(n))).String() }
