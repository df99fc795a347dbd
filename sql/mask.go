package sql

import (
	"sort"
	"strings"
)

// Mask returns the statement text as audit logs and system tables record it: with passwords
// and credentials replaced, and every other byte (newlines and comments included) as given.
//
// The literal after PASSWORD becomes '***', as Redshift writes CREATE USER … PASSWORD '***'
// (INFERRED in research/log-formats.md §4 from AWS Simple Replay, which puts a password back
// into "PASSWORD '***'" of logged CREATE USER text; ALTER USER is masked the same way, a
// choice that section leaves open). In CREATE USER and ALTER USER text, a password written as
// PASSWORD = '…', as a "quoted identifier" or as a bare word or number is masked too: Redshift
// refuses those, but the text still holds a password.
//
// The literal after CREDENTIALS [AS], ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN,
// MASTER_SYMMETRIC_KEY and IAM_ROLE becomes an empty literal (IAM_ROLE default stays), after
// §4 (INFERRED from Simple Replay's replacement list):
//
//	COPY/UNLOAD credentials appear blanked as `credentials ''`, `with credentials as ''`,
//	`IAM_ROLE ''`, `ACCESS_KEY_ID '' SECRET_ACCESS_KEY '' SESSION_TOKEN ''`
//
// Masking works on tokens, not on a parse tree, so it also masks text that does not parse.
// Because Redshift reads a backslash in '…' as an escape and PostgreSQL-standard clients may
// not, the text is read both ways and whatever either reading takes for a secret is masked;
// a literal that runs to the end of the text is masked to the end, and a literal continued
// on the next line ('a'<newline>'b', one literal for PostgreSQL) is masked whole. Text in
// which none of the keywords appears, in any case, is returned as is without being lexed.
func Mask(stmt string) string {
	if !mayHoldSecret(stmt) {
		return stmt
	}
	spans := maskSpans(stmt, false)
	spans = append(spans, maskSpans(stmt, true)...)
	if len(spans) == 0 {
		return stmt
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(stmt))
	at := 0
	for i := 0; i < len(spans); {
		s := spans[i]
		end := s.end
		// Overlapping spans (the two readings disagreeing) become one.
		for i++; i < len(spans) && spans[i].start < end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(stmt[at:s.start])
		b.WriteString(s.repl)
		at = end
	}
	b.WriteString(stmt[at:])
	return b.String()
}

// credentialWords are the keywords whose string argument is blanked (an empty literal).
var credentialWords = map[string]bool{
	"credentials":          true,
	"access_key_id":        true,
	"secret_access_key":    true,
	"session_token":        true,
	"master_symmetric_key": true,
	"iam_role":             true,
}

// maskKeywords are the words whose presence sends text through the lexer.
var maskKeywords = []string{
	"password", "credentials", "access_key_id", "secret_access_key", "session_token",
	"master_symmetric_key", "iam_role",
}

// passwordFollowers are the words that may follow PASSWORD in user DDL without being a
// password written without quotes.
var passwordFollowers = map[string]bool{
	"disable": true, "valid": true, "createdb": true, "nocreatedb": true, "createuser": true,
	"nocreateuser": true, "syslog": true, "in": true, "connection": true, "session": true,
	"externalid": true, "rename": true, "set": true, "reset": true, "to": true,
}

// mayHoldSecret reports whether any of maskKeywords appears in s, in any case.
func mayHoldSecret(s string) bool {
	for i := 0; i < len(s); i++ {
		if !maskFirstByte[s[i]] {
			continue
		}
		var hit bool
		switch s[i] | 0x20 {
		case 'p':
			hit = hasPrefixFold(s[i:], "password")
		case 'c':
			hit = hasPrefixFold(s[i:], "credentials")
		case 'a':
			hit = hasPrefixFold(s[i:], "access_key_id")
		case 's':
			hit = hasPrefixFold(s[i:], "secret_access_key") || hasPrefixFold(s[i:], "session_token")
		case 'm':
			hit = hasPrefixFold(s[i:], "master_symmetric_key")
		case 'i':
			hit = hasPrefixFold(s[i:], "iam_role")
		}
		if hit {
			return true
		}
	}
	return false
}

// maskFirstByte marks the bytes that start one of maskKeywords, in either case.
var maskFirstByte = func() (t [256]bool) {
	for _, kw := range maskKeywords {
		t[kw[0]] = true
		t[kw[0]-'a'+'A'] = true
	}
	return t
}()

// hasPrefixFold reports whether s starts with the lower-case ASCII word kw, ignoring case.
func hasPrefixFold(s, kw string) bool {
	if len(s) < len(kw) {
		return false
	}
	for i := 0; i < len(kw); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != kw[i] {
			return false
		}
	}
	return true
}

type maskSpan struct {
	start, end int
	repl       string
}

// maskSpans finds the secrets in src under one reading of backslashes.
func maskSpans(src string, standard bool) []maskSpan {
	lx := &Lexer{src: src, StandardStrings: standard}
	var toks []Token
	for {
		t := lx.Next()
		if t.Kind == TokEOF {
			break
		}
		if t.Kind != TokComment {
			toks = append(toks, t)
		}
	}
	var spans []maskSpan
	// userDDL: the current statement is CREATE USER or ALTER USER; ddl: CREATE or ALTER.
	userDDL, ddl := false, false
	first := 0 // index of the current statement's first token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.IsPunct(";") {
			first = i + 1
			userDDL, ddl = false, false
			continue
		}
		if i == first {
			ddl = t.Is("create") || t.Is("alter")
			userDDL = ddl && i+1 < len(toks) && toks[i+1].Is("user")
		}
		if t.Kind != TokIdent || i+1 >= len(toks) {
			continue
		}
		switch {
		case t.Value == "password":
			j := i + 1
			if ddl && toks[j].IsPunct("=") && j+1 < len(toks) {
				j++
			}
			n := toks[j]
			switch {
			case n.Kind == TokString || n.Kind == TokDollarString:
			case !userDDL:
				continue
			case n.Kind == TokQuotedIdent || n.Kind == TokNumber:
			case n.Kind == TokIdent && !passwordFollowers[n.Value]:
			default:
				continue
			}
			j = continuation(src, toks, j)
			spans = append(spans, maskSpan{start: n.Start, end: toks[j].End, repl: "'***'"})
			i = j
		case credentialWords[t.Value]:
			j := i + 1
			if toks[j].Is("as") && j+1 < len(toks) {
				j++
			}
			if n := toks[j]; n.Kind == TokString || n.Kind == TokDollarString {
				j = continuation(src, toks, j)
				spans = append(spans, maskSpan{start: n.Start, end: toks[j].End, repl: "''"})
				i = j
			}
		}
	}
	return spans
}

// continuation returns the index of the last token of the string literal at toks[j] together
// with its continuations: PostgreSQL joins 'a'<newline>'b' into one literal 'ab' when only
// whitespace (with a newline) and line comments stand between the parts.
func continuation(src string, toks []Token, j int) int {
	if toks[j].Kind != TokString {
		return j
	}
	for j+1 < len(toks) && toks[j+1].Kind == TokString && strings.HasPrefix(toks[j+1].Raw, "'") &&
		joinsLiterals(src[toks[j].End:toks[j+1].Start]) {
		j++
	}
	return j
}

// joinsLiterals reports whether gap, the text between two string literals, makes them one.
func joinsLiterals(gap string) bool {
	newline := false
	for i := 0; i < len(gap); i++ {
		switch c := gap[i]; {
		case c == '\n':
			newline = true
		case isSpace(c):
		case c == '-' && i+1 < len(gap) && gap[i+1] == '-':
			k := strings.IndexByte(gap[i:], '\n')
			if k < 0 {
				return false
			}
			i += k - 1
		default:
			return false
		}
	}
	return newline
}
