package logger

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./logger -update to make %s", path)
	require.Equal(t, string(want), string(got))
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.000", s)
	if err != nil {
		panic(err)
	}
	return t
}

// scriptedSession is one session's records: a failed login, a TLS login that sets its
// application name, user DDL and statements (one multi-line, one masked), and the end.
func scriptedSession() ([]Connection, []UserChange, []Activity) {
	base := Connection{RemoteHost: "::ffff:10.0.0.7", RemotePort: "51234", PID: 1073741825, DBName: "dev",
		UserName: "awsuser", AuthMethod: "password", SSLVersion: "TLSv1.2", SSLCipher: "ECDHE-RSA-AES256-GCM-SHA384",
		OSVersion: "Linux 6.1 amd64", DriverVersion: "pgx", SessionID: "5d4f0da4-2f28-461c-99e6-81c740551135"}
	conn := func(event, when string, f func(*Connection)) Connection {
		c := base
		c.Event, c.RecordTime = event, at(when)
		if f != nil {
			f(&c)
		}
		return c
	}
	conns := []Connection{
		conn(EventAuthFailure, "2026-11-03 09:04:05.007", func(c *Connection) {
			c.PID, c.UserName, c.SessionID, c.SSLVersion, c.SSLCipher = 1073741824, "mallory", "0e8c3f4a-5b1d-4c6e-9f21-7a3b2c1d0e9f", "", ""
		}),
		conn(EventAuthenticated, "2026-11-03 09:04:06.120", nil),
		conn(EventInitiating, "2026-11-03 09:04:06.120", nil),
		conn(EventSetAppName, "2026-11-03 09:04:06.500", func(c *Connection) { c.ApplicationName = "etl|job\nnightly" }),
		conn(EventDisconnecting, "2026-11-03 09:05:16.620", func(c *Connection) {
			c.ApplicationName, c.Duration = "etl|job\nnightly", 70500000
		}),
	}
	until := at("2027-01-01 00:00:00.000")
	users := []UserChange{
		{UserID: 101, UserName: "userlog1", Action: ActionCreate, PID: 1073741825, XID: 1200, RecordTime: at("2026-11-03 09:04:07.001")},
		{UserID: 101, UserName: "userlog1", Action: ActionAlter, CreateDB: 1, Super: 1, ValidUntil: &until, PID: 1073741825, XID: 1201, RecordTime: at("2026-11-03 09:04:08.010")},
		{UserID: 101, UserName: "userlog2", OldUserName: "userlog1", Action: ActionRename, CreateDB: 1, Super: 1, ValidUntil: &until, PID: 1073741825, XID: 1202, RecordTime: at("2026-11-03 09:04:09.100")},
		{UserID: 101, UserName: "userlog2", Action: ActionDrop, CreateDB: 1, Super: 1, ValidUntil: &until, PID: 1073741825, XID: 1203, RecordTime: at("2026-11-03 09:04:10.999")},
	}
	act := func(q int64, when, text string) Activity {
		return Activity{QueryID: q, RecordTime: at(when), DB: "dev", UserName: "awsuser", PID: 1073741825, UserID: 100, XID: 1200 + q - 100, Text: text}
	}
	acts := []Activity{
		act(100, "2026-11-03 09:04:07.000", "create user userlog1 password '***'"),
		act(101, "2026-11-03 09:04:11.000", "select region,\n       sum(amount)\nfrom sales\ngroup by 1"),
		act(102, "2026-11-03 09:04:12.000", "select * from no_such_table"),
	}
	return conns, users, acts
}

func TestLineFormatsGolden(t *testing.T) {
	conns, users, acts := scriptedSession()
	var c, u, a []byte
	for i := range conns {
		c = AppendConnectionLine(c, &conns[i])
	}
	for i := range users {
		u = AppendUserLine(u, &users[i])
	}
	for i := range acts {
		a = AppendActivityLine(a, &acts[i])
	}
	golden(t, "connectionlog.golden", c)
	golden(t, "userlog.golden", u)
	golden(t, "useractivitylog.golden", a)
}

func TestLineFormatDetails(t *testing.T) {
	line := string(AppendConnectionLine(nil, &Connection{Event: EventAuthenticated, RecordTime: at("2020-12-07 20:01:55.007"),
		RemoteHost: "[local]", PID: 5108, DBName: "dev", UserName: "rdsdb", AuthMethod: "Ident"}))
	// The shape of the real line "authenticated |Mon, 7 Dec 2020 20:01:55:177|[local] | |5108|dev |rdsdb |Ident |0| | |0| | | | | | |",
	// with protocol_version and sessionid, the two columns Redshift has added since.
	require.Equal(t, "authenticated |Mon, 7 Dec 2020 20:01:55:007|[local] | |5108|dev |rdsdb |Ident |0| | |0| | | | | | | |0|\n", line)

	user := string(AppendUserLine(nil, &UserChange{UserID: 100, UserName: "awsuser", Action: ActionCreate, CreateDB: 1, Super: 1,
		PID: 14888, XID: 1080, RecordTime: at("2020-12-03 10:18:38.695")}))
	require.Equal(t, "100|awsuser | |create |1|1|0|9223372036854775807|14888|1080|Thu, 3 Dec 2020 10:18:38:695\n", user,
		"the real line from a cluster, field for field")

	act := string(AppendActivityLine(nil, &Activity{RecordTime: at("2020-03-07 16:09:43.512"), DB: "dev", UserName: "rdsdb",
		PID: 16929, UserID: 1, XID: 7382, Text: "SELECT 1"}))
	require.Equal(t, "'2020-03-07T16:09:43Z UTC [ db=dev user=rdsdb pid=16929 userid=1 xid=7382 ]' LOG: SELECT 1\n", act,
		"the real line from pgBadger's issue 572")
}
