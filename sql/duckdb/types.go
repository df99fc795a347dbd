package duckdb

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// kind is how a vector's values are read.
type kind uint8

const (
	kUnsupported kind = iota
	kBool
	kInt8
	kInt16
	kInt32
	kInt64
	kUint8
	kUint16
	kUint32
	kUint64
	kHuge
	kUHuge
	kFloat
	kDouble
	kDecimal
	kVarchar
	kBlob
	kBit
	kDate
	kTime
	kTimeNS
	kTimeTZ
	kTimestamp // microseconds
	kTimestampS
	kTimestampMS
	kTimestampNS
	kTimestampTZ
	kInterval
	kUUID
	kEnum
	kList
	kArray
	kMap
	kStruct
	kUnion
	kNull
)

// colType is what the package knows of one DuckDB type: its PostgreSQL description and how
// to read it.
type colType struct {
	id   mapping.Type
	kind kind
	oid  uint32
	size int16
	mod  int32

	scale  uint8        // DECIMAL
	store  mapping.Type // physical type of DECIMAL and ENUM values
	enum   []string     // ENUM dictionary
	arrLen uint64       // ARRAY size
	names  []string     // STRUCT fields, UNION members
	kids   []*colType   // LIST/ARRAY element; MAP entry struct; STRUCT fields; UNION tag and members
}

func (t *colType) nested() bool { return t.kind >= kEnum && t.kind <= kUnion }

// supported reports whether values of the type can be read (BIGNUM, ANY, ... cannot).
func (t *colType) supported() bool {
	if t.kind == kUnsupported {
		return false
	}
	for _, k := range t.kids {
		if !k.supported() {
			return false
		}
	}
	return true
}

// newColType describes a DuckDB logical type. It does not take ownership of lt.
func newColType(lt mapping.LogicalType) *colType {
	id := mapping.GetTypeId(lt)
	t := &colType{id: id, oid: pgtype.TextOID, size: -1, mod: -1}
	switch id {
	case mapping.TypeBoolean:
		t.kind, t.oid, t.size = kBool, pgtype.BoolOID, 1
	case mapping.TypeTinyInt:
		t.kind, t.oid, t.size = kInt8, pgtype.Int2OID, 2
	case mapping.TypeSmallInt:
		t.kind, t.oid, t.size = kInt16, pgtype.Int2OID, 2
	case mapping.TypeUTinyInt:
		t.kind, t.oid, t.size = kUint8, pgtype.Int2OID, 2
	case mapping.TypeInteger:
		t.kind, t.oid, t.size = kInt32, pgtype.Int4OID, 4
	case mapping.TypeUSmallInt:
		t.kind, t.oid, t.size = kUint16, pgtype.Int4OID, 4
	case mapping.TypeBigInt:
		t.kind, t.oid, t.size = kInt64, pgtype.Int8OID, 8
	case mapping.TypeUInteger:
		t.kind, t.oid, t.size = kUint32, pgtype.Int8OID, 8
	case mapping.TypeUBigInt:
		t.kind, t.oid = kUint64, pgtype.NumericOID
	case mapping.TypeHugeInt:
		t.kind, t.oid = kHuge, pgtype.NumericOID
	case mapping.TypeUHugeInt:
		t.kind, t.oid = kUHuge, pgtype.NumericOID
	case mapping.TypeFloat:
		t.kind, t.oid, t.size = kFloat, pgtype.Float4OID, 4
	case mapping.TypeDouble:
		t.kind, t.oid, t.size = kDouble, pgtype.Float8OID, 8
	case mapping.TypeDecimal:
		w, s := mapping.DecimalWidth(lt), mapping.DecimalScale(lt)
		t.kind, t.oid = kDecimal, pgtype.NumericOID
		t.scale, t.store = s, mapping.DecimalInternalType(lt)
		t.mod = (int32(w)<<16 | int32(s)) + 4
	case mapping.TypeVarchar:
		t.kind, t.oid = kVarchar, pgtype.VarcharOID
		if mapping.LogicalTypeGetAlias(lt) == "JSON" {
			t.oid = pgtype.JSONOID
		}
	case mapping.TypeBlob:
		t.kind, t.oid = kBlob, pgtype.ByteaOID
	case mapping.TypeBit:
		t.kind, t.oid = kBit, pgtype.VarbitOID
	case mapping.TypeDate:
		t.kind, t.oid, t.size = kDate, pgtype.DateOID, 4
	case mapping.TypeTime:
		t.kind, t.oid, t.size = kTime, pgtype.TimeOID, 8
	case mapping.TypeTimeNS:
		t.kind, t.oid, t.size = kTimeNS, pgtype.TimeOID, 8
	case mapping.TypeTimeTZ:
		t.kind, t.oid, t.size = kTimeTZ, pgtype.TimetzOID, 12
	case mapping.TypeTimestamp:
		t.kind, t.oid, t.size = kTimestamp, pgtype.TimestampOID, 8
	case mapping.TypeTimestampS:
		t.kind, t.oid, t.size = kTimestampS, pgtype.TimestampOID, 8
	case mapping.TypeTimestampMS:
		t.kind, t.oid, t.size = kTimestampMS, pgtype.TimestampOID, 8
	case mapping.TypeTimestampNS:
		t.kind, t.oid, t.size = kTimestampNS, pgtype.TimestampOID, 8
	case mapping.TypeTimestampTZ:
		t.kind, t.oid, t.size = kTimestampTZ, pgtype.TimestamptzOID, 8
	case mapping.TypeInterval:
		t.kind, t.oid, t.size = kInterval, pgtype.IntervalOID, 16
	case mapping.TypeUUID:
		t.kind, t.oid, t.size = kUUID, pgtype.UUIDOID, 16
	case mapping.TypeEnum:
		t.kind, t.oid = kEnum, pgtype.VarcharOID
		t.store = mapping.EnumInternalType(lt)
		n := mapping.EnumDictionarySize(lt)
		t.enum = make([]string, n)
		for i := range n {
			t.enum[i] = mapping.EnumDictionaryValue(lt, mapping.IdxT(i))
		}
	case mapping.TypeList:
		t.kind = kList
		child := mapping.ListTypeChildType(lt)
		t.kids = []*colType{newColType(child)}
		mapping.DestroyLogicalType(&child)
	case mapping.TypeArray:
		t.kind = kArray
		t.arrLen = uint64(mapping.ArrayTypeArraySize(lt))
		child := mapping.ArrayTypeChildType(lt)
		t.kids = []*colType{newColType(child)}
		mapping.DestroyLogicalType(&child)
	case mapping.TypeMap:
		t.kind = kMap
		k, v := mapping.MapTypeKeyType(lt), mapping.MapTypeValueType(lt)
		entry := &colType{id: mapping.TypeStruct, kind: kStruct, oid: pgtype.TextOID, size: -1, mod: -1,
			names: []string{"key", "value"}, kids: []*colType{newColType(k), newColType(v)}}
		mapping.DestroyLogicalType(&k)
		mapping.DestroyLogicalType(&v)
		t.kids = []*colType{entry}
	case mapping.TypeStruct:
		t.kind = kStruct
		n := mapping.StructTypeChildCount(lt)
		for i := range n {
			child := mapping.StructTypeChildType(lt, i)
			t.names = append(t.names, mapping.StructTypeChildName(lt, i))
			t.kids = append(t.kids, newColType(child))
			mapping.DestroyLogicalType(&child)
		}
	case mapping.TypeUnion:
		// Stored as a struct whose first child is the member tag.
		t.kind = kUnion
		t.kids = []*colType{{id: mapping.TypeUTinyInt, kind: kUint8}}
		n := mapping.UnionTypeMemberCount(lt)
		for i := range n {
			child := mapping.UnionTypeMemberType(lt, i)
			t.names = append(t.names, mapping.UnionTypeMemberName(lt, i))
			t.kids = append(t.kids, newColType(child))
			mapping.DestroyLogicalType(&child)
		}
	case mapping.TypeSQLNull:
		t.kind = kNull
	}
	return t
}

// paramOID is the OID a parameter of DuckDB type t is announced as.
func paramOID(t mapping.Type) uint32 {
	switch t {
	case mapping.TypeBoolean:
		return pgtype.BoolOID
	case mapping.TypeTinyInt, mapping.TypeSmallInt, mapping.TypeUTinyInt:
		return pgtype.Int2OID
	case mapping.TypeInteger, mapping.TypeUSmallInt:
		return pgtype.Int4OID
	case mapping.TypeBigInt, mapping.TypeUInteger:
		return pgtype.Int8OID
	case mapping.TypeUBigInt, mapping.TypeHugeInt, mapping.TypeUHugeInt, mapping.TypeDecimal:
		return pgtype.NumericOID
	case mapping.TypeFloat:
		return pgtype.Float4OID
	case mapping.TypeDouble:
		return pgtype.Float8OID
	case mapping.TypeVarchar, mapping.TypeEnum:
		return pgtype.VarcharOID
	case mapping.TypeBlob:
		return pgtype.ByteaOID
	case mapping.TypeDate:
		return pgtype.DateOID
	case mapping.TypeTime, mapping.TypeTimeNS:
		return pgtype.TimeOID
	case mapping.TypeTimeTZ:
		return pgtype.TimetzOID
	case mapping.TypeTimestamp, mapping.TypeTimestampS, mapping.TypeTimestampMS, mapping.TypeTimestampNS:
		return pgtype.TimestampOID
	case mapping.TypeTimestampTZ:
		return pgtype.TimestamptzOID
	case mapping.TypeInterval:
		return pgtype.IntervalOID
	case mapping.TypeUUID:
		return pgtype.UUIDOID
	}
	return pgtype.TextOID
}

// vec reads one vector of the current chunk. Its pointers are valid until the chunk is
// destroyed.
type vec struct {
	t    *colType
	data unsafe.Pointer
	mask unsafe.Pointer // validity bitmap (uint64 words); nil when every row is valid
	kids []vec
}

func (v *vec) init(t *colType) {
	v.t = t
	if len(t.kids) > 0 {
		v.kids = make([]vec, len(t.kids))
		for i, k := range t.kids {
			v.kids[i].init(k)
		}
	}
}

func (v *vec) bind(x mapping.Vector) {
	v.data = mapping.VectorGetData(x)
	v.mask = mapping.VectorGetValidity(x)
	switch v.t.kind {
	case kList, kMap:
		v.kids[0].bind(mapping.ListVectorGetChild(x))
	case kArray:
		v.kids[0].bind(mapping.ArrayVectorGetChild(x))
	case kStruct, kUnion:
		for i := range v.kids {
			v.kids[i].bind(mapping.StructVectorGetChild(x, mapping.IdxT(i)))
		}
	}
}

func (v *vec) valid(i uint64) bool {
	if v.mask == nil {
		return true
	}
	return *(*uint64)(unsafe.Add(v.mask, (i>>6)*8))>>(i&63)&1 != 0
}

func at[T any](v *vec, i uint64) T {
	var zero T
	return *(*T)(unsafe.Add(v.data, uintptr(i)*unsafe.Sizeof(zero)))
}

// stringT is duckdb_string_t: a length, then up to 12 inlined bytes or a 4-byte prefix and a
// pointer.
type stringT struct {
	length uint32
	prefix [4]byte
	ptr    unsafe.Pointer
}

func (v *vec) bytes(i uint64) []byte {
	p := (*stringT)(unsafe.Add(v.data, uintptr(i)*16))
	if p.length <= 12 {
		return unsafe.Slice((*byte)(unsafe.Pointer(&p.prefix)), p.length)
	}
	return unsafe.Slice((*byte)(p.ptr), p.length)
}

type hugeint struct {
	lower uint64
	upper int64
}

type uhugeint struct {
	lower uint64
	upper uint64
}

type interval struct {
	months int32
	days   int32
	micros int64
}

type listEntry struct {
	offset uint64
	length uint64
}

const (
	dateInfinity = math.MaxInt32
	tsInfinity   = math.MaxInt64
)

// value returns row i as one of the kinds sql.Rows documents.
func (v *vec) value(i uint64) any {
	if !v.valid(i) {
		return nil
	}
	switch v.t.kind {
	case kBool:
		return at[bool](v, i)
	case kInt8:
		return int16(at[int8](v, i))
	case kInt16:
		return at[int16](v, i)
	case kUint8:
		return int16(at[uint8](v, i))
	case kInt32:
		return at[int32](v, i)
	case kUint16:
		return int32(at[uint16](v, i))
	case kInt64:
		return at[int64](v, i)
	case kUint32:
		return int64(at[uint32](v, i))
	case kUint64:
		return Numeric(strconv.FormatUint(at[uint64](v, i), 10))
	case kHuge:
		h := at[hugeint](v, i)
		return Numeric(hugeString(h.upper, h.lower))
	case kUHuge:
		h := at[uhugeint](v, i)
		return Numeric(uhugeString(h.upper, h.lower))
	case kFloat:
		return at[float32](v, i)
	case kDouble:
		return at[float64](v, i)
	case kDecimal:
		return Numeric(v.decimal(i))
	case kVarchar:
		return string(v.bytes(i))
	case kBlob:
		return append([]byte(nil), v.bytes(i)...)
	case kDate:
		d := at[int32](v, i)
		switch {
		case d == dateInfinity:
			return Infinity
		case d == -dateInfinity:
			return NegativeInfinity
		}
		return time.Unix(int64(d)*86400, 0).UTC()
	case kTimestamp, kTimestampTZ, kTimestampS, kTimestampMS, kTimestampNS:
		ts := at[int64](v, i)
		switch {
		case ts == tsInfinity:
			return Infinity
		case ts == -tsInfinity:
			return NegativeInfinity
		}
		switch v.t.kind {
		case kTimestampS:
			return time.Unix(ts, 0).UTC()
		case kTimestampMS:
			return time.UnixMilli(ts).UTC()
		case kTimestampNS:
			return time.Unix(0, ts).UTC()
		}
		return time.UnixMicro(ts).UTC()
	case kTime:
		return Time{Micros: at[int64](v, i)}
	case kTimeNS:
		return Time{Micros: at[int64](v, i) / 1000}
	case kTimeTZ:
		bits := at[uint64](v, i)
		const maxOffset = 16*60*60 - 1
		return TimeTZ{Micros: int64(bits >> 24), Offset: int32(maxOffset - int64(bits&0xFFFFFF))}
	case kInterval:
		iv := at[interval](v, i)
		return Interval{Months: iv.months, Days: iv.days, Micros: iv.micros}
	case kUUID:
		return uuidString(at[hugeint](v, i))
	case kEnum:
		return v.t.enum[v.enumIndex(i)]
	case kNull, kUnsupported: // Rows.setup refuses results with unsupported types
		return nil
	}
	return v.text(i) // nested types and bit strings: their text form
}

func (v *vec) enumIndex(i uint64) uint64 {
	switch v.t.store {
	case mapping.TypeUTinyInt:
		return uint64(at[uint8](v, i))
	case mapping.TypeUSmallInt:
		return uint64(at[uint16](v, i))
	default:
		return uint64(at[uint32](v, i))
	}
}

func (v *vec) decimal(i uint64) string {
	switch v.t.store {
	case mapping.TypeSmallInt:
		return scaled(strconv.FormatInt(int64(at[int16](v, i)), 10), v.t.scale)
	case mapping.TypeInteger:
		return scaled(strconv.FormatInt(int64(at[int32](v, i)), 10), v.t.scale)
	case mapping.TypeBigInt:
		return scaled(strconv.FormatInt(at[int64](v, i), 10), v.t.scale)
	default:
		h := at[hugeint](v, i)
		return scaled(hugeString(h.upper, h.lower), v.t.scale)
	}
}

// text returns row i in text form: PostgreSQL's for scalars, DuckDB's notation for nested
// values ([1, 2], {'a': 1}, {k=v}).
func (v *vec) text(i uint64) any {
	if !v.valid(i) {
		return nil
	}
	var b strings.Builder
	v.appendText(&b, i, false)
	return b.String()
}

func (v *vec) appendText(b *strings.Builder, i uint64, inner bool) {
	if !v.valid(i) {
		if inner {
			b.WriteString("NULL")
		}
		return
	}
	switch v.t.kind {
	case kList, kArray:
		var off, n uint64
		if v.t.kind == kList {
			e := at[listEntry](v, i)
			off, n = e.offset, e.length
		} else {
			off, n = i*v.t.arrLen, v.t.arrLen
		}
		b.WriteByte('[')
		for j := range n {
			if j > 0 {
				b.WriteString(", ")
			}
			v.kids[0].appendText(b, off+j, true)
		}
		b.WriteByte(']')
	case kMap:
		e := at[listEntry](v, i)
		entry := &v.kids[0]
		b.WriteByte('{')
		for j := range e.length {
			if j > 0 {
				b.WriteString(", ")
			}
			entry.kids[0].appendText(b, e.offset+j, true)
			b.WriteByte('=')
			entry.kids[1].appendText(b, e.offset+j, true)
		}
		b.WriteByte('}')
	case kStruct:
		b.WriteByte('{')
		for k := range v.kids {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteElement(v.t.names[k], true))
			b.WriteString(": ")
			v.kids[k].appendText(b, i, true)
		}
		b.WriteByte('}')
	case kUnion:
		tag := at[uint8](&v.kids[0], i)
		if int(tag)+1 < len(v.kids) {
			v.kids[tag+1].appendText(b, i, true)
		}
	case kBit:
		raw := v.bytes(i)
		if len(raw) > 0 {
			pad := int(raw[0])
			for n, c := range raw[1:] {
				for bit := 7; bit >= 0; bit-- {
					if n == 0 && 7-bit < pad {
						continue
					}
					b.WriteByte('0' + c>>bit&1)
				}
			}
		}
	case kVarchar, kEnum, kUUID:
		s := v.value(i).(string)
		if inner {
			s = quoteElement(s, false)
		}
		b.WriteString(s)
	default:
		b.WriteString(textOf(v.value(i)))
	}
}

// quoteElement quotes a string inside a nested value when it would otherwise be ambiguous.
func quoteElement(s string, always bool) string {
	if !always && s != "" && !strings.EqualFold(s, "null") && strings.TrimSpace(s) == s &&
		!strings.ContainsAny(s, `'"[]{}(),:=\`) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}
