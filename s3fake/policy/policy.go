package policy

import (
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/auth"
)

// The policy language versions ("Version": "2008-10-17" | "2012-10-17", IAM grammar). A
// policy without Version is 2008-10-17 (IAM user guide, Version element; versitygw#1536).
const (
	Version2008 = "2008-10-17"
	Version2012 = "2012-10-17"
)

// Policy is a parsed, validated bucket policy, compiled for evaluation. It is immutable and
// safe for concurrent use.
type Policy struct {
	version    string
	id         string
	statements []statement
}

// Version returns the policy's language version (2008-10-17 when the document has none).
func (p *Policy) Version() string { return p.version }

// ID returns the policy's Id element, "" if it has none.
func (p *Policy) ID() string { return p.id }

type statement struct {
	label string // `statement 2, Sid "DenyHttp"`, for Explain
	deny  bool

	principal    *principals
	notPrincipal bool

	actions   []actionPattern
	notAction bool

	resources   []tmpl
	notResource bool

	conds []cond
}

// Decision is the outcome of evaluating a request against a bucket policy.
type Decision int

const (
	// DecisionNone: no statement applies; the policy neither allows nor denies (implicit
	// deny, unless something else, the bucket owner or an ACL, allows).
	DecisionNone Decision = iota
	// DecisionAllow: an Allow statement applies and no Deny does.
	DecisionAllow
	// DecisionDeny: a Deny statement applies (an explicit deny wins over any allow).
	DecisionDeny
)

func (d Decision) String() string {
	switch d {
	case DecisionAllow:
		return "allow"
	case DecisionDeny:
		return "deny"
	}
	return "none"
}

// Request is what a policy is evaluated against.
type Request struct {
	Principal auth.Principal
	// Aliases are further AWS principal ARNs the principal is known by (s3fake passes the
	// legacy Redshift log-delivery user arn:aws:iam::<regional account>:user/logs for the
	// Redshift service principal). An alias is matched as an AWS identity: its ARN, its
	// account.
	Aliases []string
	// CanonicalID is the principal's account canonical user id, for Principal
	// {"CanonicalUser": ...}; "" if none.
	CanonicalID string
	// Action is the S3 action asked for ("s3:PutObject"); compared case-insensitively.
	Action string
	// Resource is "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/key"; compared
	// case-sensitively.
	Resource string
	// Context holds the condition keys of the request (aws:SourceArn, aws:SecureTransport
	// "true"/"false", s3:x-amz-acl, ...). A key absent from Context (or present with no
	// value) is absent, which matters for IfExists and Null. Keys are case-insensitive.
	//
	// Keys that describe the principal are taken from Principal when Context does not have
	// them: aws:SourceArn, aws:SourceAccount and aws:PrincipalServiceName of a service
	// principal, aws:PrincipalAccount and aws:PrincipalArn of an account principal (for a
	// role session, the role's ARN, as AWS gives it), and aws:PrincipalIsAWSService of both.
	Context map[string][]string
}

// ctxVals are the values of a condition key in a request, without copying them.
type ctxVals struct {
	list   []string
	one    string
	hasOne bool
}

func (v ctxVals) len() int {
	if v.hasOne {
		return 1
	}
	return len(v.list)
}

func (v ctxVals) at(i int) string {
	if v.hasOne {
		return v.one
	}
	return v.list[i]
}

func (v ctxVals) first() (string, bool) {
	if v.len() == 0 {
		return "", false
	}
	return v.at(0), true
}

// lookup returns the values of condition key key (any case).
func (r *Request) lookup(key string) ctxVals {
	if vs, ok := r.Context[key]; ok {
		return ctxVals{list: vs}
	}
	for k, vs := range r.Context {
		if strings.EqualFold(k, key) {
			return ctxVals{list: vs}
		}
	}
	if s, ok := r.derived(key); ok {
		return ctxVals{one: s, hasOne: true}
	}
	return ctxVals{}
}

// derived returns the value of a principal-describing key the principal itself determines.
func (r *Request) derived(key string) (string, bool) {
	p := &r.Principal
	switch {
	case strings.EqualFold(key, "aws:PrincipalIsAWSService"):
		switch p.Kind {
		case auth.KindService:
			return "true", true
		case auth.KindAccount:
			return "false", true
		}
	case p.Kind == auth.KindService:
		switch {
		case strings.EqualFold(key, "aws:SourceArn"):
			return p.SourceArn, p.SourceArn != ""
		case strings.EqualFold(key, "aws:SourceAccount"):
			return p.SourceAccount, p.SourceAccount != ""
		case strings.EqualFold(key, "aws:PrincipalServiceName"):
			return p.Service, p.Service != ""
		}
	case p.Kind == auth.KindAccount:
		switch {
		case strings.EqualFold(key, "aws:PrincipalAccount"):
			return p.AccountID, p.AccountID != ""
		case strings.EqualFold(key, "aws:PrincipalArn"):
			// "For IAM roles, the request context returns the ARN of the role, not the ARN of
			// the user that assumed the role" (IAM user guide, aws:PrincipalArn).
			if partition, service, account, resource, ok := splitARN(p.ARN); ok && service == "sts" {
				if rest, ok := strings.CutPrefix(resource, "assumed-role/"); ok {
					if role, _, ok := strings.Cut(rest, "/"); ok {
						return "arn:" + partition + ":iam::" + account + ":role/" + role, true
					}
				}
			}
			return p.ARN, p.ARN != ""
		}
	}
	return "", false
}

// Evaluate decides r against the policy: DecisionDeny if a Deny statement applies,
// otherwise DecisionAllow if an Allow statement applies, otherwise DecisionNone. A
// statement applies when its action, principal, resource and condition all match. It does
// not allocate for policies without policy variables.
func (p *Policy) Evaluate(r Request) Decision {
	d, _ := p.Explain(r)
	return d
}

// Explain is Evaluate, and says which statement decided (`statement 2, Sid "DenyHttp"`:
// the first Deny that applies, else the first Allow), or "no statement applies", for the
// refusal log.
func (p *Policy) Explain(r Request) (Decision, string) {
	decision, why := DecisionNone, "no statement applies"
	for i := range p.statements {
		s := &p.statements[i]
		if decision == DecisionAllow && !s.deny {
			continue // already allowed: only a Deny can change the outcome
		}
		if !s.applies(&r) {
			continue
		}
		if s.deny {
			return DecisionDeny, s.label
		}
		decision, why = DecisionAllow, s.label
	}
	return decision, why
}

func (s *statement) applies(r *Request) bool {
	matched := false
	for i := range s.actions {
		if globMatch(s.actions[i].glob, r.Action, true) {
			matched = true
			break
		}
	}
	if matched == s.notAction {
		return false
	}
	if s.notPrincipal {
		if s.principal.excludes(r) {
			return false
		}
	} else if !s.principal.match(r) {
		return false
	}
	if !s.resourceMatches(r) {
		return false
	}
	for i := range s.conds {
		if !s.conds[i].eval(r) {
			return false
		}
	}
	return true
}

func (s *statement) resourceMatches(r *Request) bool {
	for i := range s.resources {
		t := &s.resources[i]
		pat, ok := t.resolve(r)
		if !ok {
			if s.notResource {
				return false // an unresolvable variable: the statement is invalid
			}
			continue // this resource names nothing for the request
		}
		if globMatch(pat, r.Resource, false) {
			return !s.notResource
		}
	}
	return s.notResource
}

// Parse parses and validates a bucket policy document for bucket, as S3's PutBucketPolicy
// does, and compiles it for Evaluate. Errors are *Error with Code MalformedPolicy and the
// Message S3 answers with (see errors.go for which messages were seen from real S3).
//
// Validation, in order: the size (MaxSize, without insignificant white space); the first
// byte ('{'); JSON syntax (one object, no duplicate names, nothing after it); the top-level
// elements (Version, Id, Statement only; Statement present and not empty; Version
// 2008-10-17 or 2012-10-17 when present); then each statement in order: its elements (Sid,
// Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition
// only), Effect, Principal / NotPrincipal (exactly one), Action / NotAction (exactly one;
// every entry an S3 action name or a pattern matching one), Resource / NotResource (exactly
// one; every entry this bucket's ARN or an object ARN in it), the Condition block
// (operators, keys, values), and whether every action applies to one of the resources.
// Statement ids need not be unique: real bucket policies repeat them (cloud-custodian#6145).
func Parse(doc []byte, bucket string) (*Policy, error) {
	p, err := parse(doc, bucket)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func parse(doc []byte, bucket string) (*Policy, *Error) {
	if len(doc) > MaxSize && compactSize(doc) > MaxSize {
		return nil, malformed(msgTooLarge)
	}
	if len(doc) == 0 || doc[0] != '{' {
		return nil, malformed(msgFirstByte)
	}
	root, err := decodeJSON(doc)
	if err != nil || root.kind != jObject {
		return nil, malformed(msgInvalidJSON)
	}
	p := &Policy{version: Version2008}
	for _, m := range root.obj {
		switch m.name {
		case "Version", "Statement":
		case "Id":
			if m.val.kind != jString {
				return nil, malformed(msgInvalidJSON)
			}
			p.id = m.val.str
		default:
			return nil, malformed(msgUnknownField + m.name)
		}
	}
	stmts, ok := root.member("Statement")
	if !ok {
		return nil, malformed(msgMissingStatement)
	}
	var list []jval
	switch stmts.kind {
	case jObject:
		list = []jval{stmts}
	case jArray:
		if len(stmts.arr) == 0 {
			return nil, malformed(msgEmptyStatement)
		}
		list = stmts.arr
	default:
		return nil, malformed(msgInvalidStatements)
	}
	if v, ok := root.member("Version"); ok {
		if v.kind != jString || v.str != Version2008 && v.str != Version2012 {
			return nil, malformed(msgVersion)
		}
		p.version = v.str
	}
	vars := p.version == Version2012
	for i, sv := range list {
		if sv.kind != jObject {
			return nil, malformed(msgInvalidStatements)
		}
		s, err := compileStatement(sv, i, bucket, vars)
		if err != nil {
			return nil, err
		}
		p.statements = append(p.statements, s)
	}
	return p, nil
}

func compileStatement(v jval, index int, bucket string, vars bool) (statement, *Error) {
	var s statement
	for _, m := range v.obj {
		switch m.name {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
			"Resource", "NotResource", "Condition":
		default:
			return s, malformed(msgUnknownField + m.name)
		}
	}
	s.label = "statement " + strconv.Itoa(index+1)
	if sid, ok := v.member("Sid"); ok {
		if sid.kind != jString {
			return s, malformed(msgInvalidJSON)
		}
		if sid.str != "" {
			s.label += ", Sid " + strconv.Quote(sid.str)
		}
	}

	effect, ok := v.member("Effect")
	if !ok {
		return s, malformed(msgMissingEffect)
	}
	switch {
	case effect.kind == jString && effect.str == "Allow":
	case effect.kind == jString && effect.str == "Deny":
		s.deny = true
	default:
		return s, malformed(msgInvalidEffectPrefix + effect.text())
	}

	pv, hasP := v.member("Principal")
	npv, hasNP := v.member("NotPrincipal")
	switch {
	case hasP && hasNP:
		return s, malformed(msgBothPrincipal)
	case !hasP && !hasNP:
		return s, malformed(msgMissingPrincipal)
	case hasNP:
		pv, s.notPrincipal = npv, true
	}
	var perr *Error
	if s.principal, perr = compilePrincipal(pv); perr != nil {
		return s, perr
	}

	av, hasA := v.member("Action")
	nav, hasNA := v.member("NotAction")
	switch {
	case hasA && hasNA:
		return s, malformed(msgBothAction)
	case !hasA && !hasNA:
		return s, malformed(msgMissingElement)
	case hasNA:
		av, s.notAction = nav, true
	}
	actions, ok := stringList(av)
	if !ok {
		return s, malformed(msgInvalidAction)
	}
	for _, a := range actions {
		ap, ok := compileAction(a)
		if !ok {
			return s, malformed(msgInvalidAction)
		}
		s.actions = append(s.actions, ap)
	}

	rv, hasR := v.member("Resource")
	nrv, hasNR := v.member("NotResource")
	switch {
	case hasR && hasNR:
		return s, malformed(msgBothResource)
	case !hasR && !hasNR:
		return s, malformed(msgMissingElement)
	case hasNR:
		rv, s.notResource = nrv, true
	}
	resources, ok := stringList(rv)
	if !ok {
		return s, malformed(msgInvalidResource)
	}
	bucketARN := "arn:aws:s3:::" + bucket
	var resTypes uint8
	for _, r := range resources {
		// "The value for Resource must be prefixed with the bucket name or the bucket name and
		// a path under it (bucket/*)"; "Each policy must cover only a single bucket and
		// resources within that bucket" (S3 developer guide, special information for S3
		// policies). Policy variables may only stand in the part after the bucket.
		rest, ok := strings.CutPrefix(r, bucketARN)
		switch {
		case !ok || bucket == "":
			return s, malformed(msgInvalidResource)
		case rest == "":
			resTypes |= 1 << ResourceBucket
		case rest[0] == '/':
			resTypes |= 1 << ResourceObject
		default:
			return s, malformed(msgInvalidResource)
		}
		s.resources = append(s.resources, parseTmpl(r, vars, true))
	}

	if cv, ok := v.member("Condition"); ok {
		conds, err := compileConditions(cv, vars)
		if err != nil {
			return s, err
		}
		s.conds = conds
		if !s.notAction {
			if err := checkConditionActions(conds, s.actions); err != nil {
				return s, err
			}
		}
	}

	if !s.notAction && !s.notResource {
		for _, a := range s.actions {
			if a.types&resTypes == 0 {
				return s, malformed(msgActionResource)
			}
		}
	}
	return s, nil
}

// checkConditionActions refuses a statement naming a key (of keyActions) that one of its
// named actions does not have.
func checkConditionActions(conds []cond, actions []actionPattern) *Error {
	for _, c := range conds {
		allowed, ok := keyActions[c.lkey]
		if !ok {
			continue
		}
		for _, a := range actions {
			if a.name == "" {
				continue
			}
			found := false
			for _, x := range allowed {
				if x == a.name {
					found = true
					break
				}
			}
			if !found {
				return malformed(msgConditionAction)
			}
		}
	}
	return nil
}

// stringList reads an element that is a string or a non-empty array of strings.
func stringList(v jval) ([]string, bool) {
	switch v.kind {
	case jString:
		return []string{v.str}, true
	case jArray:
		if len(v.arr) == 0 {
			return nil, false
		}
		out := make([]string, 0, len(v.arr))
		for _, e := range v.arr {
			if e.kind != jString {
				return nil, false
			}
			out = append(out, e.str)
		}
		return out, true
	}
	return nil, false
}
