package duckdb

import (
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Numeric is a NUMERIC value (DECIMAL, HUGEINT, UBIGINT) in PostgreSQL's text form, scale
// digits included: "123.45", "-0.05", "170141183460469231731687303715884105727".
type Numeric string

func (n Numeric) String() string { return string(n) }

// Special is a date or timestamp that time.Time cannot hold.
type Special string

const (
	Infinity         Special = "infinity"
	NegativeInfinity Special = "-infinity"
)

func (s Special) String() string { return string(s) }

// Interval is an INTERVAL value. String gives PostgreSQL's text form
// (IntervalStyle postgres): "1 year 2 mons 3 days 04:05:06.789".
type Interval struct {
	Months int32
	Days   int32
	Micros int64
}

func (iv Interval) String() string {
	var b strings.Builder
	zero, before := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !zero {
			b.WriteByte(' ')
		}
		if before && v > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(v, 10))
		b.WriteByte(' ')
		b.WriteString(unit)
		if v != 1 {
			b.WriteByte('s')
		}
		before, zero = v < 0, false
	}
	part(int64(iv.Months/12), "year")
	part(int64(iv.Months%12), "mon")
	part(int64(iv.Days), "day")
	if zero || iv.Micros != 0 {
		if !zero {
			b.WriteByte(' ')
		}
		us := iv.Micros
		if us < 0 {
			b.WriteByte('-')
			us = -us
		} else if before {
			b.WriteByte('+')
		}
		writeClock(&b, us)
	}
	return b.String()
}

// writeClock writes a non-negative count of microseconds as hh:mm:ss[.ffffff], trailing zeros
// of the fraction dropped, hours unbounded.
func writeClock(b *strings.Builder, us int64) {
	h, us := us/3_600_000_000, us%3_600_000_000
	m, us := us/60_000_000, us%60_000_000
	s, us := us/1_000_000, us%1_000_000
	two := func(v int64) {
		if v < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatInt(v, 10))
	}
	two(h)
	b.WriteByte(':')
	two(m)
	b.WriteByte(':')
	two(s)
	if us != 0 {
		frac := strconv.FormatInt(us+1_000_000, 10)[1:]
		b.WriteByte('.')
		b.WriteString(strings.TrimRight(frac, "0"))
	}
}

// Time is a TIME value, microseconds since midnight. String gives "15:04:05[.ffffff]".
type Time struct{ Micros int64 }

func (t Time) String() string {
	var b strings.Builder
	writeClock(&b, t.Micros)
	return b.String()
}

// TimeTZ is a TIME WITH TIME ZONE value. String gives "15:04:05[.ffffff]+hh[:mm[:ss]]".
type TimeTZ struct {
	Micros int64
	Offset int32 // seconds east of UTC
}

func (t TimeTZ) String() string {
	var b strings.Builder
	writeClock(&b, t.Micros)
	off := t.Offset
	if off < 0 {
		b.WriteByte('-')
		off = -off
	} else {
		b.WriteByte('+')
	}
	h, m, s := off/3600, off/60%60, off%60
	b.WriteString(twoDigits(int64(h)))
	if m != 0 || s != 0 {
		b.WriteString(":" + twoDigits(int64(m)))
	}
	if s != 0 {
		b.WriteString(":" + twoDigits(int64(s)))
	}
	return b.String()
}

func twoDigits(v int64) string {
	if v < 10 {
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

// textOf renders a value from vec.value in PostgreSQL's text form.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	case []byte:
		return `\x` + hex.EncodeToString(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case interface{ String() string }:
		return x.String()
	}
	return ""
}

// scaled inserts a decimal point scale digits from the right of the integer digits.
func scaled(digits string, scale uint8) string {
	if scale == 0 {
		return digits
	}
	neg := strings.HasPrefix(digits, "-")
	if neg {
		digits = digits[1:]
	}
	s := int(scale)
	if len(digits) <= s {
		digits = strings.Repeat("0", s-len(digits)+1) + digits
	}
	out := digits[:len(digits)-s] + "." + digits[len(digits)-s:]
	if neg {
		return "-" + out
	}
	return out
}

var two64 = new(big.Int).Lsh(big.NewInt(1), 64)

func hugeString(upper int64, lower uint64) string {
	switch {
	case upper == 0:
		return strconv.FormatUint(lower, 10)
	case upper == -1 && lower >= 1<<63:
		return strconv.FormatInt(int64(lower), 10)
	}
	v := new(big.Int).Mul(big.NewInt(upper), two64)
	return v.Add(v, new(big.Int).SetUint64(lower)).String()
}

func uhugeString(upper, lower uint64) string {
	if upper == 0 {
		return strconv.FormatUint(lower, 10)
	}
	v := new(big.Int).Mul(new(big.Int).SetUint64(upper), two64)
	return v.Add(v, new(big.Int).SetUint64(lower)).String()
}

// uuidString renders DuckDB's UUID storage (a HUGEINT with the top bit flipped so that UUIDs
// sort as strings do) as 8-4-4-4-12 hex.
func uuidString(h hugeint) string {
	var raw [16]byte
	hi := uint64(h.upper) ^ (1 << 63)
	for i := range 8 {
		raw[i] = byte(hi >> (56 - 8*i))
		raw[8+i] = byte(h.lower >> (56 - 8*i))
	}
	var out [36]byte
	hex.Encode(out[0:8], raw[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], raw[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], raw[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], raw[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], raw[10:16])
	return string(out[:])
}
