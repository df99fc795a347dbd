package sql

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSearchPath(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"$user, public", []string{UserSchema, "public"}},
		{`"$user", public, enterprise`, []string{UserSchema, "public", "enterprise"}},
		{`"MySchema", "select", a$b`, []string{"MySchema", "select", "a$b"}},
		{`"a,b", c`, []string{"a,b", "c"}},
		{`"say ""hi""", 'x''y'`, []string{`say "hi"`, "x'y"}},
		{"Public,TICKIT", []string{"public", "tickit"}},
		{"", nil},
		{" , public, ", []string{"public"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			require.Equal(t, tc.want, ParseSearchPath(tc.in))
		})
	}
}
