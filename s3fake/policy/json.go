package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// jkind is the JSON type of a decoded value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jval is a decoded JSON value that, unlike encoding/json's maps, keeps the members of an
// object in order and lets the decoder see duplicate names.
type jval struct {
	kind jkind
	str  string // jString: the text; jNumber: the literal; jBool: "true" or "false"
	arr  []jval
	obj  []jmember
}

type jmember struct {
	name string
	val  jval
}

var errDuplicateKey = errors.New("duplicate key")

// decodeJSON decodes exactly one JSON value from doc: trailing bytes other than white space,
// and an object naming a member twice, are errors.
func decodeJSON(doc []byte) (jval, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return jval{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return jval{}, errors.New("trailing data after the policy")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (jval, error) {
	tok, err := dec.Token()
	if err != nil {
		return jval{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var members []jmember
			for dec.More() {
				nt, err := dec.Token()
				if err != nil {
					return jval{}, err
				}
				name, ok := nt.(string)
				if !ok {
					return jval{}, errors.New("object key is not a string")
				}
				for _, m := range members {
					if m.name == name {
						return jval{}, errDuplicateKey
					}
				}
				v, err := decodeValue(dec)
				if err != nil {
					return jval{}, err
				}
				members = append(members, jmember{name: name, val: v})
			}
			if _, err := dec.Token(); err != nil { // '}'
				return jval{}, err
			}
			return jval{kind: jObject, obj: members}, nil
		case '[':
			var items []jval
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return jval{}, err
				}
				items = append(items, v)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return jval{}, err
			}
			return jval{kind: jArray, arr: items}, nil
		}
		return jval{}, errors.New("unexpected delimiter")
	case string:
		return jval{kind: jString, str: t}, nil
	case json.Number:
		return jval{kind: jNumber, str: t.String()}, nil
	case bool:
		return jval{kind: jBool, str: strconv.FormatBool(t)}, nil
	case nil:
		return jval{kind: jNull}, nil
	}
	return jval{}, errors.New("unexpected token")
}

// scalar reports the text of a string, number or boolean value: policies may write condition
// values as any of the three ("Quotation marks are optional for numeric and Boolean values",
// IAM grammar).
func (v jval) scalar() (string, bool) {
	switch v.kind {
	case jString, jNumber, jBool:
		return v.str, true
	}
	return "", false
}

// member returns the member of an object named name.
func (v jval) member(name string) (jval, bool) {
	for _, m := range v.obj {
		if m.name == name {
			return m.val, true
		}
	}
	return jval{}, false
}

// text renders a value for a message ("Invalid effect: allow").
func (v jval) text() string {
	switch v.kind {
	case jString, jNumber, jBool:
		return v.str
	case jNull:
		return "null"
	case jArray:
		return "[...]"
	}
	return "{...}"
}

// compactSize is the length of doc without the white space outside strings (see MaxSize). It
// does not need doc to be valid JSON.
func compactSize(doc []byte) int {
	n := 0
	inString, escaped := false, false
	for _, c := range doc {
		switch {
		case inString:
			n++
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			n++
			if c == '"' {
				inString = true
			}
		}
	}
	return n
}
