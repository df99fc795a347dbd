package redshiftapi

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fakeshift/fakeshift/auth"
)

// Outcome is what serving one Query API request produced: what CloudTrail's record of it
// needs. The front door hands it to CloudTrail; the handlers never call CloudTrail.
type Outcome struct {
	// Action is the operation; empty when the request named none fakeshift knows.
	Action    string
	RequestID string
	Principal auth.Principal
	// Authenticated is false for a request whose signature failed or was missing: such a
	// request reaches no operation and CloudTrail keeps no record of it.
	Authenticated bool
	Params        Params
	Result        any
	Err           *Error
}

// Serve serves one Redshift Query API request and returns its outcome.
func (s *API) Serve(w http.ResponseWriter, r *http.Request) Outcome { return s.serve(w, r, Redshift) }

// ServeSTS serves one STS request and returns its outcome.
func (s *API) ServeSTS(w http.ResponseWriter, r *http.Request) Outcome { return s.serve(w, r, STS) }

// readOnlyActions change nothing (CloudTrail's readOnly).
func readOnlyAction(action string) bool {
	return strings.HasPrefix(action, "Describe")
}

// ReadOnly is CloudTrail's readOnly for the call: true for Describe* calls.
// GetClusterCredentials is false: it issues credentials and may create the user (fakeshift
// chose; the real value is not documented).
func (o Outcome) ReadOnly() bool { return readOnlyAction(o.Action) }

//go:embed trailmodel.json
var trailModelJSON []byte

// shapeSpec is an input member's type in trailmodel.json: "string", "boolean", "integer",
// "double", "timestamp", {"list": spec, "member": name} or {"struct": {member: spec}}.
type shapeSpec struct {
	scalar string
	list   *shapeSpec
	member string
	fields map[string]*shapeSpec
}

func (s *shapeSpec) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &s.scalar)
	}
	var raw struct {
		List   *shapeSpec            `json:"list"`
		Member string                `json:"member"`
		Struct map[string]*shapeSpec `json:"struct"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	s.list, s.member, s.fields = raw.List, raw.Member, raw.Struct
	return nil
}

var trailModel = sync.OnceValue(func() map[string]map[string]*shapeSpec {
	var m map[string]map[string]*shapeSpec
	if err := json.Unmarshal(trailModelJSON, &m); err != nil {
		panic("redshiftapi: trailmodel.json: " + err.Error())
	}
	return m
})

// secretMembers are request and response members CloudTrail masks.
var secretMembers = map[string]bool{"MasterUserPassword": true, "DbPassword": true}

const masked = "****"

// RequestParameters is the call's requestParameters: the request's members in lowerCamelCase
// (DBName -> dBName), typed by the model (booleans and integers as JSON values, lists as
// arrays), secrets as "****". It is nil (null) when the request had no members.
func (o Outcome) RequestParameters() json.RawMessage {
	fields := trailModel()[o.Action]
	if fields == nil {
		return nil
	}
	m := paramsObject(o.Params, fields)
	if len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(m)
	return b
}

func paramsObject(p Params, fields map[string]*shapeSpec) map[string]any {
	out := map[string]any{}
	for name, spec := range fields {
		if v, ok := paramValue(p, name, spec); ok {
			if secretMembers[name] {
				v = masked
			}
			out[lowerCamel(name)] = v
		}
	}
	return out
}

func paramValue(p Params, name string, spec *shapeSpec) (any, bool) {
	switch {
	case spec.fields != nil:
		sub := Params{values: p.values, prefix: p.key(name + ".")}
		m := paramsObject(sub, spec.fields)
		return m, len(m) > 0
	case spec.list != nil:
		if spec.list.fields != nil {
			items := p.Structs(name, spec.member)
			if items == nil {
				return nil, false
			}
			arr := make([]any, 0, len(items))
			for _, it := range items {
				arr = append(arr, paramsObject(it, spec.list.fields))
			}
			return arr, true
		}
		items := p.ListOf(name, spec.member)
		if items == nil {
			return nil, false
		}
		arr := make([]any, 0, len(items))
		for _, it := range items {
			arr = append(arr, scalarValue(it, spec.list.scalar))
		}
		return arr, true
	}
	v, ok := p.lookup(name)
	if !ok {
		return nil, false
	}
	return scalarValue(v, spec.scalar), true
}

func scalarValue(v, typ string) any {
	switch typ {
	case "boolean":
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	case "integer":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case "double":
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case "timestamp":
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return javaDate(t)
		}
	}
	return v
}

// lowerCamel is CloudTrail's member naming: the first letter lower-cased (DBName -> dBName,
// ClusterIdentifier -> clusterIdentifier).
func lowerCamel(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// javaDate is the date layout inside Redshift's responseElements: "Mar 13, 2018 4:49:17 AM".
func javaDate(t time.Time) string { return t.UTC().Format("Jan 2, 2006 3:04:05 PM") }

// ResponseElements is the call's responseElements: null for failed, read-only and Delete*
// calls (as the DeleteCluster sample shows); otherwise the output's single structure
// (Cluster, ClusterParameterGroup) or the output itself, in lowerCamelCase with Java-style
// dates and secrets masked.
func (o Outcome) ResponseElements() json.RawMessage {
	if o.Err != nil || o.Result == nil || o.ReadOnly() || strings.HasPrefix(o.Action, "Delete") {
		return nil
	}
	v := reflect.ValueOf(o.Result)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct && v.NumField() == 1 && indirect(v.Field(0)).Kind() == reflect.Struct &&
		v.Type().Field(0).Type != reflect.TypeOf(Timestamp{}) {
		v = indirect(v.Field(0))
	}
	out := jsonValue(v, "")
	if m, ok := out.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(out)
	return b
}

func indirect(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v
}

var trailTimestampType = reflect.TypeOf(Timestamp{})

// jsonValue renders an output value (a shape of shapes.go, with its XML member names) as
// CloudTrail writes it.
func jsonValue(v reflect.Value, name string) any {
	if secretMembers[name] {
		return masked
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Type() == trailTimestampType {
		return javaDate(time.Time(v.Interface().(Timestamp)))
	}
	switch v.Kind() {
	case reflect.Struct:
		out := map[string]any{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("xml")
			if tag == "-" || strings.HasPrefix(tag, "XMLName") {
				continue
			}
			member, opts, _ := strings.Cut(tag, ",")
			if member == "" {
				member = f.Name
			}
			fv := v.Field(i)
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			if fv.Kind() == reflect.Pointer && fv.IsNil() {
				continue
			}
			out[lowerCamel(member)] = jsonValue(fv, member)
		}
		return out
	case reflect.Slice:
		arr := make([]any, 0, v.Len())
		for i := range v.Len() {
			arr = append(arr, jsonValue(v.Index(i), ""))
		}
		return arr
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return v.Interface()
}

// ServiceCall is a call Redshift makes to another service for the caller's cluster (KMS,
// for an encrypted cluster), which CloudTrail records with Redshift's own account as the
// caller and the cluster's account as the recipient.
type ServiceCall struct {
	Source            string // "kms.amazonaws.com"
	Name              string // "CreateGrant"
	ReadOnly          bool
	RequestParameters json.RawMessage
	ResponseElements  json.RawMessage
	// ResourceARN and ResourceType are the resource the call acts on (the KMS key).
	ResourceARN, ResourceType string
	// ClusterID is the cluster Redshift acted for.
	ClusterID string
}

// ServiceCalls are the calls Redshift made to other services while serving the request:
// for an encrypted cluster, KMS CreateGrant and Decrypt when it is created, RetireGrant
// when it is deleted (the calls and their parameters are fakeshift's choice, modelled on
// the seed's Decrypt example).
func (o Outcome) ServiceCalls() []ServiceCall {
	res, ok := o.Result.(ClusterResult)
	if o.Err != nil || !ok || !res.Cluster.Encrypted || res.Cluster.KmsKeyID == "" {
		return nil
	}
	cl := res.Cluster
	key := cl.KmsKeyID
	base, _, _ := strings.Cut(cl.ClusterNamespaceArn, ":namespace:") // arn:aws:redshift:<region>:<acct>
	clusterARN := base + ":cluster:" + cl.ClusterIdentifier
	region := ""
	if parts := strings.Split(key, ":"); len(parts) > 3 {
		region = parts[3]
	}
	call := func(name string, readOnly bool, params, resp any) ServiceCall {
		p, _ := json.Marshal(params)
		var r json.RawMessage
		if resp != nil {
			r, _ = json.Marshal(resp)
		}
		return ServiceCall{Source: "kms.amazonaws.com", Name: name, ReadOnly: readOnly, RequestParameters: p,
			ResponseElements: r, ResourceARN: key, ResourceType: "AWS::KMS::Key", ClusterID: cl.ClusterIdentifier}
	}
	grantID := grantID(clusterARN)
	switch o.Action {
	case "CreateCluster":
		created := ""
		if cl.ClusterCreateTime != nil {
			created = time.Time(*cl.ClusterCreateTime).UTC().Format("20060102T1504Z")
		}
		context := map[string]string{"aws:redshift:arn": clusterARN, "aws:redshift:createtime": created}
		return []ServiceCall{
			call("CreateGrant", false, map[string]any{
				"keyId": key, "granteePrincipal": "redshift." + region + ".amazonaws.com",
				"retiringPrincipal": "redshift." + region + ".amazonaws.com",
				"operations":        []string{"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "DescribeKey", "RetireGrant"},
				"constraints":       map[string]any{"encryptionContextSubset": map[string]string{"aws:redshift:arn": clusterARN}},
			}, map[string]string{"grantId": grantID}),
			call("Decrypt", true, map[string]any{"encryptionContext": context, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil),
		}
	case "DeleteCluster":
		return []ServiceCall{call("RetireGrant", false, map[string]string{"keyId": key, "grantId": grantID}, nil)}
	}
	return nil
}

// grantID is the KMS grant id of a cluster's grant: 64 hex digits, stable for the cluster.
func grantID(clusterARN string) string {
	sum := sha256.Sum256([]byte("fakeshift kms grant\x00" + clusterARN))
	return hex.EncodeToString(sum[:])
}
