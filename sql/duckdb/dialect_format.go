package duckdb

import (
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/sql"
)

// Redshift's datetime format strings (the "Datetime format strings" page) in TO_CHAR,
// TO_DATE and TO_TIMESTAMP, translated into DuckDB's strftime / strptime. The format must be
// a string constant: it is translated once, here, not per row.

// rewriteToChar: TO_CHAR(datetime, 'format') is a concatenation of strftime calls and of the
// expressions strftime lacks (upper-case and blank-padded names, D, Q, WW, CC).
func rewriteToChar(r *rewriter, k, open, close int) (int, string) {
	a := r.args(open, close)
	if len(a) != 2 {
		return 0, ""
	}
	f := r.toks[a[1][0]]
	if a[1][1] != a[1][0]+1 || f.Kind != sql.TokString {
		r.fail(notSupported("TO_CHAR with a format that is not a string constant"))
		return 0, ""
	}
	if numericFormat(f.Value) {
		r.fail(notSupported("TO_CHAR with a numeric format"))
		return 0, ""
	}
	x := "(" + r.text(a[0][0], a[0][1]) + ")"
	parts, err := formatParts(f.Value, x)
	if err != nil {
		r.fail(err)
		return 0, ""
	}
	if len(parts) == 0 {
		parts = []string{"''"}
	}
	return close + 1 - k, "(" + strings.Join(parts, " || ") + ")"
}

// numericFormat reports whether a TO_CHAR format is a numeric one (9, 0, D, G, ...).
func numericFormat(f string) bool {
	if f == "" {
		return false
	}
	for _, c := range strings.ToUpper(f) {
		if !strings.ContainsRune("90.,DGSLMIPRFM$ ", c) {
			return false
		}
	}
	return strings.ContainsAny(f, "90")
}

// formatParts translates a TO_CHAR format into SQL expressions over x, to be concatenated.
func formatParts(f, x string) ([]string, *sql.Error) {
	var parts []string
	var pending strings.Builder // strftime format not yet emitted
	flush := func() {
		if pending.Len() > 0 {
			parts = append(parts, "strftime("+x+", "+quote(pending.String())+")")
			pending.Reset()
		}
	}
	expr := func(e string) {
		flush()
		parts = append(parts, e)
	}
	fm := false // FM: no padding for the next pattern
	for i := 0; i < len(f); {
		rest := f[i:]
		up := strings.ToUpper(rest)
		has := func(p string) bool { return strings.HasPrefix(up, p) }
		named := func(n int, spec string, pad int) {
			// A name: its case as the pattern's (MONTH, Month, month), blank-padded.
			e := "strftime(" + x + ", '" + spec + "')"
			switch {
			case rest[:n] == strings.ToUpper(rest[:n]):
				e = "upper(" + e + ")"
			case rest[:n] == strings.ToLower(rest[:n]):
				e = "lower(" + e + ")"
			}
			if pad > 0 && !fm {
				e = "rpad(" + e + ", " + strconv.Itoa(pad) + ", ' ')"
			}
			expr(e)
			i += n
		}
		strf := func(n int, spec, fmSpec string) {
			if fm && fmSpec != "" {
				spec = fmSpec
			}
			pending.WriteString(spec)
			i += n
		}
		switch {
		case rest[0] == '"':
			lit, n := quotedLiteral(rest)
			pending.WriteString(lit)
			i += n
			continue
		case has("FM"):
			fm = true
			i += 2
			continue
		case has("HH24"):
			strf(4, "%H", "%-H")
		case has("HH12"):
			strf(4, "%I", "%-I")
		case has("HH"):
			strf(2, "%I", "%-I")
		case has("MI"):
			strf(2, "%M", "%-M")
		case has("SSSS"):
			expr("CAST(CAST(epoch(" + x + ") AS BIGINT) % 86400 AS VARCHAR)")
			i += 4
		case has("SS"):
			strf(2, "%S", "%-S")
		case has("MS"):
			strf(2, "%g", "")
		case has("US"):
			strf(2, "%f", "")
		case has("AM") || has("PM"):
			named(2, "%p", 0)
		case has("A.M.") || has("P.M."):
			e := "replace(replace(strftime(" + x + ", '%p'), 'AM', 'A.M.'), 'PM', 'P.M.')"
			if rest[:4] == strings.ToLower(rest[:4]) {
				e = "lower(" + e + ")"
			}
			expr(e)
			i += 4
		case has("Y,YYY"):
			expr("(CAST(year(" + x + ") // 1000 AS VARCHAR) || ',' || lpad(CAST(year(" + x + ") % 1000 AS VARCHAR), 3, '0'))")
			i += 5
		case has("IYYY"):
			strf(4, "%G", "")
		case has("YYYY"):
			strf(4, "%Y", "")
		case has("YYY"):
			expr("right(strftime(" + x + ", '%Y'), 3)")
			i += 3
		case has("YY"):
			strf(2, "%y", "")
		case has("MONTH"):
			named(5, "%B", 9)
		case has("MON"):
			named(3, "%b", 0)
		case has("MM"):
			strf(2, "%m", "%-m")
		case has("DAY"):
			named(3, "%A", 9)
		case has("DDD"):
			strf(3, "%j", "%-j")
		case has("DD"):
			strf(2, "%d", "%-d")
		case has("DY"):
			named(2, "%a", 0)
		case has("D"):
			expr("CAST(dayofweek(" + x + ") + 1 AS VARCHAR)")
			i++
		case has("IW"):
			strf(2, "%V", "")
		case has("WW"):
			e := "CAST((dayofyear(" + x + ") - 1) // 7 + 1 AS VARCHAR)"
			if !fm {
				e = "lpad(" + e + ", 2, '0')"
			}
			expr(e)
			i += 2
		case has("Q"):
			expr("CAST(quarter(" + x + ") AS VARCHAR)")
			i++
		case has("CC"):
			expr("lpad(CAST(century(" + x + ") AS VARCHAR), 2, '0')")
			i += 2
		case has("TZ"):
			if rest[:2] == "tz" {
				pending.WriteString("utc")
			} else {
				pending.WriteString("UTC")
			}
			i += 2
		case has("OF"):
			pending.WriteString("+00")
			i += 2
		case has("BC") || has("AD") || has("B.C.") || has("A.D.") || has("RM") || has("IDDD") || has("ID") ||
			has("J") || has("W"):
			return nil, notSupported("The TO_CHAR format pattern " + strings.ToUpper(firstPattern(rest)))
		default:
			if rest[0] == '%' {
				pending.WriteString("%%")
			} else {
				pending.WriteByte(rest[0])
			}
			i++
			continue
		}
		fm = false
	}
	flush()
	return parts, nil
}

func firstPattern(s string) string {
	for _, p := range []string{"B.C.", "A.D.", "IDDD", "BC", "AD", "RM", "ID", "J", "W"} {
		if strings.HasPrefix(strings.ToUpper(s), p) {
			return p
		}
	}
	return s[:1]
}

// strptimePatterns translate the patterns of TO_DATE and TO_TIMESTAMP, longest first.
var strptimePatterns = []struct{ pat, spec string }{
	{"HH24", "%H"}, {"HH12", "%I"}, {"HH", "%I"}, {"MI", "%M"}, {"SS", "%S"}, {"MS", "%g"}, {"US", "%f"},
	{"AM", "%p"}, {"PM", "%p"}, {"YYYY", "%Y"}, {"YY", "%y"}, {"MONTH", "%B"}, {"MON", "%b"}, {"MM", "%m"},
	{"DAY", "%A"}, {"DDD", "%j"}, {"DD", "%d"}, {"DY", "%a"}, {"TZ", "%Z"}, {"OF", "%z"},
}

// quotedLiteral reads the double-quoted text at the start of a datetime format's rest
// ("Q" in '"Q"Q YYYY'), which is copied as it is: it returns the text with its % escaped for
// strftime and strptime, and the bytes it takes. An unclosed quote runs to the end.
func quotedLiteral(rest string) (string, int) {
	lit, n := rest[1:], len(rest)
	if end := strings.IndexByte(lit, '"'); end >= 0 {
		lit, n = lit[:end], end+2
	}
	return strings.ReplaceAll(lit, "%", "%%"), n
}

// strptimeFormat translates a TO_DATE / TO_TIMESTAMP format.
func strptimeFormat(f string) (string, *sql.Error) {
	var b strings.Builder
	for i := 0; i < len(f); {
		rest := f[i:]
		up := strings.ToUpper(rest)
		if rest[0] == '"' {
			lit, n := quotedLiteral(rest)
			b.WriteString(lit)
			i += n
			continue
		}
		if strings.HasPrefix(up, "FM") {
			i += 2
			continue
		}
		found := false
		for _, p := range strptimePatterns {
			if strings.HasPrefix(up, p.pat) {
				b.WriteString(p.spec)
				i += len(p.pat)
				found = true
				break
			}
		}
		if found {
			continue
		}
		c := up[0]
		if c >= 'A' && c <= 'Z' {
			return "", notSupported("The format pattern " + firstPattern(rest) + " in TO_DATE and TO_TIMESTAMP")
		}
		if c == '%' {
			b.WriteString("%%")
		} else {
			b.WriteByte(rest[0])
		}
		i++
	}
	return b.String(), nil
}

// rewriteParse: TO_DATE(text, 'format') and TO_TIMESTAMP(text, 'format') are strptime, cast
// to the function's result type.
func rewriteParse(typ string) dialectFunc {
	return func(r *rewriter, k, open, close int) (int, string) {
		a := r.args(open, close)
		if len(a) != 2 {
			return 0, "" // TO_TIMESTAMP(epoch) is DuckDB's own
		}
		f := r.toks[a[1][0]]
		if a[1][1] != a[1][0]+1 || f.Kind != sql.TokString {
			r.fail(notSupported("TO_DATE and TO_TIMESTAMP with a format that is not a string constant"))
			return 0, ""
		}
		spec, err := strptimeFormat(f.Value)
		if err != nil {
			r.fail(err)
			return 0, ""
		}
		return close + 1 - k, "CAST(strptime(" + r.text(a[0][0], a[0][1]) + ", " + quote(spec) + ") AS " + typ + ")"
	}
}
