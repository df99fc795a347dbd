package sql

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// tok is the part of a Token a test states.
type tok struct {
	Kind  TokenKind
	Raw   string
	Value string
}

func lexAll(src string, standard bool) []Token {
	lx := &Lexer{src: src, StandardStrings: standard}
	var out []Token
	for t := lx.Next(); t.Kind != TokEOF; t = lx.Next() {
		out = append(out, t)
	}
	return out
}

func TestLex(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		standard bool
		want     []tok
	}{
		{"words fold, quoted kept", `SELECT Foo, "Bar""x" FROM t`, false, []tok{
			{TokIdent, "SELECT", "select"}, {TokIdent, "Foo", "foo"}, {TokPunct, ",", ","},
			{TokQuotedIdent, `"Bar""x"`, `Bar"x`}, {TokIdent, "FROM", "from"}, {TokIdent, "t", "t"},
		}},
		{"non-ASCII letters kept", `ÄBc_1$x`, false, []tok{{TokIdent, `ÄBc_1$x`, `Äbc_1$x`}}},
		{"doubled quote", `'it''s'`, false, []tok{{TokString, `'it''s'`, `it's`}}},
		{"backslash escapes (Redshift)", `'a\'c' x`, false, []tok{
			{TokString, `'a\'c'`, `a'c`}, {TokIdent, "x", "x"},
		}},
		{"backslash is plain (standard)", `'a\'c' x`, true, []tok{
			{TokString, `'a\'`, `a\`}, {TokIdent, "c", "c"}, {TokString, `' x`, ` x`},
		}},
		{"b before a quote is a bit string", `b'01'b'`, true, []tok{
			{TokString, `b'01'`, `01`}, {TokString, `b'`, ``},
		}},
		{"one backslash as the CREATE USER page writes it", `'\\'`, false, []tok{{TokString, `'\\'`, `\`}}},
		{"E string escapes", `E'a\nb\x41\101\u00e9\q'`, true, []tok{
			{TokString, `E'a\nb\x41\101\u00e9\q'`, "a\nbAA\u00e9q"},
		}},
		{"prefixed literals", `B'101' X'ff' n'x' U&'d\0061t' U&"Col"`, false, []tok{
			{TokString, `B'101'`, "101"}, {TokString, `X'ff'`, "ff"}, {TokString, `n'x'`, "x"},
			{TokString, `U&'d\0061t'`, `d\0061t`}, {TokQuotedIdent, `U&"Col"`, "Col"},
		}},
		{"dollar quotes", `$$a;'b$$ $fn$ x $$ y $fn$`, false, []tok{
			{TokDollarString, `$$a;'b$$`, `a;'b`}, {TokDollarString, `$fn$ x $$ y $fn$`, ` x $$ y `},
		}},
		{"parameters and lone dollar", `$1 $23 $ a$b`, false, []tok{
			{TokParam, "$1", "1"}, {TokParam, "$23", "23"}, {TokInvalid, "$", "$"}, {TokIdent, "a$b", "a$b"},
		}},
		{"comments", "a -- one ; 'x'\n/* two /* nested */ ; */ b", false, []tok{
			{TokIdent, "a", "a"}, {TokComment, "-- one ; 'x'", "-- one ; 'x'"},
			{TokComment, "/* two /* nested */ ; */", "/* two /* nested */ ; */"}, {TokIdent, "b", "b"},
		}},
		{"numbers", `1 1.5 .5 1e10 1.5E-3 7e 1..2`, false, []tok{
			{TokNumber, "1", "1"}, {TokNumber, "1.5", "1.5"}, {TokNumber, ".5", ".5"},
			{TokNumber, "1e10", "1e10"}, {TokNumber, "1.5E-3", "1.5E-3"}, {TokNumber, "7", "7"},
			{TokIdent, "e", "e"}, {TokNumber, "1", "1"}, {TokPunct, ".", "."}, {TokNumber, ".2", ".2"},
		}},
		{"operators", `a<=b a=-1 x::int a||b c*--z`, false, []tok{
			{TokIdent, "a", "a"}, {TokOp, "<=", "<="}, {TokIdent, "b", "b"},
			{TokIdent, "a", "a"}, {TokOp, "=", "="}, {TokOp, "-", "-"}, {TokNumber, "1", "1"},
			{TokIdent, "x", "x"}, {TokOp, "::", "::"}, {TokIdent, "int", "int"},
			{TokIdent, "a", "a"}, {TokOp, "||", "||"}, {TokIdent, "b", "b"},
			{TokIdent, "c", "c"}, {TokOp, "*", "*"}, {TokComment, "--z", "--z"},
		}},
		{"punctuation", `f(a[1]);s.t:x\`, false, []tok{
			{TokIdent, "f", "f"}, {TokPunct, "(", "("}, {TokIdent, "a", "a"}, {TokPunct, "[", "["},
			{TokNumber, "1", "1"}, {TokPunct, "]", "]"}, {TokPunct, ")", ")"}, {TokPunct, ";", ";"},
			{TokIdent, "s", "s"}, {TokPunct, ".", "."}, {TokIdent, "t", "t"}, {TokPunct, ":", ":"},
			{TokIdent, "x", "x"}, {TokInvalid, `\`, `\`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := lexAll(tt.src, tt.standard)
			got := make([]tok, len(toks))
			for i, k := range toks {
				got[i] = tok{k.Kind, k.Raw, k.Value}
				require.Equal(t, tt.src[k.Start:k.End], k.Raw, "offsets of token %d", i)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestLexUnterminated(t *testing.T) {
	tests := []struct {
		src  string
		kind TokenKind
	}{
		{`x 'abc`, TokString},
		{`x 'ab\'`, TokString},
		{`x E'ab\'`, TokString},
		{`x "abc`, TokQuotedIdent},
		{`x $$abc$`, TokDollarString},
		{`x $q$abc$$`, TokDollarString},
		{`x /* a /* b */`, TokComment},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			toks := Lex(tt.src)
			require.Len(t, toks, 2)
			last := toks[1]
			require.Equal(t, tt.kind, last.Kind)
			require.True(t, last.Unterminated)
			require.Equal(t, len(tt.src), last.End, "an unterminated token runs to the end")
		})
	}
}

func TestLexEOF(t *testing.T) {
	lx := NewLexer("  a  ")
	require.True(t, lx.Next().Is("a"))
	for range 2 {
		e := lx.Next()
		require.Equal(t, TokEOF, e.Kind)
		require.Equal(t, 5, e.Start)
		require.Equal(t, 5, e.End)
	}
	require.Empty(t, Lex(" \t\r\n\f\v"))
	require.Equal(t, "Ident", TokIdent.String())
}
