package duckdb

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Redshift functions give Redshift's answers (the examples of each function's page where
// they show one).
func TestDialectResults(t *testing.T) {
	c := newConn(t)
	mustRun(t, c, "create table dt (d date, ts timestamp, s varchar(20), n int)")
	mustRun(t, c, "insert into dt values ('2008-01-31', '2008-02-18 02:36:48', 'Redshift', null)")
	tests := []struct {
		query string
		want  string // fmt.Sprint of the one row
	}{
		{"select nvl(n, 7), nvl2(n, 'set', 'unset') from dt", "[7 unset]"},
		{"select decode(s, 'Redshift', 'yes', 'no'), decode(n, null, 'null matches null') from dt", "[yes null matches null]"},
		{"select len(s), charindex('shift', s) from dt", "[8 4]"},
		{"select dateadd(month, 1, d) from dt", "[2008-02-29 00:00:00 +0000 UTC]"},
		{"select dateadd(day, 30, '2008-02-28'::date)", "[2008-03-29 00:00:00 +0000 UTC]"},
		{"select datediff(week, '2009-01-01'::date, '2009-12-31'::date)", "[52]"},
		{"select datediff(qtr, '1998-07-01'::date, current_date) > 100", "[true]"},
		{"select date_part(w, ts), date_part(minute, ts), date_part(dow, d) from dt", "[8 36 4]"},
		{"select date_part(sec, '2009-09-21 11:10:03.189717'::timestamp)", "[3.189717]"},
		{"select date_trunc('week', ts) from dt", "[2008-02-18 00:00:00 +0000 UTC]"},
		{"select to_char(ts, 'MON-DD-YYYY HH12:MIPM') from dt", "[FEB-18-2008 02:36AM]"},
		{"select to_char(d, 'Day, DD Month YYYY') from dt", "[Thursday , 31 January   2008]"},
		{"select to_char(d, 'YYYY-\"Q\"Q') from dt", "[2008-Q1]"},
		{"select to_date('05 Dec 2000', 'DD Mon YYYY')", "[2000-12-05 00:00:00 +0000 UTC]"},
		{"select to_timestamp('2011-12-18 23:38:15', 'YYYY-MM-DD HH24:MI:SS')", "[2011-12-18 23:38:15 +0000 UTC]"},
		{"select convert_timezone('America/New_York', '2008-03-05 12:25:29'::timestamp)", "[2008-03-05 07:25:29 +0000 UTC]"},
		{"select convert_timezone('UTC', 'America/New_York', '2008-03-05 12:25:29'::timestamp)", "[2008-03-05 07:25:29 +0000 UTC]"},
		{"select getdate() = date_trunc('second', getdate()), sysdate >= getdate() - interval '1 second'", "[true true]"},
		{"select listagg(x, ',') within group (order by x desc) from (values ('a'), ('b'), ('c')) v(x)", "[c,b,a]"},
		{"select median(x) from (values (1), (2), (10)) v(x)", "[2]"},
		{"select approximate count(distinct x) from (values (1), (2), (2)) v(x)", "[2]"},
		{"select top 2 x from (values (3), (1), (2)) v(x) order by x", "[1]"},
		{"select '{\"a\": [1, 2]}'::super", `[{"a": [1, 2]}]`},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			r := mustRun(t, c, tc.query)
			require.NotEmpty(t, r.rows)
			require.Equal(t, tc.want, fmt.Sprint(r.rows[0]))
		})
	}
	e := sqlErr(t, c, "select to_date('2011-13-01', 'YYYY-MM-DD')")
	require.Equal(t, "22007", e.Code)
	require.Equal(t, `invalid input syntax for type date: "2011-13-01"`, e.Message)
}
