package policy

import (
	"strings"
	"unicode/utf8"
)

// tmpl is a policy string that may hold policy variables: ${aws:username}, with a default
// ${aws:userid, 'anonymous'}, and the fixed ${*}, ${?} and ${$} that stand for a literal '*',
// '?' and '$' (IAM user guide, "IAM policy elements: Variables and tags"). Variables exist
// only in policies of Version 2012-10-17: "If you don't include the Version element and set
// it to an appropriate version date, variables like ${aws:username} are treated as literal
// strings in the policy" (same page), so a 2008-10-17 policy compiles every value as static.
type tmpl struct {
	static string  // the compiled value when it has no variable
	parts  []tpart // the value's pieces when it has one; nil otherwise
	glob   bool    // literal pieces are compiled patterns (see compileGlob)
}

type tpart struct {
	lit    string // a literal piece (compiled when the template is a pattern)
	key    string // a variable's condition key, as written; "" for a literal piece
	def    string // the default value, with hasDef
	hasDef bool
}

// parseTmpl compiles s. With vars, ${...} are policy variables; with glob, '*' and '?'
// outside variables are wildcards.
func parseTmpl(s string, vars, glob bool) tmpl {
	lit := func(x string) string {
		if glob {
			return compileGlob(x)
		}
		return x
	}
	if !vars || !strings.Contains(s, "${") {
		return tmpl{static: lit(s), glob: glob}
	}
	var parts []tpart
	var pending strings.Builder // literal text not yet flushed, already compiled
	hasVar := false
	for len(s) > 0 {
		i := strings.Index(s, "${")
		if i < 0 {
			pending.WriteString(lit(s))
			break
		}
		pending.WriteString(lit(s[:i]))
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 { // no closing brace: the rest is literal
			pending.WriteString(lit(s[i:]))
			break
		}
		inner := s[i+2 : i+2+j]
		switch inner {
		case "*", "?", "$": // the literal character, never a wildcard
			pending.WriteString(inner)
		default:
			key, def, hasDef, ok := parseVar(inner)
			if !ok { // not a variable: keep "${" literally and go on after it
				pending.WriteString(lit(s[i : i+2]))
				s = s[i+2:]
				continue
			}
			if pending.Len() > 0 {
				parts = append(parts, tpart{lit: pending.String()})
				pending.Reset()
			}
			parts = append(parts, tpart{key: key, def: def, hasDef: hasDef})
			hasVar = true
		}
		s = s[i+2+j+1:]
	}
	if !hasVar {
		return tmpl{static: pending.String(), glob: glob}
	}
	if pending.Len() > 0 {
		parts = append(parts, tpart{lit: pending.String()})
	}
	return tmpl{parts: parts, glob: glob}
}

// parseVar parses the inside of ${...}: a key, and optionally ", 'default'".
func parseVar(inner string) (key, def string, hasDef, ok bool) {
	key, rest, found := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " \t'${") {
		return "", "", false, false
	}
	if !found {
		return key, "", false, true
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '\'' || rest[len(rest)-1] != '\'' {
		return "", "", false, false
	}
	return key, rest[1 : len(rest)-1], true, true
}

// hasVars reports whether the template needs a request to be resolved.
func (t *tmpl) hasVars() bool { return t.parts != nil }

// resolve returns the template's value for request r. ok is false when a variable has no
// value and no default: "If AWS cannot resolve a variable, this might cause the entire
// statement to be invalid" (IAM user guide); the caller decides what that means for its
// element. A substituted value is literal text: its '*' and '?' are not wildcards.
func (t *tmpl) resolve(r *Request) (string, bool) {
	if t.parts == nil {
		return t.static, true
	}
	var b strings.Builder
	for i := range t.parts {
		p := &t.parts[i]
		if p.key == "" {
			b.WriteString(p.lit)
			continue
		}
		v, ok := r.lookup(p.key).first()
		if !ok {
			if !p.hasDef {
				return "", false
			}
			v = p.def
		}
		if t.glob && !utf8.ValidString(v) {
			// Bytes that are not UTF-8 could be the wildcard marks: make them U+FFFD.
			v = strings.ToValidUTF8(v, "\uFFFD")
		}
		b.WriteString(v)
	}
	return b.String(), true
}
