package duckdb

import (
	"strings"
)

// token is one lexical token of a statement, as far as this package needs to tell them apart.
type token struct {
	kind  tokKind
	start int // byte offset in the statement
	end   int
}

type tokKind uint8

const (
	tokWord   tokKind = iota // keyword or identifier
	tokParam                 // $n
	tokQuoted                // "identifier"
	tokString                // '...', E'...', $$...$$
	tokOther                 // number, operator, punctuation
)

// lex calls fn for each token of q until fn returns false. It knows PostgreSQL's and
// DuckDB's comments, quoting and dollar quoting, which is what keeps keywords and parameters
// inside strings from being taken for real ones.
func lex(q string, fn func(token) bool) {
	i := 0
	for i < len(q) {
		c := q[i]
		start := i
		var k tokKind
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
			continue
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			for i < len(q) && q[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			depth := 0
			for i < len(q) {
				if strings.HasPrefix(q[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(q[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			continue
		case c == '\'':
			i = skipQuoted(q, i, '\'', false)
			k = tokString
		case c == '"':
			i = skipQuoted(q, i, '"', false)
			k = tokQuoted
		case c == '$':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				i, k = j, tokParam
				break
			}
			for j < len(q) && isIdentChar(q[j]) {
				j++
			}
			if j < len(q) && q[j] == '$' {
				tag := q[i : j+1]
				if end := strings.Index(q[j+1:], tag); end >= 0 {
					i = j + 1 + end + len(tag)
				} else {
					i = len(q)
				}
				k = tokString
				break
			}
			i, k = i+1, tokOther
		case isIdentStart(c):
			if (c == 'e' || c == 'E') && i+1 < len(q) && q[i+1] == '\'' {
				i = skipQuoted(q, i+1, '\'', true)
				k = tokString
				break
			}
			for i < len(q) && isIdentChar(q[i]) {
				i++
			}
			k = tokWord
		default:
			i++
			k = tokOther
		}
		if !fn(token{kind: k, start: start, end: i}) {
			return
		}
	}
}

// skipQuoted returns the offset just past the quoted text that starts at q[i] == quote.
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

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

// leadingWords returns the statement's first n keywords or identifiers, upper case.
func leadingWords(q string, n int) []string {
	words := make([]string, 0, n)
	lex(q, func(t token) bool {
		if t.kind == tokWord {
			words = append(words, strings.ToUpper(q[t.start:t.end]))
		}
		return len(words) < n
	})
	return words
}

// hasWord reports whether the keyword w (upper case) appears in q outside strings and
// comments.
func hasWord(q, w string) bool {
	found := false
	lex(q, func(t token) bool {
		found = t.kind == tokWord && strings.EqualFold(q[t.start:t.end], w)
		return !found
	})
	return found
}

// replaceParams rewrites the parameters $n of q for which repl answers true.
func replaceParams(q string, repl func(n int) (string, bool)) string {
	var b strings.Builder
	last := 0
	lex(q, func(t token) bool {
		if t.kind != tokParam {
			return true
		}
		n := 0
		for _, c := range q[t.start+1 : t.end] {
			n = n*10 + int(c-'0')
			if n > 1<<20 {
				return true
			}
		}
		if s, ok := repl(n); ok {
			b.WriteString(q[last:t.start])
			b.WriteString(s)
			last = t.end
		}
		return true
	})
	b.WriteString(q[last:])
	return b.String()
}
