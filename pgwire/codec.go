package pgwire

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// codec encodes result values and decodes parameters. One per connection: pgtype.Map is not
// safe for concurrent use.
type codec struct {
	m *pgtype.Map
}

func newCodec() *codec { return &codec{m: pgtype.NewMap()} }

// appendValue appends v in the given format to buf. null reports a NULL (nothing appended).
func (c *codec) appendValue(buf []byte, oid uint32, format int16, v any) (out []byte, null bool, err error) {
	if v == nil {
		return buf, true, nil
	}
	if format == pgtype.BinaryFormatCode {
		out, err = c.m.Encode(oid, pgtype.BinaryFormatCode, v, buf)
		if err == nil {
			return out, out == nil, nil
		}
		// The engine gave a value pgtype cannot encode directly (a string or Stringer for
		// numeric, interval, ...): go through the text form.
		text, _, terr := c.appendText(nil, oid, v)
		if terr != nil {
			return buf, false, terr
		}
		var tmp any
		if serr := c.m.Scan(oid, pgtype.TextFormatCode, text, &tmp); serr != nil {
			return buf, false, fmt.Errorf("encode %T as binary type %d: %w", v, oid, err)
		}
		out, err = c.m.Encode(oid, pgtype.BinaryFormatCode, tmp, buf)
		if err != nil {
			return buf, false, fmt.Errorf("encode %T as binary type %d: %w", v, oid, err)
		}
		return out, false, nil
	}
	return c.appendText(buf, oid, v)
}

func (c *codec) appendText(buf []byte, oid uint32, v any) ([]byte, bool, error) {
	switch x := v.(type) {
	case string:
		return append(buf, x...), false, nil
	case []byte:
		if oid == pgtype.ByteaOID {
			buf = append(buf, `\x`...)
			return hex.AppendEncode(buf, x), false, nil
		}
		return append(buf, x...), false, nil
	case bool:
		if x {
			return append(buf, 't'), false, nil
		}
		return append(buf, 'f'), false, nil
	case int64:
		return strconv.AppendInt(buf, x, 10), false, nil
	case int32:
		return strconv.AppendInt(buf, int64(x), 10), false, nil
	case int16:
		return strconv.AppendInt(buf, int64(x), 10), false, nil
	case int8:
		return strconv.AppendInt(buf, int64(x), 10), false, nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), false, nil
	case uint8:
		return strconv.AppendUint(buf, uint64(x), 10), false, nil
	case uint16:
		return strconv.AppendUint(buf, uint64(x), 10), false, nil
	case uint32:
		return strconv.AppendUint(buf, uint64(x), 10), false, nil
	case uint64:
		return strconv.AppendUint(buf, x, 10), false, nil
	case float64:
		return appendFloat(buf, x, 64), false, nil
	case float32:
		return appendFloat(buf, float64(x), 32), false, nil
	case time.Time:
		return appendTime(buf, oid, x), false, nil
	case fmt.Stringer:
		return append(buf, x.String()...), false, nil
	}
	out, err := c.m.Encode(oid, pgtype.TextFormatCode, v, buf)
	if err != nil {
		return buf, false, fmt.Errorf("encode %T as text type %d: %w", v, oid, err)
	}
	return out, out == nil, nil
}

func appendFloat(buf []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	}
	return strconv.AppendFloat(buf, f, 'g', -1, bits)
}

func appendTime(buf []byte, oid uint32, t time.Time) []byte {
	switch oid {
	case pgtype.DateOID:
		return t.AppendFormat(buf, "2006-01-02")
	case pgtype.TimeOID:
		return t.AppendFormat(buf, "15:04:05.999999")
	case pgtype.TimestamptzOID:
		buf = t.AppendFormat(buf, "2006-01-02 15:04:05.999999")
		_, off := t.Zone()
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		buf = append(buf, sign)
		buf = appendTwo(buf, off/3600)
		if m := off % 3600 / 60; m != 0 {
			buf = append(buf, ':')
			buf = appendTwo(buf, m)
		}
		return buf
	default:
		return t.AppendFormat(buf, "2006-01-02 15:04:05.999999")
	}
}

func appendTwo(buf []byte, n int) []byte {
	return append(buf, byte('0'+n/10), byte('0'+n%10))
}

// decodeParam turns one Bind parameter into a Go value for the engine.
func (c *codec) decodeParam(oid uint32, format int16, src []byte) (any, error) {
	if src == nil {
		return nil, nil
	}
	if format == pgtype.TextFormatCode {
		switch oid {
		case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
			n, err := strconv.ParseInt(string(src), 10, 64)
			if err != nil {
				return nil, &Error{Code: "22P02", Message: fmt.Sprintf("invalid input syntax for integer: %q", src)}
			}
			return n, nil
		case pgtype.Float4OID, pgtype.Float8OID:
			f, err := strconv.ParseFloat(string(src), 64)
			if err != nil {
				return nil, &Error{Code: "22P02", Message: fmt.Sprintf("invalid input syntax for type double precision: %q", src)}
			}
			return f, nil
		case pgtype.BoolOID:
			switch string(src) {
			case "t", "true", "TRUE", "y", "yes", "on", "1":
				return true, nil
			case "f", "false", "FALSE", "n", "no", "off", "0":
				return false, nil
			}
			return nil, &Error{Code: "22P02", Message: fmt.Sprintf("invalid input syntax for type boolean: %q", src)}
		}
		// Everything else goes to the engine as text, which casts it to the parameter's type.
		return string(src), nil
	}
	switch oid {
	case 0, pgtype.TextOID, pgtype.VarcharOID, pgtype.UnknownOID:
		return string(src), nil
	}
	var v any
	if err := c.m.Scan(oid, pgtype.BinaryFormatCode, src, &v); err != nil {
		return nil, &Error{Code: "08P01", Message: fmt.Sprintf("incorrect binary data format in bind parameter of type %d", oid)}
	}
	switch x := v.(type) {
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case driver.Valuer:
		return x.Value()
	}
	return v, nil
}
