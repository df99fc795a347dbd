package redshiftapi

import (
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MaxBodyBytes bounds the form body [ParseRequest] reads (net/http's own limit for forms).
// UNVERIFIED: AWS's limit for Query requests is not documented for Redshift.
const MaxBodyBytes = 10 << 20

// Params are the parameters of one Query API request. Names are case-sensitive, as on AWS
// (ClusterIdentifier is not clusteridentifier). A name given twice has the value of its
// first occurrence. Parameters a handler does not ask for are ignored, as AWS ignores them.
//
// A Params can also be the view of one element of a structure list ([Params.Structs]); its
// getters then read the element's members and name them in errors with their full key
// (Parameters.Parameter.2.ParameterName).
type Params struct {
	values url.Values
	prefix string
}

// ParseRequest reads the parameters of r: the URL query string and, for a POST with a form
// body (Content-Type application/x-www-form-urlencoded, with or without a charset, or no
// Content-Type at all), the body, at most [MaxBodyBytes] of it. Body values come first.
// A body with another content type is not read.
func ParseRequest(r *http.Request) (Params, *Error) {
	var body []byte
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead && isForm(r.Header.Get("Content-Type")) {
		b, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
		if err != nil {
			return Params{}, MalformedQueryString("The request body could not be read.")
		}
		if len(b) > MaxBodyBytes {
			// UNVERIFIED: what AWS answers for an oversized Query request.
			return Params{}, InvalidQueryParameter("The request body is too large.")
		}
		body = b
	}
	return ParseValues(r.URL.RawQuery, body)
}

func isForm(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// ParseValues decodes a raw query string and a form body (either may be empty) into Params,
// body values first. A malformed escape (a lone "%") is MalformedQueryString (404, as the
// Redshift API Reference lists the code; the message is UNVERIFIED).
func ParseValues(rawQuery string, body []byte) (Params, *Error) {
	v := url.Values{}
	for _, s := range []string{string(body), rawQuery} {
		if s == "" {
			continue
		}
		parsed, err := url.ParseQuery(s)
		if err != nil {
			return Params{}, MalformedQueryString("The query string or form body is malformed: " + err.Error())
		}
		for k, vs := range parsed {
			v[k] = append(v[k], vs...)
		}
	}
	return Params{values: v}, nil
}

func (p Params) key(name string) string { return p.prefix + name }

// lookup returns the first value of name and whether the name is present at all.
func (p Params) lookup(name string) (string, bool) {
	vs, ok := p.values[p.key(name)]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// names returns the names of the parameters present, sorted; the items of a list or the
// members of a structure (Name.member.1, Name.Field) are named by Name.
func (p Params) names() []string {
	seen := map[string]bool{}
	for k := range p.values {
		if rest, ok := strings.CutPrefix(k, p.prefix); ok {
			name, _, _ := strings.Cut(rest, ".")
			seen[name] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// Has reports whether the parameter is present (possibly empty).
func (p Params) Has(name string) bool {
	_, ok := p.lookup(name)
	return ok
}

// String returns an optional string parameter and whether it was present.
func (p Params) String(name string) (string, bool) { return p.lookup(name) }

// Required returns a required string parameter. Absent: MissingParameter "The request must
// contain the parameter X". Present but empty: InvalidParameterValue "The parameter X must
// be provided and must not be blank." (the RDS family's wording, VERIFIED for RDS in
// hashicorp/terraform-provider-aws#7264; UNVERIFIED for Redshift).
func (p Params) Required(name string) (string, *Error) {
	v, ok := p.lookup(name)
	if !ok {
		return "", MissingParameter(p.key(name))
	}
	if v == "" {
		return "", InvalidParameterValue("The parameter " + p.key(name) + " must be provided and must not be blank.")
	}
	return v, nil
}

// Bool returns an optional boolean parameter: nil when absent, else true or false. Any
// other spelling (botocore sends exactly "true"/"false") is InvalidParameterValue.
// UNVERIFIED: whether AWS accepts other spellings ("TRUE", "1"), and its message.
func (p Params) Bool(name string) (*bool, *Error) {
	v, ok := p.lookup(name)
	if !ok {
		return nil, nil
	}
	switch v {
	case "true":
		b := true
		return &b, nil
	case "false":
		b := false
		return &b, nil
	}
	return nil, InvalidParameterValue("Value (" + v + ") for parameter " + p.key(name) + " is invalid. Expected: 'true' or 'false'.")
}

// Int returns an optional integer parameter (32-bit, as the model's Integer): nil when
// absent. A value that is not an integer is InvalidParameterValue (UNVERIFIED message).
func (p Params) Int(name string) (*int, *Error) {
	v, ok := p.lookup(name)
	if !ok {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return nil, InvalidParameterValue("Value (" + v + ") for parameter " + p.key(name) + " is invalid. Must be an integer.")
	}
	i := int(n)
	return &i, nil
}

// listMembers maps each list parameter of the operations fakeshift serves to its member's
// locationName in the model ("member" when the model gives none). The Query serialisation
// of list L with member M is L.M.1, L.M.2, ... (MODEL; TestListMembersMatchModel checks
// this table against the installed botocore model).
var listMembers = map[string]string{
	"ClusterSecurityGroups": "ClusterSecurityGroupName",
	"DbGroups":              "DbGroup",
	"IamRoles":              "IamRoleArn",
	"LogExports":            "member",
	"Parameters":            "Parameter",
	"TagKeys":               "TagKey",
	"TagValues":             "TagValue",
	"Tags":                  "Tag",
	"VpcSecurityGroupIds":   "VpcSecurityGroupId",
}

// List returns the list parameter name, a list of strings, with its member name from
// listMembers; an unknown list name is a programming error. See [Params.ListOf].
func (p Params) List(name string) []string {
	member, ok := listMembers[name]
	if !ok {
		panic("redshiftapi: no member name known for list " + name)
	}
	return p.ListOf(name, member)
}

// ListOf returns the string list name whose items are name.member.N.
//
// The result is nil when the list is absent, and empty but not nil when the request gives
// the list as "name=" (how botocore sends an empty list). Items are ordered by N. fakeshift
// chose (UNVERIFIED what AWS does): N is a decimal integer from 1 without leading zeros;
// keys with any other N (0, 01, -1, x) are not items and are ignored like any unknown
// parameter; gaps are closed up (members 1, 3 give a list of two), and the order of the
// keys in the body does not matter.
func (p Params) ListOf(name, member string) []string {
	idx := p.indices(name, member, false)
	if idx == nil {
		if p.Has(name) {
			return []string{}
		}
		return nil
	}
	out := make([]string, 0, len(idx))
	for _, n := range idx {
		v, _ := p.lookup(name + "." + member + "." + strconv.Itoa(n))
		out = append(out, v)
	}
	return out
}

// Structs returns the elements of the structure list name (keys name.member.N.Field) as
// Params views, one per N, ordered by N with the rules of [Params.ListOf]. It is nil when
// the list is absent and empty (not nil) when given as "name=".
func (p Params) Structs(name, member string) []Params {
	idx := p.indices(name, member, true)
	if idx == nil {
		if p.Has(name) {
			return []Params{}
		}
		return nil
	}
	out := make([]Params, 0, len(idx))
	for _, n := range idx {
		out = append(out, Params{values: p.values, prefix: p.key(name + "." + member + "." + strconv.Itoa(n) + ".")})
	}
	return out
}

// indices collects the item numbers N present for name.member.N (scalar items) or
// name.member.N.<field> (structure items), sorted.
func (p Params) indices(name, member string, structs bool) []int {
	head := p.key(name + "." + member + ".")
	seen := map[int]bool{}
	for k := range p.values {
		rest, ok := strings.CutPrefix(k, head)
		if !ok {
			continue
		}
		num := rest
		if structs {
			i := strings.IndexByte(rest, '.')
			if i <= 0 || i == len(rest)-1 {
				continue
			}
			num = rest[:i]
		} else if strings.Contains(rest, ".") {
			continue
		}
		if n, ok := itemNumber(num); ok {
			seen[n] = true
		}
	}
	if len(seen) == 0 {
		return nil
	}
	idx := make([]int, 0, len(seen))
	for n := range seen {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	return idx
}

func itemNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// Tags reads the Tags list (Tags.Tag.N.Key, Tags.Tag.N.Value). A tag without Key is
// MissingParameter (UNVERIFIED; AWS might answer InvalidTagFault). A missing Value is "".
func (p Params) Tags() ([]Tag, *Error) {
	elems := p.Structs("Tags", listMembers["Tags"])
	if elems == nil {
		return nil, nil
	}
	tags := make([]Tag, 0, len(elems))
	for _, e := range elems {
		k, err := e.Required("Key")
		if err != nil {
			return nil, err
		}
		v, _ := e.String("Value")
		tags = append(tags, Tag{Key: k, Value: v})
	}
	return tags, nil
}

// ParameterChange is one element of the Parameters list of ModifyClusterParameterGroup and
// ResetClusterParameterGroup (Parameters.Parameter.N.*). Only ParameterName is required by
// the reader; ModifyClusterParameterGroup also needs ParameterValue ("you must supply at
// least the parameter name and parameter value", model documentation), which the handler
// checks with HasValue. The element's other members (Description, Source, DataType,
// AllowedValues, ApplyType, IsModifiable, MinimumEngineVersion) describe the parameter as
// DescribeClusterParameters shows it; fakeshift ignores them, as optional name-value pairs
// ("other name-value pairs of the parameter are optional", model documentation).
type ParameterChange struct {
	ParameterName  string
	ParameterValue string
	HasValue       bool
}

// Parameters reads the Parameters list (Parameters.Parameter.N.ParameterName, ...).
func (p Params) Parameters() ([]ParameterChange, *Error) {
	elems := p.Structs("Parameters", listMembers["Parameters"])
	if elems == nil {
		return nil, nil
	}
	out := make([]ParameterChange, 0, len(elems))
	for _, e := range elems {
		name, err := e.Required("ParameterName")
		if err != nil {
			return nil, err
		}
		c := ParameterChange{ParameterName: name}
		c.ParameterValue, c.HasValue = e.String("ParameterValue")
		out = append(out, c)
	}
	return out, nil
}

// Action returns the request's Action after the protocol checks, in this order:
//   - no Action (or an empty one): MissingAction;
//   - a Version other than the service's: InvalidAction "Could not find operation X for
//     version V" ([InvalidActionVersion]);
//   - an Action known does not accept: InvalidAction ([InvalidAction]).
//
// A request without Version is accepted. UNVERIFIED: AWS's behaviour for a missing or
// different Version is not documented for Redshift; botocore and the SDKs always send it.
func (s Service) Action(p Params, known func(action string) bool) (string, *Error) {
	action, _ := p.lookup("Action")
	if action == "" {
		return "", MissingAction()
	}
	if version, ok := p.lookup("Version"); ok && version != s.Version {
		return "", InvalidActionVersion(action, version)
	}
	if known == nil || !known(action) {
		return "", InvalidAction(action)
	}
	return action, nil
}
