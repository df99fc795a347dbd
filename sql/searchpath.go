package sql

import "strings"

// UserSchema is the search_path entry that stands for the session user's own schema.
const UserSchema = "$user"

// ParseSearchPath reads a search_path value, as SET keeps it (`"$user", public, "My Schema"`)
// or as a client sends it at startup (`$user,public`), into its schema names: quoted names
// keep their case, unquoted ones are folded to lower case, and "$user" (quoted or not) is
// UserSchema. Empty entries are dropped.
func ParseSearchPath(v string) []string {
	var out []string
	for _, item := range splitList(v) {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
			continue
		case len(item) >= 2 && (item[0] == '"' || item[0] == '\'') && item[len(item)-1] == item[0]:
			q := string(item[0])
			item = strings.ReplaceAll(item[1:len(item)-1], q+q, q)
		default:
			item = strings.ToLower(item)
		}
		if item != "" {
			out = append(out, item)
		}
	}
	return out
}

// splitList splits v at the commas outside quotes.
func splitList(v string) []string {
	var out []string
	var quote byte
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote closes and reopens: same result
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ',':
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}
