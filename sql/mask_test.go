package sql

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		// research/log-formats.md §4: "Secrets: CREATE USER ... PASSWORD '***'", and Simple
		// Replay's test text "CREATE USER rsperf PASSWORD '***' CREATEUSER;".
		{"create user", "CREATE USER rsperf PASSWORD 'Secr3tpw' CREATEUSER;", "CREATE USER rsperf PASSWORD '***' CREATEUSER;"},
		{"create user, lower case, WITH", "create user u with password 'abcD1234' createdb", "create user u with password '***' createdb"},
		{"alter user", "alter user admin password 'adminPass9'\nvalid until '2017-12-31 23:59';",
			"alter user admin password '***'\nvalid until '2017-12-31 23:59';"},
		{"md5 hash", "create user user1 password 'md5153c434b4b77c89e6b94f12c5393af5b'", "create user user1 password '***'"},
		{"sha256", "CREATE USER admin PASSWORD 'sha256|Mypassword1'", "CREATE USER admin PASSWORD '***'"},
		{"disable kept", "CREATE USER myco_aad:bob EXTERNALID \"ABC123\" PASSWORD DISABLE", "CREATE USER myco_aad:bob EXTERNALID \"ABC123\" PASSWORD DISABLE"},
		{"comments and newlines kept", "create user u /* who */\n  password -- here\n  'Secr3tpw' -- done\n",
			"create user u /* who */\n  password -- here\n  '***' -- done\n"},
		{"escaped quotes inside", `create user u password 'a''b\'cSecr3t' createdb`, `create user u password '***' createdb`},
		{"E string", `create user u password E'Secr3t\'pw'`, `create user u password '***'`},
		{"dollar string", `create user u password $p$Secr3tpw$p$`, `create user u password '***'`},
		{"continued literal", "create user u password 'Secr'\n  'et1Pw' createdb", "create user u password '***' createdb"},
		{"unterminated", "create user u password 'Secr3tpw createdb", "create user u password '***'"},
		{"= sign", "create user u password = 'Secr3tpw'", "create user u password = '***'"},
		{"double quotes", `ALTER USER u PASSWORD "Secr3tpw"`, `ALTER USER u PASSWORD '***'`},
		{"no quotes", `ALTER USER u PASSWORD Secr3tpw VALID UNTIL 'infinity'`, `ALTER USER u PASSWORD '***' VALID UNTIL 'infinity'`},
		{"number", `ALTER USER u PASSWORD 12345678`, `ALTER USER u PASSWORD '***'`},
		{"keyword after PASSWORD kept", `ALTER USER u SET password TO 'x'`, `ALTER USER u SET password TO 'x'`},
		{"does not parse", "create user password 'Secr3tpw' password 'Other1pw' ((", "create user password '***' password '***' (("},
		{"two statements", "select 1; create user u password 'Secr3tpw'; select 'x'",
			"select 1; create user u password '***'; select 'x'"},

		// §4: "COPY/UNLOAD credentials appear blanked as credentials '', with credentials as '',
		// IAM_ROLE '', ACCESS_KEY_ID '' SECRET_ACCESS_KEY '' SESSION_TOKEN ''".
		{"copy credentials", "copy t from 's3://b/k' credentials 'aws_access_key_id=AKIA;aws_secret_access_key=SECRET' csv",
			"copy t from 's3://b/k' credentials '' csv"},
		{"copy with credentials as", "COPY t FROM 's3://b/k' WITH CREDENTIALS AS 'aws_iam_role=arn:aws:iam::123456789012:role/R'",
			"COPY t FROM 's3://b/k' WITH CREDENTIALS AS ''"},
		{"copy keys", "copy t from 's3://b/k' ACCESS_KEY_ID 'AKIA' SECRET_ACCESS_KEY 'SECRET' SESSION_TOKEN 'TOKEN' gzip",
			"copy t from 's3://b/k' ACCESS_KEY_ID '' SECRET_ACCESS_KEY '' SESSION_TOKEN '' gzip"},
		{"copy iam_role", "copy t from 's3://b/k' iam_role 'arn:aws:iam::123456789012:role/R'", "copy t from 's3://b/k' iam_role ''"},
		{"iam_role default kept", "copy t from 's3://b/k' iam_role default", "copy t from 's3://b/k' iam_role default"},
		{"unload master key", "unload ('select * from t where a = ''x''') to 's3://b/p' iam_role 'arn:r' master_symmetric_key 'KEY' encrypted",
			"unload ('select * from t where a = ''x''') to 's3://b/p' iam_role '' master_symmetric_key '' encrypted"},
		{"external schema", "create external schema s from data catalog database 'd'\n iam_role 'arn:r'",
			"create external schema s from data catalog database 'd'\n iam_role ''"},

		// Left alone.
		{"select", "select * from t", "select * from t"},
		{"password column", "select password from users where password = 'x'", "select password from users where password = 'x'"},
		{"keyword in a string", "select 'password ''Secr3t'''", "select 'password ''Secr3t'''"},
		{"keyword in a comment", "select 1 -- password 'x'", "select 1 -- password 'x'"},
		{"keyword in an identifier", `select "iam_role" from t`, `select "iam_role" from t`},
		{"keyword at the end", "select 1 as password", "select 1 as password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, Mask(tt.in))
		})
	}
}

// TestMaskBothReadings covers text whose meaning depends on whether a backslash escapes a
// quote: whichever reading hides the secret, it is masked.
func TestMaskBothReadings(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		secret string
	}{
		// Standard reading: 'ab\' is the literal and Secr3tpw… is outside it.
		{"backslash before the closing quote", `create user u password 'ab\' Secr3tpw'`, "Secr3tpw"},
		// Redshift reading: the first literal swallows the statement end, so the CREATE USER
		// is only seen by the standard reading.
		{"statement hidden by a backslash", `select 'a\'; create user u password 'Secr3tpw'`, "Secr3tpw"},
		// Redshift reading: \' ends early and the rest is outside the literal.
		{"backslash then doubled quote", `create user u password 'ab\''Secr3tpw'`, "Secr3tpw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Mask(tt.in)
			require.NotContains(t, got, tt.secret)
			require.Contains(t, got, "'***'")
		})
	}
}

func TestMaskFastPath(t *testing.T) {
	require.False(t, mayHoldSecret("select a, b from t where c = 'x'"))
	for _, kw := range maskKeywords {
		require.True(t, mayHoldSecret("x "+strings.ToUpper(kw)+" y"), kw)
		require.True(t, mayHoldSecret(kw), kw)
	}
	// Unchanged text is the same string, not a copy.
	in := "select password from t"
	require.Equal(t, in, Mask(in))
}

func BenchmarkMaskSelect(b *testing.B) {
	q := "select a.col1, b.col2, sum(c.amount) from sales a join users b on a.uid = b.id " +
		"join payments c on c.sid = a.id where a.created > '2024-01-01' group by 1, 2 order by 3 desc"
	b.ReportAllocs()
	for b.Loop() {
		_ = Mask(q)
	}
}
