package logger

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// The two records every statement makes (its activity record and its completion) are encoded
// by hand: encoding/json's reflection was a sixth of the logger's CPU per statement. The
// bytes are those encoding/json makes of the same value (TestEncodeLikeEncodingJSON), so the
// records read back with json.Unmarshal as before, and a store written by an older build
// reads the same.

// encodeActivity appends a's JSON to b.
func encodeActivity(b []byte, a *Activity) ([]byte, error) {
	b = strconv.AppendInt(append(b, `{"q":`...), a.QueryID, 10)
	b, err := appendJSONTime(append(b, `,"t":`...), a.RecordTime)
	if err != nil {
		return nil, fmt.Errorf("encode activity record: %w", err)
	}
	b = appendJSONString(append(b, `,"db":`...), a.DB)
	b = appendJSONString(append(b, `,"user":`...), a.UserName)
	b = strconv.AppendInt(append(b, `,"pid":`...), int64(a.PID), 10)
	b = strconv.AppendInt(append(b, `,"userid":`...), int64(a.UserID), 10)
	b = strconv.AppendInt(append(b, `,"xid":`...), a.XID, 10)
	if a.Label != "" {
		b = appendJSONString(append(b, `,"label":`...), a.Label)
	}
	b = appendJSONString(append(b, `,"kind":`...), a.Kind)
	b = appendJSONString(append(b, `,"qtype":`...), a.QueryType)
	b = appendJSONString(append(b, `,"text":`...), a.Text)
	if a.Deliver {
		b = append(b, `,"deliver":true`...)
	}
	return append(b, '}'), nil
}

// encodeCompletion appends c's JSON to b.
func encodeCompletion(b []byte, c *Completion) ([]byte, error) {
	b = strconv.AppendInt(append(b, `{"q":`...), c.QueryID, 10)
	b, err := appendJSONTime(append(b, `,"t":`...), c.End)
	if err != nil {
		return nil, fmt.Errorf("encode statement completion: %w", err)
	}
	b = appendJSONString(append(b, `,"status":`...), c.Status)
	b = strconv.AppendInt(append(b, `,"rows":`...), c.Rows, 10)
	if c.Error != "" {
		b = appendJSONString(append(b, `,"err":`...), c.Error)
	}
	return append(b, '}'), nil
}

// appendJSONTime appends t as time.Time's MarshalJSON does, with its limits.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("time %v: year outside of range [0,9999]", t)
	}
	b = t.AppendFormat(append(b, '"'), time.RFC3339Nano)
	return append(b, '"'), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes strings: \", \\ and the short
// escapes \b \f \n \r \t; other control characters, and <, > and & (HTML-safe output), as
// \u00XX; U+2028 and U+2029 escaped; invalid UTF-8 replaced by \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}
