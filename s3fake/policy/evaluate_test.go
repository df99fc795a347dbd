package policy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/policy"
)

const (
	bucket    = "examplebucket"
	bucketARN = "arn:aws:s3:::examplebucket"
	objARN    = "arn:aws:s3:::examplebucket/logs/a.gz"
	acct      = "123456789012"
	otherAcct = "111122223333"
	canonical = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
)

// doc makes a policy of the given version ("" for none) and statements.
func doc(version string, statements ...string) string {
	s := `{`
	if version != "" {
		s += `"Version":"` + version + `",`
	}
	s += `"Statement":[`
	for i, st := range statements {
		if i > 0 {
			s += ","
		}
		s += st
	}
	return s + `]}`
}

// allowAll is an Allow of every action on the bucket and its objects, for principal and
// condition (JSON texts; "" for none).
func allow(principal, condition string) string {
	s := `{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:*","Resource":["arn:aws:s3:::examplebucket","arn:aws:s3:::examplebucket/*"]`
	if condition != "" {
		s += `,"Condition":` + condition
	}
	return s + `}`
}

func userKey(tb testing.TB, arn string) auth.Principal {
	tb.Helper()
	k, err := auth.NewKey("AKIDEXAMPLE", "secret", arn)
	require.NoError(tb, err)
	return auth.AccountPrincipal(k)
}

func root(account string) auth.Principal {
	return auth.AccountPrincipal(auth.Key{AccessKeyID: "AKIDROOT", AccountID: account, Identity: auth.RootIdentity(account)})
}

type evalCase struct {
	name string
	doc  string
	req  policy.Request
	want policy.Decision
}

func runEval(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.doc, bucket)
			if tc.req.Action == "" {
				tc.req.Action = "s3:GetObject"
			}
			if tc.req.Resource == "" {
				tc.req.Resource = objARN
			}
			d, why := p.Explain(tc.req)
			require.Equal(t, tc.want, d, "explain: %s", why)
		})
	}
}

func TestEvaluatePrincipals(t *testing.T) {
	alice := userKey(t, "arn:aws:iam::123456789012:user/alice")
	bob := userKey(t, "arn:aws:iam::123456789012:user/bob")
	pathUser := userKey(t, "arn:aws:iam::123456789012:user/division/carol")
	session := userKey(t, "arn:aws:sts::123456789012:assumed-role/reader/app")
	otherSession := userKey(t, "arn:aws:sts::123456789012:assumed-role/writer/app")
	outsider := userKey(t, "arn:aws:iam::111122223333:user/alice")
	svc := auth.ServicePrincipal("redshift.amazonaws.com", myClusterARN, acct)
	anon := auth.Anonymous()

	req := func(p auth.Principal) policy.Request { return policy.Request{Principal: p} }
	runEval(t, []evalCase{
		{`"*" allows anonymous`, doc("", allow(`"*"`, "")), req(anon), policy.DecisionAllow},
		{`"*" allows an account`, doc("", allow(`"*"`, "")), req(alice), policy.DecisionAllow},
		{`"*" allows a service`, doc("", allow(`"*"`, "")), req(svc), policy.DecisionAllow},
		{`AWS "*" allows anonymous`, doc("", allow(`{"AWS":"*"}`, "")), req(anon), policy.DecisionAllow},
		{`AWS "*" allows a service`, doc("", allow(`{"AWS":["*"]}`, "")), req(svc), policy.DecisionAllow},

		{"account id: its root", doc("", allow(`{"AWS":"123456789012"}`, "")), req(root(acct)), policy.DecisionAllow},
		{"account id: its user", doc("", allow(`{"AWS":"123456789012"}`, "")), req(alice), policy.DecisionAllow},
		{"account id: its role session", doc("", allow(`{"AWS":"123456789012"}`, "")), req(session), policy.DecisionAllow},
		{"account id: another account", doc("", allow(`{"AWS":"123456789012"}`, "")), req(outsider), policy.DecisionNone},
		{"account id: not anonymous", doc("", allow(`{"AWS":"123456789012"}`, "")), req(anon), policy.DecisionNone},
		{"account id: not a service of the account", doc("", allow(`{"AWS":"123456789012"}`, "")), req(svc), policy.DecisionNone},
		{"root ARN: its user", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:root"}`, "")), req(bob), policy.DecisionAllow},
		{"root ARN: another account's root", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:root"}`, "")), req(root(otherAcct)), policy.DecisionNone},

		{"user ARN: that user", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:user/alice"}`, "")), req(alice), policy.DecisionAllow},
		{"user ARN: another user", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:user/alice"}`, "")), req(bob), policy.DecisionNone},
		{"user ARN: not the account's root", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:user/alice"}`, "")), req(root(acct)), policy.DecisionNone},
		{"user ARN: same name, other account", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:user/alice"}`, "")), req(outsider), policy.DecisionNone},
		{"user ARN with a path", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:user/division/carol"}`, "")), req(pathUser), policy.DecisionAllow},
		{"role ARN: its session", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:role/reader"}`, "")), req(session), policy.DecisionAllow},
		{"role ARN with a path: its session", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:role/team/reader"}`, "")), req(session), policy.DecisionAllow},
		{"role ARN: another role's session", doc("", allow(`{"AWS":"arn:aws:iam::123456789012:role/reader"}`, "")), req(otherSession), policy.DecisionNone},
		{"session ARN: that session", doc("", allow(`{"AWS":"arn:aws:sts::123456789012:assumed-role/reader/app"}`, "")), req(session), policy.DecisionAllow},
		{"session ARN: another session", doc("", allow(`{"AWS":"arn:aws:sts::123456789012:assumed-role/reader/other"}`, "")), req(session), policy.DecisionNone},
		{"list of principals", doc("", allow(`{"AWS":["arn:aws:iam::123456789012:user/bob","111122223333"]}`, "")), req(outsider), policy.DecisionAllow},

		{"Service: that service", doc("", allow(`{"Service":"redshift.amazonaws.com"}`, "")), req(svc), policy.DecisionAllow},
		{"Service list", doc("", allow(`{"Service":["cloudtrail.amazonaws.com","redshift.amazonaws.com"]}`, "")), req(svc), policy.DecisionAllow},
		{"Service: not an account", doc("", allow(`{"Service":"redshift.amazonaws.com"}`, "")), req(alice), policy.DecisionNone},
		{"CanonicalUser: the account's", doc("", allow(`{"CanonicalUser":"`+canonical+`"}`, "")), policy.Request{Principal: alice, CanonicalID: canonical}, policy.DecisionAllow},
		{"CanonicalUser: another", doc("", allow(`{"CanonicalUser":"`+canonical+`"}`, "")), policy.Request{Principal: alice, CanonicalID: "0" + canonical[1:]}, policy.DecisionNone},
		{"Federated: never in fakeshift", doc("", allow(`{"Federated":"cognito-identity.amazonaws.com"}`, "")), req(alice), policy.DecisionNone},
		{"alias: its ARN", doc("", allow(`{"AWS":"arn:aws:iam::193672423079:user/logs"}`, "")), policy.Request{Principal: svc, Aliases: []string{legacyLogUser}}, policy.DecisionAllow},
		{"alias: its account", doc("", allow(`{"AWS":"193672423079"}`, "")), policy.Request{Principal: svc, Aliases: []string{legacyLogUser}}, policy.DecisionAllow},
	})
}

func TestEvaluateNotPrincipal(t *testing.T) {
	bob := userKey(t, "arn:aws:iam::444455556666:user/Bob")
	alice := userKey(t, "arn:aws:iam::444455556666:user/Alice")
	session := userKey(t, "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app")
	svc := auth.ServicePrincipal("redshift.amazonaws.com", myClusterARN, acct)
	deny := func(np string) string {
		return `{"Effect":"Deny","NotPrincipal":` + np + `,"Action":"s3:*","Resource":["arn:aws:s3:::examplebucket","arn:aws:s3:::examplebucket/*"]}`
	}
	// The IAM user guide's examples (NotPrincipal with Deny).
	bobAndAccount := deny(`{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]}`)
	bobOnly := deny(`{"AWS":"arn:aws:iam::444455556666:user/Bob"}`)
	sessionRoleAccount := deny(`{"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:role/cross-account-read-only-role","arn:aws:iam::444455556666:root"]}`)
	sessionAccount := deny(`{"AWS":["arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app","arn:aws:iam::444455556666:root"]}`)
	req := func(p auth.Principal) policy.Request { return policy.Request{Principal: p} }
	runEval(t, []evalCase{
		{"Bob and his account: Bob is not denied", doc("", bobAndAccount), req(bob), policy.DecisionNone},
		{"Bob and his account: Alice is", doc("", bobAndAccount), req(alice), policy.DecisionDeny},
		{"Bob and his account: the account's root is not", doc("", bobAndAccount), req(root("444455556666")), policy.DecisionNone},
		{"Bob and his account: another account is", doc("", bobAndAccount), req(root(acct)), policy.DecisionDeny},
		{"Bob and his account: anonymous is", doc("", bobAndAccount), req(auth.Anonymous()), policy.DecisionDeny},
		{"Bob and his account: a service is", doc("", bobAndAccount), req(svc), policy.DecisionDeny},
		{"Bob alone: his account is denied, so is he", doc("", bobOnly), req(bob), policy.DecisionDeny},
		{"session, role, account: not denied", doc("", sessionRoleAccount), req(session), policy.DecisionNone},
		{"session and account without the role: denied", doc("", sessionAccount), req(session), policy.DecisionDeny},
		{"NotPrincipal service: that service is not denied", doc("", deny(`{"Service":"redshift.amazonaws.com"}`)), req(svc), policy.DecisionNone},
		{"NotPrincipal service: others are", doc("", deny(`{"Service":"redshift.amazonaws.com"}`)), req(bob), policy.DecisionDeny},
		{"NotPrincipal alias", doc("", deny(`{"AWS":["arn:aws:iam::193672423079:user/logs","193672423079"]}`)), policy.Request{Principal: svc, Aliases: []string{legacyLogUser}}, policy.DecisionNone},
		{"NotPrincipal with Allow: everyone else", doc("", `{"Effect":"Allow","NotPrincipal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"}`), req(auth.Anonymous()), policy.DecisionAllow},
		{"NotPrincipal with Allow: not the named account", doc("", `{"Effect":"Allow","NotPrincipal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"}`), req(root("444455556666")), policy.DecisionNone},
	})
}

func TestEvaluateActionsResources(t *testing.T) {
	st := func(action, resource string) string {
		return `{"Effect":"Allow","Principal":"*","Action":` + action + `,"Resource":` + resource + `}`
	}
	objects := `"arn:aws:s3:::examplebucket/*"`
	r := func(action, resource string) policy.Request {
		return policy.Request{Principal: auth.Anonymous(), Action: action, Resource: resource}
	}
	runEval(t, []evalCase{
		{"action names are case-insensitive", doc("", st(`"S3:getobject"`, objects)), r("s3:GetObject", objARN), policy.DecisionAllow},
		{"request action case", doc("", st(`"s3:GetObject"`, objects)), r("S3:GETOBJECT", objARN), policy.DecisionAllow},
		{"* matches a suffix", doc("", st(`"s3:Get*"`, objects)), r("s3:GetObjectTagging", objARN), policy.DecisionAllow},
		{"* does not match another prefix", doc("", st(`"s3:Get*"`, objects)), r("s3:PutObject", objARN), policy.DecisionNone},
		{"? matches one character", doc("", st(`"s3:GetObjec?"`, objects)), r("s3:GetObject", objARN), policy.DecisionAllow},
		{"? matches exactly one", doc("", st(`"s3:GetObjec?"`, objects)), r("s3:GetObjectAcl", objARN), policy.DecisionNone},
		{"Action *", doc("", st(`"*"`, objects)), r("s3:DeleteObject", objARN), policy.DecisionAllow},
		{"action list", doc("", st(`["s3:PutObject","s3:GetObject"]`, objects)), r("s3:GetObject", objARN), policy.DecisionAllow},
		{"NotAction: another action", doc("", `{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"}`), r("s3:PutObject", objARN), policy.DecisionDeny},
		{"NotAction: the action", doc("", `{"Effect":"Deny","Principal":"*","NotAction":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::examplebucket/*"}`), r("s3:GetObject", objARN), policy.DecisionNone},

		{"resource * matches across slashes", doc("", st(`"s3:GetObject"`, `"arn:aws:s3:::examplebucket/logs/*"`)), r("s3:GetObject", "arn:aws:s3:::examplebucket/logs/2024/01/a.gz"), policy.DecisionAllow},
		{"resource prefix", doc("", st(`"s3:GetObject"`, `"arn:aws:s3:::examplebucket/logs/*"`)), r("s3:GetObject", "arn:aws:s3:::examplebucket/other/a.gz"), policy.DecisionNone},
		{"resource is case-sensitive", doc("", st(`"s3:GetObject"`, `"arn:aws:s3:::examplebucket/Logs/*"`)), r("s3:GetObject", objARN), policy.DecisionNone},
		{"resource ?", doc("", st(`"s3:GetObject"`, `"arn:aws:s3:::examplebucket/logs/?.gz"`)), r("s3:GetObject", objARN), policy.DecisionAllow},
		{"resource ? and a multi-byte character", doc("", st(`"s3:GetObject"`, `"arn:aws:s3:::examplebucket/logs/?.gz"`)), r("s3:GetObject", "arn:aws:s3:::examplebucket/logs/é.gz"), policy.DecisionAllow},
		{"resource wildcard in the middle", doc("", st(`"s3:GetObject"`, `"arn:aws:s3:::examplebucket/*/a.gz"`)), r("s3:GetObject", objARN), policy.DecisionAllow},
		{"the bucket is not its objects", doc("", st(`"s3:*"`, objects)), r("s3:ListBucket", bucketARN), policy.DecisionNone},
		{"the bucket", doc("", st(`"s3:ListBucket"`, `"arn:aws:s3:::examplebucket"`)), r("s3:ListBucket", bucketARN), policy.DecisionAllow},
		{"NotResource: another object", doc("", `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::examplebucket/public/*"}`), r("s3:GetObject", objARN), policy.DecisionDeny},
		{"NotResource: the object", doc("", `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::examplebucket/public/*"}`), r("s3:GetObject", "arn:aws:s3:::examplebucket/public/a"), policy.DecisionNone},
	})
}

func TestEvaluateDenyWins(t *testing.T) {
	allowAll := allow(`"*"`, "")
	denyHTTP := `{"Sid":"DenyHttp","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::examplebucket","arn:aws:s3:::examplebucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	for _, tc := range []struct {
		name   string
		doc    string
		ctx    map[string][]string
		want   policy.Decision
		reason string
	}{
		{"deny first", doc("2012-10-17", denyHTTP, allowAll), map[string][]string{"aws:SecureTransport": {"false"}}, policy.DecisionDeny, `statement 1, Sid "DenyHttp"`},
		{"deny last", doc("2012-10-17", allowAll, denyHTTP), map[string][]string{"aws:SecureTransport": {"false"}}, policy.DecisionDeny, `statement 2, Sid "DenyHttp"`},
		{"deny does not apply", doc("2012-10-17", allowAll, denyHTTP), map[string][]string{"aws:SecureTransport": {"true"}}, policy.DecisionAllow, "statement 1"},
		{"nothing applies", doc("2012-10-17", denyHTTP), map[string][]string{"aws:SecureTransport": {"true"}}, policy.DecisionNone, "no statement applies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.doc, bucket)
			d, why := p.Explain(policy.Request{Principal: auth.Anonymous(), Action: "s3:GetObject", Resource: objARN, Context: tc.ctx})
			require.Equal(t, tc.want, d)
			require.Equal(t, tc.reason, why)
		})
	}
}

func TestEvaluateConditions(t *testing.T) {
	c := func(cond string) string { return doc("2012-10-17", allow(`"*"`, cond)) }
	ctx := func(kv ...string) policy.Request {
		m := map[string][]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return policy.Request{Principal: auth.Anonymous(), Context: m}
	}
	none := policy.Request{Principal: auth.Anonymous()}
	A, N := policy.DecisionAllow, policy.DecisionNone
	runEval(t, []evalCase{
		// String.
		{"StringEquals match", c(`{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}`), ctx("s3:x-amz-acl", "bucket-owner-full-control"), A},
		{"StringEquals is case-sensitive", c(`{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}`), ctx("s3:x-amz-acl", "Bucket-Owner-Full-Control"), N},
		{"StringEquals missing key", c(`{"StringEquals":{"s3:x-amz-acl":"private"}}`), none, N},
		{"StringEquals values are OR", c(`{"StringEquals":{"s3:x-amz-acl":["private","public-read"]}}`), ctx("s3:x-amz-acl", "public-read"), A},
		{"StringEquals * is literal", c(`{"StringEquals":{"s3:prefix":"a*"}}`), ctx("s3:prefix", "abc"), N},
		{"StringNotEquals other", c(`{"StringNotEquals":{"s3:x-amz-acl":"private"}}`), ctx("s3:x-amz-acl", "public-read"), A},
		{"StringNotEquals equal", c(`{"StringNotEquals":{"s3:x-amz-acl":"private"}}`), ctx("s3:x-amz-acl", "private"), N},
		{"StringNotEquals values are NOR", c(`{"StringNotEquals":{"s3:x-amz-acl":["private","public-read"]}}`), ctx("s3:x-amz-acl", "public-read"), N},
		{"StringNotEquals missing key is true", c(`{"StringNotEquals":{"s3:x-amz-acl":"private"}}`), none, A},
		{"StringEqualsIgnoreCase", c(`{"StringEqualsIgnoreCase":{"aws:UserAgent":"AWS-CLI"}}`), ctx("aws:UserAgent", "aws-cli"), A},
		{"StringNotEqualsIgnoreCase", c(`{"StringNotEqualsIgnoreCase":{"aws:UserAgent":"AWS-CLI"}}`), ctx("aws:UserAgent", "aws-cli"), N},
		{"StringLike *", c(`{"StringLike":{"s3:prefix":"home/*"}}`), ctx("s3:prefix", "home/alice/"), A},
		{"StringLike ?", c(`{"StringLike":{"s3:prefix":"ho?e/"}}`), ctx("s3:prefix", "home/"), A},
		{"StringLike no match", c(`{"StringLike":{"s3:prefix":"home/*"}}`), ctx("s3:prefix", "tmp/"), N},
		{"StringLike empty value", c(`{"StringLike":{"s3:prefix":["","home/"]}}`), ctx("s3:prefix", ""), A},
		{"StringNotLike", c(`{"StringNotLike":{"s3:prefix":"home/*"}}`), ctx("s3:prefix", "tmp/"), A},
		{"StringNotLike match", c(`{"StringNotLike":{"s3:prefix":"home/*"}}`), ctx("s3:prefix", "home/x"), N},
		{"StringNotLike missing", c(`{"StringNotLike":{"s3:prefix":"home/*"}}`), none, A},

		// Numeric.
		{"NumericLessThanEquals", c(`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "10"), A},
		{"NumericLessThanEquals over", c(`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "11"), N},
		{"NumericLessThan", c(`{"NumericLessThan":{"s3:max-keys":10}}`), ctx("s3:max-keys", "9"), A},
		{"NumericLessThan equal", c(`{"NumericLessThan":{"s3:max-keys":10}}`), ctx("s3:max-keys", "10"), N},
		{"NumericGreaterThan", c(`{"NumericGreaterThan":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "10.5"), A},
		{"NumericGreaterThanEquals", c(`{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "10"), A},
		{"NumericEquals", c(`{"NumericEquals":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "10.0"), A},
		{"NumericNotEquals", c(`{"NumericNotEquals":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "10"), N},
		{"NumericNotEquals other", c(`{"NumericNotEquals":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "100"), A},
		{"Numeric not a number", c(`{"NumericLessThan":{"s3:max-keys":"10"}}`), ctx("s3:max-keys", "ten"), N},
		{"Numeric missing", c(`{"NumericLessThan":{"s3:max-keys":"10"}}`), none, N},
		{"NumericNotEquals missing", c(`{"NumericNotEquals":{"s3:max-keys":"10"}}`), none, A},

		// Date.
		{"DateGreaterThan ISO", c(`{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}`), ctx("aws:CurrentTime", "2024-06-01T12:00:00Z"), A},
		{"DateGreaterThan before", c(`{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}`), ctx("aws:CurrentTime", "2023-06-01T12:00:00Z"), N},
		{"DateLessThan date only", c(`{"DateLessThan":{"aws:CurrentTime":"2024-01-02"}}`), ctx("aws:CurrentTime", "2024-01-01T23:59:59Z"), A},
		{"DateLessThanEquals epoch policy", c(`{"DateLessThanEquals":{"aws:EpochTime":1704067200}}`), ctx("aws:EpochTime", "1704067200"), A},
		{"DateGreaterThanEquals epoch vs ISO", c(`{"DateGreaterThanEquals":{"aws:CurrentTime":"1704067200"}}`), ctx("aws:CurrentTime", "2024-01-01T00:00:00Z"), A},
		{"DateEquals", c(`{"DateEquals":{"aws:CurrentTime":"2024-01-01T01:00:00+01:00"}}`), ctx("aws:CurrentTime", "2024-01-01T00:00:00Z"), A},
		{"DateNotEquals", c(`{"DateNotEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}`), ctx("aws:CurrentTime", "2024-01-01T00:00:00Z"), N},
		{"Date missing", c(`{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}`), none, N},

		// Bool.
		{"Bool true", c(`{"Bool":{"aws:SecureTransport":"true"}}`), ctx("aws:SecureTransport", "true"), A},
		{"Bool JSON boolean", c(`{"Bool":{"aws:SecureTransport":true}}`), ctx("aws:SecureTransport", "true"), A},
		{"Bool false", c(`{"Bool":{"aws:SecureTransport":"false"}}`), ctx("aws:SecureTransport", "true"), N},
		{"Bool missing", c(`{"Bool":{"aws:SecureTransport":"false"}}`), none, N},
		{"BoolIfExists missing", c(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`), none, A},
		{"BoolIfExists present", c(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`), ctx("aws:MultiFactorAuthPresent", "false"), N},

		// Binary.
		{"BinaryEquals", c(`{"BinaryEquals":{"s3:x-amz-content-sha256":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`), ctx("s3:x-amz-content-sha256", "BinaryValueInBase64"), A},
		{"BinaryEquals other", c(`{"BinaryEquals":{"s3:x-amz-content-sha256":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`), ctx("s3:x-amz-content-sha256", "other"), N},

		// IP.
		{"IpAddress CIDR", c(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx("aws:SourceIp", "203.0.113.7"), A},
		{"IpAddress outside", c(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx("aws:SourceIp", "203.0.114.7"), N},
		{"IpAddress plain address is /32", c(`{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`), ctx("aws:SourceIp", "203.0.113.7"), A},
		{"IpAddress IPv6", c(`{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`), ctx("aws:SourceIp", "2001:db8:1234:5678::1"), A},
		{"IpAddress bad request value", c(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx("aws:SourceIp", "nonsense"), N},
		{"NotIpAddress outside", c(`{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx("aws:SourceIp", "198.51.100.1"), A},
		{"NotIpAddress inside", c(`{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), ctx("aws:SourceIp", "203.0.113.1"), N},
		{"IpAddress missing (in-process)", c(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), none, N},

		// ARN: component by component (IAM user guide example).
		{"ArnLike", c(`{"ArnLike":{"aws:SourceArn":"arn:aws:redshift:*:123456789012:cluster:*"}}`), ctx("aws:SourceArn", myClusterARN), A},
		{"ArnEquals takes wildcards too", c(`{"ArnEquals":{"aws:SourceArn":"arn:aws:redshift:us-east-1:123456789012:cluster:my-*"}}`), ctx("aws:SourceArn", myClusterARN), A},
		{"ArnLike other account", c(`{"ArnLike":{"aws:SourceArn":"arn:aws:redshift:*:111122223333:cluster:*"}}`), ctx("aws:SourceArn", myClusterARN), N},
		{"ArnLike matches component-wise", c(`{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`), ctx("aws:SourceArn", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), N},
		{"StringLike does not", c(`{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`), ctx("aws:SourceArn", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), A},
		{"ArnLike not an ARN", c(`{"ArnLike":{"aws:SourceArn":"*"}}`), ctx("aws:SourceArn", "nonsense"), N},
		{"ArnNotEquals", c(`{"ArnNotEquals":{"aws:SourceArn":"` + myClusterARN + `"}}`), ctx("aws:SourceArn", otherCluster), A},
		{"ArnNotLike", c(`{"ArnNotLike":{"aws:SourceArn":"arn:aws:redshift:*:*:cluster:my-*"}}`), ctx("aws:SourceArn", myClusterARN), N},
		{"ArnNotLike missing", c(`{"ArnNotLike":{"aws:SourceArn":"arn:aws:redshift:*:*:cluster:my-*"}}`), none, A},

		// Null.
		{"Null true, absent", c(`{"Null":{"s3:x-amz-server-side-encryption":"true"}}`), none, A},
		{"Null true, present", c(`{"Null":{"s3:x-amz-server-side-encryption":"true"}}`), ctx("s3:x-amz-server-side-encryption", "AES256"), N},
		{"Null false, present", c(`{"Null":{"s3:x-amz-server-side-encryption":false}}`), ctx("s3:x-amz-server-side-encryption", "AES256"), A},
		{"Null false, absent", c(`{"Null":{"s3:x-amz-server-side-encryption":"false"}}`), none, N},
		{"Null: an empty value list is absent", c(`{"Null":{"s3:x-amz-server-side-encryption":"true"}}`), policy.Request{Principal: auth.Anonymous(), Context: map[string][]string{"s3:x-amz-server-side-encryption": {}}}, A},

		// IfExists.
		{"StringEqualsIfExists missing", c(`{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}`), none, A},
		{"StringEqualsIfExists match", c(`{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}`), ctx("s3:x-amz-server-side-encryption", "AES256"), A},
		{"StringEqualsIfExists mismatch", c(`{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}`), ctx("s3:x-amz-server-side-encryption", "aws:kms"), N},
		{"StringNotEqualsIfExists missing", c(`{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}`), none, A},
		{"NumericLessThanIfExists missing", c(`{"NumericLessThanIfExists":{"s3:max-keys":"5"}}`), none, A},
		{"IpAddressIfExists missing", c(`{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}`), none, A},
		{"ArnLikeIfExists present", c(`{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:redshift:*:*:cluster:other*"}}`), ctx("aws:SourceArn", myClusterARN), N},
		{"DateLessThanIfExists missing", c(`{"DateLessThanIfExists":{"aws:TokenIssueTime":"2024-01-01"}}`), none, A},

		// Set operators.
		{"ForAllValues all in the list", c(`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}`), ctx("aws:TagKeys", "a", "aws:TagKeys", "c"), A},
		{"ForAllValues one outside", c(`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`), ctx("aws:TagKeys", "a", "aws:TagKeys", "z"), N},
		{"ForAllValues missing key is true", c(`{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}`), none, A},
		{"ForAnyValue one in the list", c(`{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/*"]}}`), ctx("aws:PrincipalOrgPaths", "o-zzz/r-1/", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-1/ou-1/"), A},
		{"ForAnyValue none", c(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`), ctx("aws:TagKeys", "b"), N},
		{"ForAnyValue missing key is false", c(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`), none, N},
		{"ForAnyValue...IfExists missing key", c(`{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}}`), none, A},
		{"ForAllValues:StringNotEquals none forbidden", c(`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`), ctx("aws:TagKeys", "a", "aws:TagKeys", "b"), A},
		{"ForAllValues:StringNotEquals one forbidden", c(`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}`), ctx("aws:TagKeys", "a", "aws:TagKeys", "secret"), N},
		{"ForAnyValue:StringNotEquals one other", c(`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["secret"]}}`), ctx("aws:TagKeys", "secret", "aws:TagKeys", "a"), A},
		{"ForAnyValue:StringNotEquals all forbidden", c(`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["secret"]}}`), ctx("aws:TagKeys", "secret"), N},

		// AND / OR, key case.
		{"several keys: all must hold", c(`{"StringEquals":{"aws:SourceAccount":"123456789012","aws:SourceArn":"` + myClusterARN + `"}}`), ctx("aws:SourceAccount", "123456789012", "aws:SourceArn", otherCluster), N},
		{"several keys: all hold", c(`{"StringEquals":{"aws:SourceAccount":"123456789012","aws:SourceArn":"` + myClusterARN + `"}}`), ctx("aws:SourceAccount", "123456789012", "aws:SourceArn", myClusterARN), A},
		{"several operators: all must hold", c(`{"StringEquals":{"s3:x-amz-acl":"private"},"Bool":{"aws:SecureTransport":"true"}}`), ctx("s3:x-amz-acl", "private", "aws:SecureTransport", "false"), N},
		{"several operators: all hold", c(`{"StringEquals":{"s3:x-amz-acl":"private"},"Bool":{"aws:SecureTransport":"true"}}`), ctx("s3:x-amz-acl", "private", "aws:SecureTransport", "true"), A},
		{"policy key case", c(`{"StringEquals":{"AWS:SourceAccount":"123456789012"}}`), ctx("aws:sourceaccount", "123456789012"), A},
		{"several request values, positive: any", c(`{"StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}`), ctx("aws:CalledVia", "dynamodb.amazonaws.com", "aws:CalledVia", "athena.amazonaws.com"), A},
		{"tag keys", c(`{"StringEquals":{"s3:ExistingObjectTag/classification":"public"}}`), ctx("s3:ExistingObjectTag/classification", "public"), A},
	})
}

func TestEvaluateDerivedKeys(t *testing.T) {
	session := userKey(t, "arn:aws:sts::123456789012:assumed-role/reader/app")
	c := func(cond string) string { return doc("2012-10-17", allow(`"*"`, cond)) }
	runEval(t, []evalCase{
		{"aws:PrincipalArn of a session is the role's", c(`{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/reader"}}`), policy.Request{Principal: session}, policy.DecisionAllow},
		{"aws:PrincipalAccount", c(`{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}`), policy.Request{Principal: session}, policy.DecisionAllow},
		{"aws:PrincipalIsAWSService of a service", c(`{"Bool":{"aws:PrincipalIsAWSService":"true"}}`), policy.Request{Principal: redshift()}, policy.DecisionAllow},
		{"aws:PrincipalIsAWSService of an account", c(`{"Bool":{"aws:PrincipalIsAWSService":"true"}}`), policy.Request{Principal: session}, policy.DecisionNone},
		{"aws:PrincipalIsAWSService of anonymous is absent", c(`{"Null":{"aws:PrincipalIsAWSService":"true"}}`), policy.Request{Principal: auth.Anonymous()}, policy.DecisionAllow},
		{"aws:PrincipalServiceName", c(`{"StringEquals":{"aws:PrincipalServiceName":"redshift.amazonaws.com"}}`), policy.Request{Principal: redshift()}, policy.DecisionAllow},
		{"aws:SourceAccount of an account principal is absent", c(`{"Null":{"aws:SourceAccount":"true"}}`), policy.Request{Principal: session}, policy.DecisionAllow},
	})
}

func TestEvaluateVariables(t *testing.T) {
	homeDirs := func(version string) string {
		return doc(version,
			`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::examplebucket","Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}}`,
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::examplebucket/home/${aws:username}","arn:aws:s3:::examplebucket/home/${aws:username}/*"]}`)
	}
	user := func(name string, kv ...string) map[string][]string {
		m := map[string][]string{}
		if name != "" {
			m["aws:username"] = []string{name}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = []string{kv[i+1]}
		}
		return m
	}
	get := func(key string, ctx map[string][]string) policy.Request {
		return policy.Request{Principal: auth.Anonymous(), Action: "s3:GetObject", Resource: "arn:aws:s3:::examplebucket/" + key, Context: ctx}
	}
	list := func(ctx map[string][]string) policy.Request {
		return policy.Request{Principal: auth.Anonymous(), Action: "s3:ListBucket", Resource: bucketARN, Context: ctx}
	}
	withDefault := doc("2012-10-17", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/${aws:userid, 'anonymous'}/*"}`)
	escapes := doc("2012-10-17", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/${*}${?}${$}"}`)
	negated := doc("2012-10-17", allow(`"*"`, `{"StringNotEquals":{"s3:prefix":"${aws:username}"}}`))
	A, N := policy.DecisionAllow, policy.DecisionNone
	runEval(t, []evalCase{
		{"resource variable: own home", homeDirs("2012-10-17"), get("home/alice/notes.txt", user("alice")), A},
		{"resource variable: another home", homeDirs("2012-10-17"), get("home/bob/notes.txt", user("alice")), N},
		{"resource variable: no user name", homeDirs("2012-10-17"), get("home/alice/notes.txt", nil), N},
		{"a substituted * is literal", homeDirs("2012-10-17"), get("home/bob/notes.txt", user("*")), N},
		{"condition variable: own prefix", homeDirs("2012-10-17"), list(user("alice", "s3:prefix", "home/alice/docs/")), A},
		{"condition variable: another prefix", homeDirs("2012-10-17"), list(user("alice", "s3:prefix", "home/bob/")), N},
		{"condition variable: a literal value of the list", homeDirs("2012-10-17"), list(user("", "s3:prefix", "home/")), N},
		{"2008-10-17: no variables", homeDirs("2008-10-17"), get("home/${aws:username}/x", user("alice")), A},
		{"2008-10-17: the user's home is not", homeDirs("2008-10-17"), get("home/alice/x", user("alice")), N},
		{"no Version: no variables", homeDirs(""), get("home/alice/x", user("alice")), N},
		{"default value used", withDefault, get("anonymous/x", nil), A},
		{"default value not used", withDefault, get("AIDAEXAMPLE/x", user("", "aws:userid", "AIDAEXAMPLE")), A},
		{"${*}${?}${$} are literal", escapes, get("*?$", nil), A},
		{"${*} is not a wildcard", escapes, get("a?$", nil), N},
		{"unresolvable variable: a negated condition does not apply either", negated, list(nil), N},
		{"negated condition with the variable", negated, list(user("alice", "s3:prefix", "bob")), A},
	})
}

// A Policy is shared by every request of its bucket.
func TestEvaluateConcurrently(t *testing.T) {
	p := mustParse(t, policyTypical, auditBucket)
	vars := mustParse(t, doc("2012-10-17", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/home/${aws:username}/*"}`), bucket)
	done := make(chan struct{})
	for i := 0; i < 8; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := 0; j < 200; j++ {
				if p.Evaluate(redshiftRequest()) != policy.DecisionAllow {
					t.Error("redshift request not allowed")
					return
				}
				r := policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::examplebucket/home/u/x",
					Context: map[string][]string{"aws:username": {"u"}}}
				if vars.Evaluate(r) != policy.DecisionAllow {
					t.Error("home directory not allowed")
					return
				}
			}
		}()
	}
	for i := 0; i < 8; i++ {
		<-done
	}
}
