package policy

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		fold, want bool
	}{
		{"", "", false, true},
		{"", "a", false, false},
		{"*", "", false, true},
		{"*", "anything/at/all", false, true},
		{"a*", "a", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"a*b*c", "aXbYbZc", false, true},
		{"a*b*c", "aXcYb", false, false},
		{"?", "é", false, true},
		{"??", "é", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*.gz", "x.gz.gz", false, true},
		{"*a", "ba", false, true},
		{"**", "x", false, true},
		{"*?", "", false, false},
		{"*?", "x", false, true},
		{"s3:get*", "s3:GetObject", true, true},
		{"s3:get*", "s3:GetObject", false, false},
		{"abc", "ABC", true, true},
		{"abc", "abd", true, false},
	} {
		got := globMatch(compileGlob(tc.pattern), tc.s, tc.fold)
		require.Equal(t, tc.want, got, "%q ~ %q", tc.pattern, tc.s)
	}
	// A literal '*' (from ${*}) matches only itself.
	require.True(t, globMatch("a*", "a*", false))
	require.False(t, globMatch("a*", "ab", false))
}

func TestArnMatch(t *testing.T) {
	require.True(t, arnMatch(compileGlob("arn:aws:redshift:*:*:cluster:*"), "arn:aws:redshift:us-east-1:123456789012:cluster:c"))
	// The sixth component keeps its colons: a wildcard after them takes the rest, a name
	// without one matches only the whole of it.
	require.True(t, arnMatch(compileGlob("arn:aws:redshift:*:*:cluster:*"), "arn:aws:redshift:us-east-1:123456789012:cluster:c:x"))
	require.False(t, arnMatch(compileGlob("arn:aws:redshift:*:*:cluster:c"), "arn:aws:redshift:us-east-1:123456789012:cluster:c:x"))
	require.True(t, arnMatch(compileGlob("arn:aws:s:r:1:a:b:c"), "arn:aws:s:r:1:a:b:c"))
	require.False(t, arnMatch(compileGlob("arn:aws:s:*:1:*"), "arn:aws:s:r:2:x"))
	require.False(t, arnMatch(compileGlob("*"), "arn:aws:s:r:1:x"))
	require.False(t, arnMatch(compileGlob("arn:aws:s:r:1:x"), "arn:aws:s:r"))
}

func TestTemplates(t *testing.T) {
	r := &Request{Context: map[string][]string{"aws:username": {"alice"}, "aws:userid": {"AIDA*"}}}
	for _, tc := range []struct {
		s          string
		vars, glob bool
		want       string
		ok         bool
	}{
		{"home/${aws:username}/*", true, true, "home/alice/" + string([]byte{starMark}), true},
		{"home/${aws:username}/*", false, true, "home/${aws:username}/" + string([]byte{starMark}), true},
		{"${aws:userid}", true, true, "AIDA*", true}, // a substituted '*' stays literal
		{"${aws:nothing}", true, false, "", false},
		{"${aws:nothing, 'dflt'}", true, false, "dflt", true},
		{"${aws:nothing,'dflt'}", true, false, "dflt", true},
		{"${*}${?}${$}", true, true, "*?$", true},
		{"${*}", false, true, "${" + string([]byte{starMark}) + "}", true},
		{"${unclosed", true, false, "${unclosed", true},
		{"${}x", true, false, "${}x", true},
		{"${a b}", true, false, "${a b}", true},
		{"$x{y}", true, false, "$x{y}", true},
		{"${AWS:USERNAME}", true, false, "alice", true}, // keys are case-insensitive
	} {
		tm := parseTmpl(tc.s, tc.vars, tc.glob)
		got, ok := tm.resolve(r)
		require.Equal(t, tc.ok, ok, tc.s)
		require.Equal(t, tc.want, got, tc.s)
	}
}

func TestCompactSize(t *testing.T) {
	require.Equal(t, 0, compactSize([]byte(" \n\t\r")))
	require.Equal(t, 11, compactSize([]byte(`{ "a" : "b c" }`)))
	require.Equal(t, 7, compactSize([]byte(`"x\" y"`)))
	require.Equal(t, len(`{"a":["b",1]}`), compactSize([]byte("{\n  \"a\": [\"b\", 1]\n}")))
}

func TestDecodeJSON(t *testing.T) {
	v, err := decodeJSON([]byte(` {"a": [1, true, null, "x"], "b": {}} `))
	require.NoError(t, err)
	require.Equal(t, jObject, v.kind)
	a, ok := v.member("a")
	require.True(t, ok)
	require.Len(t, a.arr, 4)
	require.Equal(t, "1", a.arr[0].str)
	require.Equal(t, "true", a.arr[1].str)
	require.Equal(t, jNull, a.arr[2].kind)
	for _, bad := range []string{`{"a":1,"a":2}`, `{"a":1} {}`, `{"a":1}]`, `{"a":}`, `{`, ``} {
		_, err := decodeJSON([]byte(bad))
		require.Error(t, err, bad)
	}
}
