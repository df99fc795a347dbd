package policy

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Condition operators (IAM user guide, "IAM JSON policy elements: Condition operators").
//
// Evaluation, as documented there and in "Creating a condition with multiple keys or values":
//   - several operators, and several keys under one operator, must all hold (AND);
//   - several values for one key: any may match (OR); for a negated operator (StringNotEquals,
//     NumericNotEquals, DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike, StringNotLike)
//     the key must match none of them (NOR);
//   - a key absent from the request: "the values do not match and the condition is false. If
//     the policy condition requires that the key is not matched, such as StringNotLike or
//     ArnNotLike, and the right key is not present, the condition is true";
//   - ...IfExists: "If the key is not present, evaluate the condition element as true";
//   - Null: "true" holds when the key is absent, "false" when it is present;
//   - ForAnyValue: true if any value of the request's key matches (as the operator says); an
//     absent key or an empty set of values is false. ForAllValues: true if every value
//     matches; an absent key or an empty set is true ("If the key values in the request
//     resolve to an empty data set ..., a condition operator modified by ForAllValues returns
//     true, and a condition operator modified by ForAnyValue returns false"). With a negated
//     operator, a value "matches" when it equals none of the policy's values.
//
// Policy variables are resolved in the values of the String, ARN and Bool operators (the
// policy variables page names String and ARN; the condition operators page adds Bool); the
// other operators take their values literally.
type family uint8

const (
	famString family = iota
	famStringIC
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

type cmpOp uint8

const (
	cmpEq cmpOp = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type opDef struct {
	fam     family
	cmp     cmpOp
	negated bool
}

var operators = map[string]opDef{
	"StringEquals":              {fam: famString},
	"StringNotEquals":           {fam: famString, negated: true},
	"StringEqualsIgnoreCase":    {fam: famStringIC},
	"StringNotEqualsIgnoreCase": {fam: famStringIC, negated: true},
	"StringLike":                {fam: famStringLike},
	"StringNotLike":             {fam: famStringLike, negated: true},
	"NumericEquals":             {fam: famNumeric},
	"NumericNotEquals":          {fam: famNumeric, negated: true},
	"NumericLessThan":           {fam: famNumeric, cmp: cmpLt},
	"NumericLessThanEquals":     {fam: famNumeric, cmp: cmpLe},
	"NumericGreaterThan":        {fam: famNumeric, cmp: cmpGt},
	"NumericGreaterThanEquals":  {fam: famNumeric, cmp: cmpGe},
	"DateEquals":                {fam: famDate},
	"DateNotEquals":             {fam: famDate, negated: true},
	"DateLessThan":              {fam: famDate, cmp: cmpLt},
	"DateLessThanEquals":        {fam: famDate, cmp: cmpLe},
	"DateGreaterThan":           {fam: famDate, cmp: cmpGt},
	"DateGreaterThanEquals":     {fam: famDate, cmp: cmpGe},
	"Bool":                      {fam: famBool},
	"BinaryEquals":              {fam: famBinary},
	"IpAddress":                 {fam: famIP},
	"NotIpAddress":              {fam: famIP, negated: true},
	// "The ArnEquals and ArnLike condition operators behave identically."
	"ArnEquals":    {fam: famARN},
	"ArnLike":      {fam: famARN},
	"ArnNotEquals": {fam: famARN, negated: true},
	"ArnNotLike":   {fam: famARN, negated: true},
	"Null":         {fam: famNull},
}

type setOp uint8

const (
	setNone setOp = iota
	setForAll
	setForAny
)

// cond is one compiled key test: operator, key and the policy's values.
type cond struct {
	op       opDef
	set      setOp
	ifExists bool
	key      string // as written
	lkey     string // lower case
	vals     []cval
	hasVars  bool
}

// cval is a compiled condition value; which fields are set depends on the operator family.
type cval struct {
	t     tmpl // String*, Bool, ARN: the (possibly templated) text
	num   float64
	when  time.Time
	bin   string
	pfx   netip.Prefix
	null  bool // Null: true means "the key is absent"
	valid bool // Numeric, Date, Binary, Null: the value parsed; an invalid one never matches
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts. Names are
// case-sensitive (versitygw records S3 refusing "stringequals").
func parseOperator(name string) (opDef, setOp, bool, bool) {
	set := setNone
	base := name
	if rest, ok := strings.CutPrefix(base, "ForAllValues:"); ok {
		set, base = setForAll, rest
	} else if rest, ok := strings.CutPrefix(base, "ForAnyValue:"); ok {
		set, base = setForAny, rest
	}
	ifExists := false
	if rest, ok := strings.CutSuffix(base, "IfExists"); ok {
		ifExists, base = true, rest
	}
	def, ok := operators[base]
	if !ok || ifExists && def.fam == famNull {
		return opDef{}, 0, false, false
	}
	return def, set, ifExists, true
}

// compileConditions parses a Condition element. vars tells whether policy variables exist
// (Version 2012-10-17).
func compileConditions(v jval, vars bool) ([]cond, *Error) {
	if v.kind != jObject {
		return nil, malformed(msgInvalidCondition)
	}
	var out []cond
	for _, om := range v.obj {
		def, set, ifExists, ok := parseOperator(om.name)
		if !ok {
			return nil, malformed(msgConditionTypePrefix + om.name)
		}
		if om.val.kind != jObject {
			return nil, malformed(msgInvalidCondition)
		}
		for _, km := range om.val.obj {
			lkey := strings.ToLower(km.name)
			if !conditionKeyKnown(lkey) {
				return nil, malformed(msgInvalidConditionKey)
			}
			var raw []string
			switch km.val.kind {
			case jArray:
				for _, e := range km.val.arr {
					s, ok := e.scalar()
					if !ok {
						return nil, malformed(msgInvalidCondValue)
					}
					raw = append(raw, s)
				}
			default:
				s, ok := km.val.scalar()
				if !ok {
					return nil, malformed(msgInvalidCondValue)
				}
				raw = []string{s}
			}
			c := cond{op: def, set: set, ifExists: ifExists, key: km.name, lkey: lkey}
			for _, s := range raw {
				cv, err := compileValue(def.fam, s, vars)
				if err != nil {
					return nil, err
				}
				if cv.t.hasVars() {
					c.hasVars = true
				}
				c.vals = append(c.vals, cv)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func compileValue(f family, s string, vars bool) (cval, *Error) {
	var cv cval
	switch f {
	case famString, famStringIC:
		cv.t = parseTmpl(s, vars, false)
	case famStringLike, famARN:
		cv.t = parseTmpl(s, vars, true)
	case famBool:
		cv.t = parseTmpl(s, vars, false)
	case famNumeric:
		n, err := strconv.ParseFloat(s, 64)
		cv.num, cv.valid = n, err == nil && !math.IsNaN(n)
	case famDate:
		cv.when, cv.valid = parseDate(s)
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(s)
		cv.bin, cv.valid = string(b), err == nil
	case famIP:
		pfx, ok := parseIPCondition(s)
		if !ok {
			return cv, malformed(msgInvalidIP)
		}
		cv.pfx, cv.valid = pfx, true
	case famNull:
		switch strings.ToLower(s) {
		case "true":
			cv.null, cv.valid = true, true
		case "false":
			cv.valid = true
		}
	}
	return cv, nil
}

// parseIPCondition parses an IpAddress value: "the standard CIDR format (for example,
// 203.0.113.0/24 or 2001:DB8:1234:5678::/64). If you specify an IP address without the
// associated routing prefix, IAM uses the default prefix value of /32" (/128 for IPv6).
func parseIPCondition(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// dateLayouts are the W3C profiles of ISO 8601 the date operators take ("You must specify
// date/time values with one of the W3C implementations of the ISO 8601 date formats or in
// epoch (UNIX) time").
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	"2006-01",
	"2006",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
}

// parseDate parses a date value: epoch seconds, or ISO 8601.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if allDigits(s) || s[0] == '-' && len(s) > 1 && allDigits(s[1:]) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// eval evaluates the condition for r; see the type comment for the rules.
func (c *cond) eval(r *Request) bool {
	vals := r.lookup(c.key)
	n := vals.len()
	if c.op.fam == famNull {
		for i := range c.vals {
			if v := &c.vals[i]; v.valid && v.null == (n == 0) {
				return true
			}
		}
		return false
	}
	// Resolve policy variables once for this request.
	var resolved []string
	if c.hasVars {
		resolved = make([]string, len(c.vals))
		for i := range c.vals {
			s, ok := c.vals[i].t.resolve(r)
			if !ok {
				return false // the statement is invalid for this request
			}
			resolved[i] = s
		}
	}
	switch c.set {
	case setForAll:
		for i := 0; i < n; i++ {
			if !c.holds(vals.at(i), resolved) {
				return false
			}
		}
		return true
	case setForAny:
		if n == 0 {
			return c.ifExists
		}
		for i := 0; i < n; i++ {
			if c.holds(vals.at(i), resolved) {
				return true
			}
		}
		return false
	}
	if n == 0 {
		return c.ifExists || c.op.negated
	}
	matched := false
	for i := 0; i < n && !matched; i++ {
		matched = c.matchAny(vals.at(i), resolved)
	}
	return matched != c.op.negated
}

// holds reports whether one request value satisfies the operator (negation included).
func (c *cond) holds(v string, resolved []string) bool {
	return c.matchAny(v, resolved) != c.op.negated
}

// matchAny reports whether request value v matches any of the policy's values, by the
// operator's positive comparison.
func (c *cond) matchAny(v string, resolved []string) bool {
	switch c.op.fam {
	case famNumeric:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) {
			return false
		}
		for i := range c.vals {
			if pv := &c.vals[i]; pv.valid && compare(c.op.cmp, cmpFloat(x, pv.num)) {
				return true
			}
		}
		return false
	case famDate:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for i := range c.vals {
			if pv := &c.vals[i]; pv.valid && compare(c.op.cmp, t.Compare(pv.when)) {
				return true
			}
		}
		return false
	case famIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for i := range c.vals {
			if c.vals[i].pfx.Contains(a) {
				return true
			}
		}
		return false
	case famBinary:
		for i := range c.vals {
			if pv := &c.vals[i]; pv.valid && pv.bin == v {
				return true
			}
		}
		return false
	}
	for i := range c.vals {
		var p string
		if resolved != nil {
			p = resolved[i]
		} else {
			p = c.vals[i].t.static
		}
		var ok bool
		switch c.op.fam {
		case famString:
			ok = v == p
		case famStringIC, famBool:
			ok = strings.EqualFold(v, p)
		case famStringLike:
			ok = globMatch(p, v, false)
		case famARN:
			ok = arnMatch(p, v)
		}
		if ok {
			return true
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(op cmpOp, c int) bool {
	switch op {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}
