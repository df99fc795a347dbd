package policy

import (
	"strings"
	"unicode/utf8"
)

// Wildcard patterns (Action, Resource, StringLike, ArnLike) are compiled once into a string
// where the wildcards are the bytes starMark and anyMark, which never occur in the UTF-8 text
// JSON decoding yields. A '*' or '?' that is literal (written as the policy variables ${*} and
// ${?}, or substituted from a request value) stays the byte '*' or '?'.
const (
	starMark = 0xFF // '*': any sequence of characters, the empty one included
	anyMark  = 0xFE // '?': exactly one character
)

// compileGlob turns a pattern's text into its compiled form: every '*' and '?' is a wildcard.
func compileGlob(s string) string {
	if !strings.ContainsAny(s, "*?") {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		switch c {
		case '*':
			b[i] = starMark
		case '?':
			b[i] = anyMark
		}
	}
	return string(b)
}

// hasWildcard reports whether a compiled pattern has a wildcard.
func hasWildcard(p string) bool {
	return strings.IndexByte(p, starMark) >= 0 || strings.IndexByte(p, anyMark) >= 0
}

// globMatch reports whether s matches the compiled pattern p. With fold, ASCII letters match
// either case (action names are case-insensitive). '?' and a '*' that gives back consume
// whole UTF-8 characters. It does not allocate.
func globMatch(p, s string, fold bool) bool {
	// The literal prefix, compared at once.
	w := strings.IndexByte(p, starMark)
	if q := strings.IndexByte(p, anyMark); q >= 0 && (w < 0 || q < w) {
		w = q
	}
	if w < 0 {
		return len(p) == len(s) && equalPrefix(p, s, fold)
	}
	if len(s) < w || !equalPrefix(p[:w], s[:w], fold) {
		return false
	}
	pi, si := w, w
	star, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == starMark:
				if pi == len(p)-1 {
					return true // a trailing '*' takes the rest
				}
				star, starS = pi, si
				pi++
				continue
			case c == anyMark:
				_, n := utf8.DecodeRuneInString(s[si:])
				si += n
				pi++
				continue
			case c == s[si] || fold && lower(c) == lower(s[si]):
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		si = starS
		pi = star + 1
	}
	for pi < len(p) && p[pi] == starMark {
		pi++
	}
	return pi == len(p)
}

// equalPrefix compares two strings of the same length, folding ASCII case with fold.
func equalPrefix(a, b string, fold bool) bool {
	if !fold {
		return a == b
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// arnMatch matches an ARN against a compiled ARN pattern the way ArnEquals and ArnLike do:
// "Each of the six colon-delimited components of the ARN is checked separately and each can
// include multi-character match wildcards (*) or single-character match wildcards (?)" (IAM
// user guide, condition operators). The sixth component is the rest of the ARN, colons
// included. A value that is not six components does not match.
func arnMatch(p, s string) bool {
	for i := 0; i < 5; i++ {
		pc, prest, ok := strings.Cut(p, ":")
		if !ok {
			return false
		}
		sc, srest, ok := strings.Cut(s, ":")
		if !ok {
			return false
		}
		if !globMatch(pc, sc, false) {
			return false
		}
		p, s = prest, srest
	}
	return globMatch(p, s, false)
}
