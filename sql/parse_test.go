package sql

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func ptr[T any](v T) *T { return &v }

const (
	md5Hex    = "153c434b4b77c89e6b94f12c5393af5b"
	shaDigest = "fe95f2bc7c4a111b6f0f7d0b60bfedd1935fb295f8dce1d62708ab8d2f564baf"
	shaSalt   = "c721bff5d9042cf541ff7b9d48fa8a6e545c19a763e3710151f9513038b0f6c6"
)

func TestParseUserDDL(t *testing.T) {
	tests := []struct {
		stmt string
		want Statement
	}{
		// The developer guide's own examples.
		{"create user userlog1 password 'Userlog1'", &CreateUser{Name: "userlog1", Password: Password{Value: "Userlog1"}}},
		{"create user dbuser with password 'abcD1234' createdb connection limit 30", &CreateUser{
			Name: "dbuser", Password: Password{Value: "abcD1234"}, CreateDB: ptr(true), ConnLimit: ptr(30)}},
		{"create user dbuser with password 'abcD1234' valid until '2017-06-10'", &CreateUser{
			Name: "dbuser", Password: Password{Value: "abcD1234"}, ValidUntil: ptr("2017-06-10")}},
		{"create user newman with password '@AbC4321!'", &CreateUser{Name: "newman", Password: Password{Value: "@AbC4321!"}}},
		{"create user user1 password 'md5" + md5Hex + "'", &CreateUser{
			Name: "user1", Password: Password{Kind: PasswordMD5, Value: md5Hex}}},
		{"create user iam_superuser password 'md5A1234567890123456780123456789012' createuser", &CreateUser{
			Name: "iam_superuser", Password: Password{Kind: PasswordMD5, Value: "a1234567890123456780123456789012"},
			CreateUser: ptr(true)}},
		{"CREATE USER admin PASSWORD 'sha256|Mypassword1'", &CreateUser{
			Name: "admin", Password: Password{Kind: PasswordSHA256, Value: "Mypassword1"}}},
		{"CREATE USER admin PASSWORD 'sha256|" + shaDigest + "|" + shaSalt + "'", &CreateUser{
			Name: "admin", Password: Password{Kind: PasswordSHA256, SHA256Digest: shaDigest, SHA256Salt: shaSalt}}},
		{"CREATE USER dbuser password 'abcD1234' SESSION TIMEOUT 120", &CreateUser{
			Name: "dbuser", Password: Password{Value: "abcD1234"}, SessionTimeout: ptr(120)}},
		{`CREATE USER myco_aad:bob EXTERNALID "ABC123" PASSWORD DISABLE`, &CreateUser{
			Name: "myco_aad:bob", Password: Password{Kind: PasswordDisable}, ExternalID: ptr("ABC123")}},
		// Every option, names quoted and folded.
		{`CREATE USER "IAM:Alice" WITH PASSWORD 'Abcdefg1' NOCREATEDB NOCREATEUSER SYSLOG ACCESS UNRESTRICTED
			IN GROUP Readers, "Writers" VALID UNTIL 'infinity' CONNECTION LIMIT UNLIMITED; -- done`, &CreateUser{
			Name: "IAM:Alice", Password: Password{Value: "Abcdefg1"}, CreateDB: ptr(false), CreateUser: ptr(false),
			SyslogAccess: "UNRESTRICTED", InGroups: []string{"readers", "Writers"}, ValidUntil: ptr("infinity"),
			ConnLimit: ptr(-1)}},
		{`create user u password 'it''s\'x' externalid 'e-1'`, &CreateUser{
			Name: "u", Password: Password{Value: `it's'x`}, ExternalID: ptr("e-1")}},
		{"create user u password $$Abc'defg1$$ valid until E'2026-01-01'", &CreateUser{
			Name: "u", Password: Password{Value: "Abc'defg1"}, ValidUntil: ptr("2026-01-01")}},
		{"create user u password 'md5zz4b4b77c89e6b94f12c5393af5b00'", &CreateUser{
			Name: "u", Password: Password{Value: "md5zz4b4b77c89e6b94f12c5393af5b00"}}},

		{"alter user admin createdb", &AlterUser{Name: "admin", CreateDB: ptr(true)}},
		{"alter user userlog1 createdb createuser", &AlterUser{Name: "userlog1", CreateDB: ptr(true), CreateUser: ptr(true)}},
		{"alter user admin password 'adminPass9'\nvalid until '2017-12-31 23:59'", &AlterUser{
			Name: "admin", Password: &Password{Value: "adminPass9"}, ValidUntil: ptr("2017-12-31 23:59")}},
		{"alter user admin rename to sysadmin", &AlterUser{Name: "admin", RenameTo: "sysadmin"}},
		{"alter user u with syslog access restricted, connection limit 5, session timeout 60", &AlterUser{
			Name: "u", SyslogAccess: "RESTRICTED", ConnLimit: ptr(5), SessionTimeout: ptr(60)}},
		{"alter user u reset session timeout externalid x", &AlterUser{Name: "u", ResetSessionTimeout: true, ExternalID: ptr("x")}},
		{"alter user u password disable", &AlterUser{Name: "u", Password: &Password{Kind: PasswordDisable}}},
		{"alter user u set search_path to '$user', public", &AlterUser{
			Name: "u", Set: &SetParam{Name: "search_path", Value: `"$user", public`}}},
		{"alter user u set statement_timeout = default", &AlterUser{
			Name: "u", Set: &SetParam{Name: "statement_timeout", Default: true}}},
		{"alter user u reset Statement_Timeout", &AlterUser{Name: "u", Reset: "statement_timeout"}},
		{"alter user u reset all", &AlterUser{Name: "u", Reset: "all"}},

		{"drop user userlog2", &DropUser{Names: []string{"userlog2"}}},
		{`DROP USER IF EXISTS a, "B"`, &DropUser{IfExists: true, Names: []string{"a", "B"}}},

		{"create group g", &CreateGroup{Name: "g"}},
		{"create group g with", &CreateGroup{Name: "g"}},
		{"CREATE GROUP Admin_Group WITH USER Dwuser, \"Bob\"", &CreateGroup{Name: "admin_group", Users: []string{"dwuser", "Bob"}}},
		{"create group g user a", &CreateGroup{Name: "g", Users: []string{"a"}}},
		{"alter group g add user a, b", &AlterGroup{Name: "g", Add: []string{"a", "b"}}},
		{"alter group g drop user a", &AlterGroup{Name: "g", Drop: []string{"a"}}},
		{"alter group g rename to h", &AlterGroup{Name: "g", RenameTo: "h"}},
		{"drop group g", &DropGroup{Name: "g"}},
	}
	for _, tt := range tests {
		t.Run(tt.stmt, func(t *testing.T) {
			got, err := Parse(tt.stmt)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct {
		stmt string
		msg  string
		pos  int
	}{
		{"create user", "syntax error at end of input", 12},
		{"create user bob", "syntax error at end of input", 16},
		{"create user bob createdb", "syntax error at end of input", 25},
		{"create user with password 'Abcdefg1'", `syntax error at or near "with"`, 13},
		{"CREATE USER bob PASSWORD 'Abcdefg1' SUPERUSER", `syntax error at or near "SUPERUSER"`, 37},
		{"create user bob password Abcdefg1", `syntax error at or near "Abcdefg1"`, 26},
		{"create user bob password 'Abcdefg1' connection limit x", `syntax error at or near "x"`, 54},
		{"create user bob password 'Abcdefg1' connection limit 1.5", `syntax error at or near "1.5"`, 54},
		{"create user bob password 'Abcdefg1' session timeout -5", `syntax error at or near "-"`, 53},
		{"create user bob password 'Abcdefg1' syslog access none", `syntax error at or near "none"`, 51},
		{"create user bob password 'Abcdefg1' valid until infinity", `syntax error at or near "infinity"`, 49},
		{"create user bob password 'Abcdefg1' createdb nocreatedb", "conflicting or redundant options", 46},
		{"create user bob password 'Abcdefg1' password 'Abcdefg2'", "conflicting or redundant options", 37},
		{"create user 'bob' password 'Abcdefg1'", `syntax error at or near "'bob'"`, 13},
		{"create user bob password B'1010'", `syntax error at or near "B'1010'"`, 26},
		{"create user bob password 'Abcdefg1'; select 1", `syntax error at or near ";"`, 36},
		{"create user bob password 'Abcd", "unterminated quoted string at or near \"'Abcd\"", 26},
		{`create user "bob password 'Abcd'`, `unterminated quoted identifier at or near "\"bob password 'Abcd'"`, 13},
		{"create user bob password $$Abcd", `unterminated dollar-quoted string at or near "$$Abcd"`, 26},
		{"create user bob password 'Abcdefg1' /* x", `unterminated /* comment at or near "/* x"`, 37},
		{"create user ünï password 'Abcdefg1' x", `syntax error at or near "x"`, 37},
		{"alter user bob", "syntax error at end of input", 15},
		{"alter user bob createdb rename to x", `syntax error at or near "rename"`, 25},
		{"alter user bob in group g", `syntax error at or near "in"`, 16},
		{"alter user bob set x", "syntax error at end of input", 21},
		{"alter user bob rename sysadmin", `syntax error at or near "sysadmin"`, 23},
		{"drop user", "syntax error at end of input", 10},
		{"drop user a,", "syntax error at end of input", 13},
		{"drop user a b", `syntax error at or near "b"`, 13},
		{"drop group a, b", `syntax error at or near ","`, 13},
		{"create group g with user", "syntax error at end of input", 25},
		{"create group g password 'x'", `syntax error at or near "password"`, 16},
		{"alter group g add a", `syntax error at or near "a"`, 19},
		{"alter group g", "syntax error at end of input", 14},
		{"begin foo", `syntax error at or near "foo"`, 7},
		{"begin isolation level chaos", `syntax error at or near "chaos"`, 23},
		{"start", "syntax error at end of input", 6},
		{"commit now", `syntax error at or near "now"`, 8},
		{"rollback to savepoint a", `syntax error at or near "to"`, 10},
		{"set", "syntax error at end of input", 4},
		{"set x", "syntax error at end of input", 6},
		{"set x y", `syntax error at or near "y"`, 7},
		{"set x to a b", `syntax error at or near "b"`, 12},
		{"set x to a,", "syntax error at end of input", 12},
		{"set x to -", `syntax error at or near "-"`, 10},
		{"show", "syntax error at end of input", 5},
		{"show a b", `syntax error at or near "b"`, 8},
		{"reset", "syntax error at end of input", 6},
	}
	for _, tt := range tests {
		t.Run(tt.stmt, func(t *testing.T) {
			_, err := Parse(tt.stmt)
			var e *Error
			require.True(t, errors.As(err, &e), "want *Error, got %v", err)
			require.Equal(t, CodeSyntaxError, e.SQLState())
			require.Equal(t, tt.msg, e.Message)
			require.Equal(t, tt.pos, e.Position)
		})
	}
}

func TestParseIncompatibleOptions(t *testing.T) {
	// Wording seen from real Redshift (brainly/terraform-provider-redshift#37).
	for _, stmt := range []string{
		"create user u password disable createuser",
		"alter user u createuser password disable",
	} {
		_, err := Parse(stmt)
		var e *Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, "CREATEUSER and PASSWORD DISABLE are incompatible", e.Message)
	}
	s, err := Parse("create user u password disable nocreateuser")
	require.NoError(t, err)
	require.Equal(t, PasswordDisable, s.(*CreateUser).Password.Kind)
}

func TestParseSession(t *testing.T) {
	tests := []struct {
		stmt string
		want Statement
	}{
		{"begin", &Begin{}},
		{"BEGIN WORK;", &Begin{}},
		{"begin transaction isolation level serializable read only", &Begin{Isolation: "serializable", ReadOnly: ptr(true)}},
		{"start transaction read write, isolation level read committed", &Begin{Isolation: "read committed", ReadOnly: ptr(false)}},
		{"begin isolation level repeatable read", &Begin{Isolation: "repeatable read"}},
		{"begin isolation level snapshot", &Begin{Isolation: "snapshot"}},
		{"commit", &Commit{}},
		{"commit transaction", &Commit{}},
		{"END", &Commit{}},
		{"end work", &Commit{}},
		{"rollback", &Rollback{}},
		{"rollback work", &Rollback{}},
		{"abort", &Rollback{}},
		{"abort transaction", &Rollback{}},

		// The line Redshift's own rdsdb sessions log (SFX fixture).
		{"SET statement_timeout TO 120000", &Set{Name: "statement_timeout", Value: "120000"}},
		{`SET search_path TO "public"`, &Set{Name: "search_path", Value: "public"}},
		// r_search_path: SHOW gives "$user", public, enterprise.
		{"set search_path to '$user', public, enterprise", &Set{Name: "search_path", Value: `"$user", public, enterprise`}},
		{`set search_path = "MySchema", 'select', a$b`, &Set{Name: "search_path", Value: `"MySchema", "select", a$b`}},
		{"set datestyle to ISO, MDY", &Set{Name: "datestyle", Value: "iso, mdy"}},
		{"set SESSION query_group to 'Priority Q'", &Set{Name: "query_group", Value: "Priority Q"}},
		{"set local enable_result_cache_for_session = off", &Set{Name: "enable_result_cache_for_session", Value: "off", Local: true}},
		{"set seed to -.25", &Set{Name: "seed", Value: "-.25"}},
		{"set x to +5", &Set{Name: "x", Value: "5"}},
		{"set x to default", &Set{Name: "x", Default: true}},
		{`set "My.Param" to 1`, &Set{Name: "my.param", Value: "1"}},
		{"set time zone 'America/New_York'", &Set{Name: "timezone", Value: "America/New_York"}},
		{"set time zone local", &Set{Name: "timezone", Default: true}},
		{"SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE", &Set{Name: "timezone", Value: "INTERVAL '-08:00' HOUR TO MINUTE"}},
		{"set timezone = 'UTC'", &Set{Name: "timezone", Value: "UTC"}},
		{"set session authorization 'dwuser'", &Set{Name: "session_authorization", Value: "dwuser"}},
		{"set session authorization default", &Set{Name: "session_authorization", Default: true}},
		{"set role r1", &Set{Name: "role", Value: "r1"}},
		{"set names 'UTF8'", &Set{Name: "client_encoding", Value: "UTF8"}},
		{"set transaction isolation level serializable", &Passthrough{Kind: KindUtility}},
		{"set session characteristics as transaction read only", &Passthrough{Kind: KindUtility}},

		{"show search_path", &Show{Name: "search_path"}},
		{"SHOW ALL", &Show{Name: "all"}},
		{"show time zone", &Show{Name: "timezone"}},
		{"show session authorization", &Show{Name: "session_authorization"}},
		{"show transaction isolation level", &Show{Name: "transaction_isolation"}},
		{"show DateStyle;", &Show{Name: "datestyle"}},
		{"show tables from schema dev.public", &Passthrough{Kind: KindUtility}},
		{"show databases", &Passthrough{Kind: KindUtility}},

		{"reset all", &Reset{All: true}},
		{"reset query_group", &Reset{Name: "query_group"}},
		{"reset time zone", &Reset{Name: "timezone"}},
		{"reset session authorization", &Reset{Name: "session_authorization"}},

		{"copy t from 's3://b/k' credentials 'aws_access_key_id=A;aws_secret_access_key=B'", &Copy{}},
		{"UNLOAD ('select 1') TO 's3://b/p' IAM_ROLE default", &Unload{}},
		{"select 1", &Passthrough{Kind: KindQuery}},
		{"create table t (a int)", &Passthrough{Kind: KindDDL}},
		{"grant select on t to u", &Passthrough{Kind: KindUtility}},
		{"create database d", &Passthrough{Kind: KindUtility}},
		{"create role r", &Passthrough{Kind: KindUtility}},
		{"", &Passthrough{Kind: KindUtility}},
	}
	for _, tt := range tests {
		t.Run(tt.stmt, func(t *testing.T) {
			got, err := Parse(tt.stmt)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestReadPassword(t *testing.T) {
	tests := []struct {
		in   string
		want Password
	}{
		{"Abcdefg1", Password{Value: "Abcdefg1"}},
		{"md5" + md5Hex, Password{Kind: PasswordMD5, Value: md5Hex}},
		{"md5" + strings.ToUpper(md5Hex), Password{Kind: PasswordMD5, Value: md5Hex}},
		{"MD5" + md5Hex, Password{Value: "MD5" + md5Hex}},
		{"md5" + md5Hex + "0", Password{Value: "md5" + md5Hex + "0"}},
		{"sha256|Mypassword1", Password{Kind: PasswordSHA256, Value: "Mypassword1"}},
		{"sha256|" + shaDigest + "|" + shaSalt, Password{Kind: PasswordSHA256, SHA256Digest: shaDigest, SHA256Salt: shaSalt}},
		{"sha256|" + shaDigest + "|short", Password{Kind: PasswordSHA256, Value: shaDigest + "|short"}},
		{"sha256|", Password{Kind: PasswordSHA256}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			require.Equal(t, tt.want, ReadPassword(tt.in))
		})
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		pw  string
		msg string // "" when valid
	}{
		{"abcD1234", ""},
		// The stated rule excludes @, though the same page's example is
		// create user newman with password '@AbC4321!'. fakeshift follows the rule.
		{"@AbC4321!", "Password contains invalid characters"},
		{"EXAMPLENewPassword11", ""},
		{"aB1" + strings.Repeat("x", 61), ""},
		{"aB1" + strings.Repeat("x", 62), "Password cannot be longer than 64 characters"},
		{"aB1defg", "Password must be at least 8 characters"},
		{"", "Password must be at least 8 characters"},
		{"abcdefgh", "Password must contain a number"},
		{"abcdefg1", "Password must contain an uppercase letter"},
		{"ABCDEFG1", "Password must contain a lowercase letter"},
		{"Abcdefg1 ", "Password contains invalid characters"},
		{`Abcdefg1"`, "Password contains invalid characters"},
		{`Abcdefg1'`, "Password contains invalid characters"},
		{`Abcdefg1\`, "Password contains invalid characters"},
		{"Abcdefg1/", "Password contains invalid characters"},
		{"Abcdefg1é", "Password contains invalid characters"},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			err := ValidatePassword(tt.pw)
			if tt.msg == "" {
				require.NoError(t, err)
				return
			}
			var e *Error
			require.True(t, errors.As(err, &e))
			require.Equal(t, tt.msg, e.Message)
			require.Equal(t, CodeInvalidParameterValue, e.Code)
		})
	}
}

func TestMD5Password(t *testing.T) {
	// CREATE USER page: select md5('ez' || 'user1') = 153c434b4b77c89e6b94f12c5393af5b, and
	// select md5('\\'||'slashpass') = 0c983d1a624280812631c5389e60d48c.
	require.Equal(t, md5Hex, MD5Password("ez", "user1"))
	require.Equal(t, "0c983d1a624280812631c5389e60d48c", MD5Password(`\`, "slashpass"))
}
