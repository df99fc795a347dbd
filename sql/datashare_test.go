package sql

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseDatashare(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		in   string
		want Statement
	}{
		{"create datashare s", &CreateDatashare{Name: "s"}},
		{"CREATE DATASHARE s SET PUBLICACCESSIBLE = TRUE;", &CreateDatashare{Name: "s", PublicAccessible: &yes}},
		{"create datashare s publicaccessible false", &CreateDatashare{Name: "s", PublicAccessible: &no}},
		{"alter datashare s add schema public", &AlterDatashare{Name: "s", Add: true, ObjectKind: "SCHEMA", Objects: []string{"public"}}},
		{"alter datashare s add table public.a, b", &AlterDatashare{Name: "s", Add: true, ObjectKind: "TABLE", Objects: []string{"public.a", "b"}}},
		{"alter datashare s remove all tables in schema public", &AlterDatashare{Name: "s", ObjectKind: "ALL TABLES IN SCHEMA", Objects: []string{"public"}}},
		{"alter datashare s set publicaccessible = false", &AlterDatashare{Name: "s", Set: "PUBLICACCESSIBLE"}},
		{"alter datashare s set includenew = true for schema public", &AlterDatashare{Name: "s", Set: "INCLUDENEW", SetValue: true, Objects: []string{"public"}}},
		{"drop datashare s", &DropDatashare{Name: "s"}},
		{"grant usage on datashare s to account '111122223333'", &GrantDatashare{Name: "s", Account: "111122223333"}},
		{"revoke usage on datashare s from namespace 'abc'", &GrantDatashare{Name: "s", Revoke: true, Namespace: "abc"}},
		// Other GRANTs are not datashare statements.
		{"grant select on t to bob", &Passthrough{Kind: Classify("grant select on t to bob")}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
	for _, bad := range []string{
		"create datashare", "alter datashare s add", "alter datashare s add view v",
		"grant usage on datashare s to bob", "alter datashare s set publicaccessible maybe",
		"drop datashare s cascade", "alter datashare s set includenew = true",
		"alter datashare s add schema a.b", "alter datashare s remove all tables in schema a.b",
	} {
		_, err := Parse(bad)
		require.Error(t, err, bad)
		require.Equal(t, CodeSyntaxError, err.(*Error).Code, bad)
	}
}
