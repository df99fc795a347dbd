package sql

// Split splits a simple-query string into its statements. A statement ends at a semicolon that
// is outside string literals, quoted identifiers, dollar quotes, comments and parentheses (as
// psql splits its input; a semicolon inside parentheses is a syntax error for the server
// anyway, so it is left to the statement). Each statement is trimmed of surrounding whitespace
// and has no trailing semicolon; statements that are empty or hold only comments are dropped,
// so "" and ";" give none. Comments inside or before a statement are kept.
func Split(query string) []string {
	var out []string
	lx := NewLexer(query)
	start, depth, code := 0, 0, false
	emit := func(end int) {
		if code {
			out = append(out, trimSpace(query[start:end]))
		}
	}
	for {
		t := lx.Next()
		switch {
		case t.Kind == TokEOF:
			emit(len(query))
			return out
		case t.Kind == TokComment:
			continue
		case t.Kind == TokPunct && (t.Raw == "(" || t.Raw == "["):
			depth++
		case t.Kind == TokPunct && (t.Raw == ")" || t.Raw == "]"):
			if depth > 0 {
				depth--
			}
		case t.Kind == TokPunct && t.Raw == ";" && depth == 0:
			emit(t.Start)
			start, code = t.End, false
			continue
		}
		code = true
	}
}

// trimSpace trims the whitespace SQL knows (space, tab, newline, carriage return, form feed,
// vertical tab) and nothing else, so that no byte of a token is ever cut.
func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}
