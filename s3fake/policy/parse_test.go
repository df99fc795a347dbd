package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/s3fake/policy"
)

// st is a valid statement with one element replaced or removed: st("Action", `"s3:Foo"`),
// st("Action", "") to drop it, st("Foo", `1`) to add one.
func st(kv ...string) string {
	elems := []struct{ k, v string }{
		{"Effect", `"Allow"`},
		{"Principal", `"*"`},
		{"Action", `"s3:GetObject"`},
		{"Resource", `"arn:aws:s3:::examplebucket/*"`},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		found := false
		for j := range elems {
			if elems[j].k == kv[i] {
				elems[j].v, found = kv[i+1], true
			}
		}
		if !found {
			elems = append(elems, struct{ k, v string }{kv[i], kv[i+1]})
		}
	}
	var b strings.Builder
	b.WriteString("{")
	first := true
	for _, e := range elems {
		if e.v == "" {
			continue
		}
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(`"` + e.k + `":` + e.v)
	}
	b.WriteString("}")
	return b.String()
}

func TestParseRefusals(t *testing.T) {
	big := doc("2012-10-17", st("Sid", `"`+strings.Repeat("x", policy.MaxSize)+`"`))
	for _, tc := range []struct {
		name string
		doc  string
		msg  string
	}{
		// The document.
		{"empty", "", "Policies must be valid JSON and the first byte must be '{'"},
		{"white space first", " " + doc("", st()), "Policies must be valid JSON and the first byte must be '{'"},
		{"a file name", "policy.json", "Policies must be valid JSON and the first byte must be '{'"},
		{"an array", "[" + doc("", st()) + "]", "Policies must be valid JSON and the first byte must be '{'"},
		{"not JSON", "{Version: 2012-10-17}", "This policy contains invalid Json"},
		{"unterminated", `{"Version":"2012-10-17"`, "This policy contains invalid Json"},
		{"trailing comma", `{"Version":"2012-10-17","Statement":[` + st() + `],}`, "This policy contains invalid Json"},
		{"trailing garbage", doc("", st()) + "x", "This policy contains invalid Json"},
		{"two objects", doc("", st()) + doc("", st()), "This policy contains invalid Json"},
		{"duplicate key", `{"Version":"2012-10-17","Version":"2012-10-17","Statement":[` + st() + `]}`, "This policy contains invalid Json"},
		{"duplicate key in a statement", doc("", `{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"}`), "This policy contains invalid Json"},
		{"over 20 KB", big, "Policy exceeds the maximum allowed document size."},
		{"Id not a string", `{"Id":1,"Statement":[` + st() + `]}`, "This policy contains invalid Json"},
		{"unknown top-level field", `{"Version":"2012-10-17","Condition":{},"Statement":[` + st() + `]}`, "Unknown field Condition"},

		// Version and Statement.
		{"unknown version", doc("2012-10-18", st()), "The policy must contain a valid version string"},
		{"empty version", doc("", st())[:1] + `"Version":"",` + doc("", st())[1:], "The policy must contain a valid version string"},
		{"version as a number", `{"Version":2012,"Statement":[` + st() + `]}`, "The policy must contain a valid version string"},
		{"no Statement", `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"empty Statement", `{"Version":"2012-10-17","Statement":[]}`, "Could not parse the policy: Statement is empty!"},
		{"Statement a string", `{"Version":"2012-10-17","Statement":"x"}`, "Statement must be an object or an array of objects"},
		{"Statement of strings", `{"Version":"2012-10-17","Statement":["x"]}`, "Statement must be an object or an array of objects"},
		{"unknown statement field", doc("", st("Foo", `"x"`)), "Unknown field Foo"},
		{"element names are case-sensitive", doc("", `{"effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"}`), "Unknown field effect"},
		{"Sid not a string", doc("", st("Sid", `1`)), "This policy contains invalid Json"},

		// Effect.
		{"no Effect", doc("", st("Effect", "")), "Missing required field Effect"},
		{"Effect hello", doc("", st("Effect", `"hello"`)), "Invalid effect: hello"},
		{"Effect lower case", doc("", st("Effect", `"allow"`)), "Invalid effect: allow"},

		// Principal.
		{"no Principal", doc("", st("Principal", "")), "Missing required field Principal"},
		{"Principal and NotPrincipal", doc("", st("NotPrincipal", `"*"`)), "Statement cannot contain both Principal and NotPrincipal"},
		{"Principal an ARN string", doc("", st("Principal", `"arn:aws:iam::123456789012:root"`)), "Invalid principal in policy"},
		{"Principal empty string", doc("", st("Principal", `""`)), "Missing required field Principal cannot be empty!"},
		{"Principal empty object", doc("", st("Principal", `{}`)), "Missing required field Principal cannot be empty!"},
		{"Principal empty list", doc("", st("Principal", `{"AWS":[]}`)), "Missing required field Principal cannot be empty!"},
		{"AWS user", doc("", st("Principal", `{"AWS":"user"}`)), "Invalid principal in policy"},
		{"AWS wildcard in an ARN", doc("", st("Principal", `{"AWS":"arn:aws:iam::123456789012:user/*"}`)), "Invalid principal in policy"},
		{"AWS a group", doc("", st("Principal", `{"AWS":"arn:aws:iam::123456789012:group/admins"}`)), "Invalid principal in policy"},
		{"AWS short account", doc("", st("Principal", `{"AWS":"12345678901"}`)), "Invalid principal in policy"},
		{"AWS region in an IAM ARN", doc("", st("Principal", `{"AWS":"arn:aws:iam:us-east-1:123456789012:root"}`)), "Invalid principal in policy"},
		{"AWS a number", doc("", st("Principal", `{"AWS":123456789012}`)), "Invalid principal in policy"},
		{"AWS CloudFront, not an OAI", doc("", st("Principal", `{"AWS":"arn:aws:iam::cloudfront:user/someone"}`)), "Invalid principal in policy"},
		{"Service placeholder", doc("", st("Principal", `{"Service":"ServiceName"}`)), "Invalid principal in policy"},
		{"Service wildcard", doc("", st("Principal", `{"Service":"*"}`)), "Invalid principal in policy"},
		{"CanonicalUser not an id", doc("", st("Principal", `{"CanonicalUser":"abc"}`)), "Invalid principal in policy"},
		{"unknown principal type", doc("", st("Principal", `{"Group":"x"}`)), "Invalid principal in policy"},
		{"principal type case", doc("", st("Principal", `{"aws":"*"}`)), "Invalid principal in policy"},

		// Action.
		{"no Action", doc("", st("Action", "")), "Statement is missing required element"},
		{"Action and NotAction", doc("", st("NotAction", `"s3:PutObject"`)), "Statement cannot contain both Action and NotAction"},
		{"invalid action", doc("", st("Action", `"invalid_action"`)), "Policy has invalid action"},
		{"another service's action", doc("", st("Action", `"sqs:SendMessage"`)), "Policy has invalid action"},
		{"unknown S3 action", doc("", st("Action", `"s3:GetObjects"`)), "Policy has invalid action"},
		{"pattern matching nothing", doc("", st("Action", `"s3:Foo*"`)), "Policy has invalid action"},
		{"empty action list", doc("", st("Action", `[]`)), "Policy has invalid action"},
		{"action not a string", doc("", st("Action", `[1]`)), "Policy has invalid action"},
		{"s3: alone", doc("", st("Action", `"s3:"`)), "Policy has invalid action"},

		// Resource.
		{"no Resource", doc("", st("Resource", "")), "Statement is missing required element"},
		{"Resource and NotResource", doc("", st("NotResource", `"arn:aws:s3:::examplebucket"`)), "Statement cannot contain both Resource and NotResource"},
		{"Resource *", doc("", st("Resource", `"*"`)), "Policy has invalid resource"},
		{"Resource all buckets", doc("", st("Resource", `"arn:aws:s3:::*"`)), "Policy has invalid resource"},
		{"another bucket", doc("", st("Resource", `"arn:aws:s3:::otherbucket/*"`)), "Policy has invalid resource"},
		{"a bucket with our name as prefix", doc("", st("Resource", `"arn:aws:s3:::examplebucket2/*"`)), "Policy has invalid resource"},
		{"bucket name wildcard", doc("", st("Resource", `"arn:aws:s3:::examplebucket*"`)), "Policy has invalid resource"},
		{"the bucket name's case", doc("", st("Resource", `"arn:aws:s3:::ExampleBucket/*"`)), "Policy has invalid resource"},
		{"another partition", doc("", st("Resource", `"arn:aws-cn:s3:::examplebucket/*"`)), "Policy has invalid resource"},
		{"not an ARN", doc("", st("Resource", `"examplebucket/*"`)), "Policy has invalid resource"},
		{"variable in the bucket", doc("2012-10-17", st("Resource", `"arn:aws:s3:::${aws:username}/*"`)), "Policy has invalid resource"},
		{"empty resource list", doc("", st("Resource", `[]`)), "Policy has invalid resource"},
		{"one bad resource in a list", doc("", st("Resource", `["arn:aws:s3:::examplebucket/*","arn:aws:s3:::other"]`)), "Policy has invalid resource"},

		// Actions that apply to no resource of the statement.
		{"object action on the bucket", doc("", st("Action", `"s3:PutObject"`, "Resource", `"arn:aws:s3:::examplebucket"`)), "Action does not apply to any resource(s) in statement"},
		{"bucket action on objects", doc("", st("Action", `"s3:GetBucketAcl"`)), "Action does not apply to any resource(s) in statement"},
		{"ListBucket with GetObject on objects", doc("", st("Action", `["s3:ListBucket","s3:GetObject"]`)), "Action does not apply to any resource(s) in statement"},
		{"account action", doc("", st("Action", `"s3:ListAllMyBuckets"`)), "Action does not apply to any resource(s) in statement"},
		{"pattern of bucket actions on objects", doc("", st("Action", `"s3:GetBucket*"`)), "Action does not apply to any resource(s) in statement"},

		// Condition.
		{"unknown operator", doc("", st("Condition", `{"StringEqualz":{"aws:SourceArn":"x"}}`)), "Invalid Condition type : StringEqualz"},
		{"operator case", doc("", st("Condition", `{"stringequals":{"aws:SourceArn":"x"}}`)), "Invalid Condition type : stringequals"},
		{"NullIfExists", doc("", st("Condition", `{"NullIfExists":{"aws:SourceArn":"true"}}`)), "Invalid Condition type : NullIfExists"},
		{"unknown qualifier", doc("", st("Condition", `{"ForSomeValues:StringEquals":{"aws:TagKeys":"x"}}`)), "Invalid Condition type : ForSomeValues:StringEquals"},
		{"unknown key", doc("", st("Condition", `{"StringEquals":{"s3:FakeKeyDoesNotExist":"foo"}}`)), "Policy has an invalid condition key"},
		{"unknown global key", doc("", st("Condition", `{"StringEquals":{"aws:Nonsense":"foo"}}`)), "Policy has an invalid condition key"},
		{"another service's key", doc("", st("Condition", `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}`)), "Policy has an invalid condition key"},
		{"tag key without a tag", doc("", st("Condition", `{"StringEquals":{"aws:PrincipalTag/":"x"}}`)), "Policy has an invalid condition key"},
		{"s3:prefix with GetObject", doc("", st("Condition", `{"StringEquals":{"s3:prefix":"foo"}}`)), "Conditions do not apply to combination of actions and resources in statement"},
		{"s3:x-amz-acl with GetObject and PutObject", doc("", st("Action", `["s3:GetObject","s3:PutObject"]`, "Condition", `{"StringEquals":{"s3:x-amz-acl":"private"}}`)), "Conditions do not apply to combination of actions and resources in statement"},
		{"s3:prefix with ListBucketMultipartUploads", doc("", st("Action", `"s3:ListBucketMultipartUploads"`, "Resource", `"arn:aws:s3:::examplebucket"`, "Condition", `{"StringLike":{"s3:prefix":"a/*"}}`)), "Conditions do not apply to combination of actions and resources in statement"},
		{"invalid IP address", doc("", st("Condition", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}`)), "Invalid IP address in Conditions"},
		{"invalid NotIpAddress", doc("", st("Condition", `{"NotIpAddress":{"aws:SourceIp":"localhost"}}`)), "Invalid IP address in Conditions"},
		{"Condition not an object", doc("", st("Condition", `"x"`)), "Invalid Condition block"},
		{"operator value not an object", doc("", st("Condition", `{"StringEquals":"x"}`)), "Invalid Condition block"},
		{"condition value an object", doc("", st("Condition", `{"StringEquals":{"aws:SourceArn":{}}}`)), "Invalid Condition value"},
		{"condition value null", doc("", st("Condition", `{"StringEquals":{"aws:SourceArn":null}}`)), "Invalid Condition value"},
		{"condition value nested list", doc("", st("Condition", `{"StringEquals":{"aws:SourceArn":[["x"]]}}`)), "Invalid Condition value"},

		// The first refusal wins: a missing Principal before a bad resource (hashicorp/terraform#28688).
		{"Principal before Resource", doc("", st("Principal", "", "Action", `"s3:ListAllMyBuckets"`, "Resource", `"arn:aws:s3:::*"`)), "Missing required field Principal"},
		{"second statement", doc("", st(), st("Effect", `"Maybe"`)), "Invalid effect: Maybe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.Parse([]byte(tc.doc), bucket)
			require.Nil(t, p)
			var pe *policy.Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, policy.CodeMalformedPolicy, pe.Code)
			require.Equal(t, tc.msg, pe.Message)
			require.Equal(t, "MalformedPolicy: "+tc.msg, err.Error())
			require.True(t, errors.Is(err, &policy.Error{Code: policy.CodeMalformedPolicy}))
		})
	}
}

func TestParseAccepts(t *testing.T) {
	padded := doc("2012-10-17", st()) // over 20 KB with its white space, under it without
	padded = padded[:1] + strings.Repeat(" \n\t", policy.MaxSize/3+10) + padded[1:]
	require.Greater(t, len(padded), policy.MaxSize)
	for _, tc := range []struct {
		name string
		doc  string
	}{
		{"white space is not counted in the size", padded},
		{"no Version", doc("", st())},
		{"Version 2008-10-17", doc("2008-10-17", st())},
		{"Id", `{"Id":"PolicyForCloudFrontPrivateContent","Statement":` + st() + `}`},
		{"Statement as one object", `{"Version":"2012-10-17","Statement":` + st() + `}`},
		{"repeated Sids (cloud-custodian#6145)", doc("2008-10-17", st("Sid", `"DenyHttp"`), st("Sid", `"DenyHttp"`))},
		{"Sid with spaces", doc("", st("Sid", `"Put bucket policy needed for audit logging"`))},
		{"empty Sid", doc("", st("Sid", `""`))},
		{"NotPrincipal", doc("", st("Principal", "", "NotPrincipal", `{"AWS":"arn:aws:iam::444455556666:root"}`, "Effect", `"Deny"`))},
		{"Action *", doc("", st("Action", `"*"`))},
		{"s3:* on objects only", doc("", st("Action", `"s3:*"`))},
		{"s3:Get* on objects only", doc("", st("Action", `"s3:Get*"`))},
		{"NotAction with any resource", doc("", st("Action", "", "NotAction", `"s3:ListBucket"`))},
		{"NotResource", doc("", st("Resource", "", "NotResource", `"arn:aws:s3:::examplebucket/public/*"`))},
		{"bucket and object actions on both", doc("", st("Action", `["s3:ListBucket","s3:GetObject"]`, "Resource", `["arn:aws:s3:::examplebucket","arn:aws:s3:::examplebucket/*"]`))},
		{"CreateBucket on the bucket", doc("", st("Action", `"s3:CreateBucket"`, "Resource", `"arn:aws:s3:::examplebucket"`))},
		{"principals of every kind", doc("", st("Principal", `{"AWS":["*","123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/a/b","arn:aws:iam::123456789012:role/r","arn:aws:sts::123456789012:assumed-role/r/s","arn:aws:sts::123456789012:federated-user/f","arn:aws-us-gov:iam::123456789012:root"],"Service":["redshift.amazonaws.com","redshift.ap-east-1.amazonaws.com","logging.s3.amazonaws.com"],"CanonicalUser":"`+canonical+`","Federated":"cognito-identity.amazonaws.com"}`))},
		{"CloudFront origin access identity", doc("2008-10-17", st("Principal", `{"AWS":["arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3XXXXXXXXXXXX","arn:aws:iam::cloudfront:user/CloudFront_Origin_Access_Identity_E3XXXXXXXXXXXX"]}`))},
		{"condition values of every JSON scalar", doc("", st("Action", `"s3:ListBucket"`, "Resource", `"arn:aws:s3:::examplebucket"`, "Condition", `{"NumericLessThanEquals":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true},"StringLike":{"s3:prefix":["",1]}}`))},
		{"s3:prefix with ListBucket", doc("", st("Action", `"s3:ListBucket"`, "Resource", `"arn:aws:s3:::examplebucket"`, "Condition", `{"StringLike":{"s3:prefix":"home/"}}`))},
		{"s3:x-amz-acl under s3:*", doc("", st("Action", `"s3:*"`, "Condition", `{"StringEquals":{"s3:x-amz-acl":"private"}}`))},
		{"s3:x-amz-acl under a pattern", doc("", st("Action", `["s3:Put*"]`, "Condition", `{"StringEquals":{"s3:x-amz-acl":"private"}}`))},
		{"condition key case", doc("", st("Condition", `{"StringEquals":{"AWS:SOURCEARN":"x"}}`))},
		{"tag keys", doc("", st("Condition", `{"StringEquals":{"aws:PrincipalTag/team":"a","s3:ExistingObjectTag/x":"b","aws:ResourceTag/y":"c"}}`))},
		{"set qualifiers and IfExists", doc("", st("Condition", `{"ForAnyValue:StringLikeIfExists":{"aws:PrincipalOrgPaths":"o-1/*"},"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}`))},
		{"every operator", doc("", st("Condition", `{"StringEquals":{"aws:SourceArn":"a"},"StringNotEquals":{"aws:SourceArn":"a"},"StringEqualsIgnoreCase":{"aws:SourceArn":"a"},"StringNotEqualsIgnoreCase":{"aws:SourceArn":"a"},"StringLike":{"aws:SourceArn":"a"},"StringNotLike":{"aws:SourceArn":"a"},"NumericEquals":{"aws:EpochTime":"1"},"NumericNotEquals":{"aws:EpochTime":"1"},"NumericLessThan":{"aws:EpochTime":"1"},"NumericLessThanEquals":{"aws:EpochTime":"1"},"NumericGreaterThan":{"aws:EpochTime":"1"},"NumericGreaterThanEquals":{"aws:EpochTime":"1"},"DateEquals":{"aws:CurrentTime":"2024"},"DateNotEquals":{"aws:CurrentTime":"2024"},"DateLessThan":{"aws:CurrentTime":"2024"},"DateLessThanEquals":{"aws:CurrentTime":"2024"},"DateGreaterThan":{"aws:CurrentTime":"2024"},"DateGreaterThanEquals":{"aws:CurrentTime":"2024"},"Bool":{"aws:SecureTransport":"true"},"BinaryEquals":{"aws:UserAgent":"YQ=="},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"NotIpAddress":{"aws:SourceIp":"::1"},"ArnEquals":{"aws:SourceArn":"a"},"ArnLike":{"aws:SourceArn":"a"},"ArnNotEquals":{"aws:SourceArn":"a"},"ArnNotLike":{"aws:SourceArn":"a"},"Null":{"aws:SourceArn":"true"},"StringEqualsIfExists":{"aws:SourceArn":"a"}}`))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.Parse([]byte(tc.doc), bucket)
			require.NoError(t, err)
			require.NotNil(t, p)
		})
	}
}

func TestParseVersionAndID(t *testing.T) {
	p := mustParse(t, `{"Id":"x","Statement":`+st()+`}`, bucket)
	require.Equal(t, "2008-10-17", p.Version())
	require.Equal(t, "x", p.ID())
	p = mustParse(t, doc("2012-10-17", st()), bucket)
	require.Equal(t, "2012-10-17", p.Version())
}

func TestActions(t *testing.T) {
	for _, a := range []string{
		"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetBucketAcl", "s3:PutBucketAcl",
		"s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:ListBucket",
		"s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload",
		"s3:GetBucketLocation", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration",
		"s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls",
		"s3:GetBucketObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration",
		"s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetObjectTagging", "s3:PutObjectTagging",
		"s3:GetObjectAcl", "s3:PutObjectAcl", "s3:GetBucketVersioning", "s3:PutBucketVersioning",
		"s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:GetBucketLogging",
		"s3:PutBucketLogging", "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
		"s3:GetBucketCORS", "s3:PutBucketCORS", "s3:ListAllMyBuckets", "s3:CreateBucket",
		"s3:DeleteBucket", "s3:GetObjectVersion", "s3:DeleteObjectVersion", "s3:ListBucketVersions",
		"s3:GetObjectAttributes", "s3:RestoreObject", "S3:getobject",
	} {
		require.True(t, policy.ActionKnown(a), a)
	}
	for _, a := range []string{"s3:*", "s3:Get*", "s3:GetObjects", "sqs:SendMessage", "GetObject", ""} {
		require.False(t, policy.ActionKnown(a), a)
	}
	for a, want := range map[string]policy.ResourceType{
		"s3:PutObject":                  policy.ResourceObject,
		"s3:AbortMultipartUpload":       policy.ResourceObject,
		"s3:ListMultipartUploadParts":   policy.ResourceObject,
		"s3:GetBucketAcl":               policy.ResourceBucket,
		"s3:ListBucketMultipartUploads": policy.ResourceBucket,
		"s3:GetLifecycleConfiguration":  policy.ResourceBucket,
		"s3:ListAllMyBuckets":           policy.ResourceNone,
	} {
		got, ok := policy.ActionResourceType(a)
		require.True(t, ok, a)
		require.Equal(t, want, got, a)
	}
}
