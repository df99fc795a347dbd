package duckdb

import (
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/sql"
)

// tokens calls fn for each token of q (comments skipped) until fn returns false. Literals
// are read as DuckDB reads them (standard-conforming: a backslash is an ordinary character),
// so that keywords and parameters inside strings are never taken for real ones.
func tokens(q string, fn func(sql.Token) bool) {
	lx := sql.NewLexer(q)
	lx.StandardStrings = true
	for {
		t := lx.Next()
		if t.Kind == sql.TokEOF {
			return
		}
		if t.Kind == sql.TokComment {
			continue
		}
		if !fn(t) {
			return
		}
	}
}

// leadingWords returns the statement's first n keywords or identifiers, upper case.
func leadingWords(q string, n int) []string {
	words := make([]string, 0, n)
	tokens(q, func(t sql.Token) bool {
		if t.Kind == sql.TokIdent {
			words = append(words, strings.ToUpper(t.Raw))
		}
		return len(words) < n
	})
	return words
}

// hasWord reports whether the keyword w appears in q outside strings and comments.
func hasWord(q, w string) bool {
	found := false
	tokens(q, func(t sql.Token) bool {
		found = t.Kind == sql.TokIdent && strings.EqualFold(t.Raw, w)
		return !found
	})
	return found
}

// replaceParams rewrites the parameters $n of q for which repl answers true.
func replaceParams(q string, repl func(n int) (string, bool)) string {
	var b strings.Builder
	last := 0
	tokens(q, func(t sql.Token) bool {
		if t.Kind != sql.TokParam {
			return true
		}
		n, err := strconv.Atoi(t.Raw[1:])
		if err != nil || n > 1<<20 {
			return true
		}
		if s, ok := repl(n); ok {
			b.WriteString(q[last:t.Start])
			b.WriteString(s)
			last = t.End
		}
		return true
	})
	b.WriteString(q[last:])
	return b.String()
}

// isIdentStart reports whether c can begin an unquoted identifier.
func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// isIdentChar reports whether c can continue an unquoted identifier.
func isIdentChar(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' || c == '$' }

// skipQuoted returns the offset just past the quoted text that starts at q[i] == quote, in
// the expression text DuckDB gives for column names. A doubled quote is an escaped quote;
// with backslash set, so is a backslash-escaped character.
func skipQuoted(q string, i int, quote byte, backslash bool) int {
	i++
	for i < len(q) {
		switch {
		case backslash && q[i] == '\\':
			i += 2
		case q[i] == quote:
			if i+1 < len(q) && q[i+1] == quote {
				i += 2
				continue
			}
			return i + 1
		default:
			i++
		}
	}
	return len(q)
}
