package policy_test

import (
	"errors"
	"testing"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/policy"
)

// FuzzParse: any document parses or is refused with a MalformedPolicy *Error, never panics,
// and the same way twice; an accepted policy evaluates any request (the fuzzed value in its
// resource, its condition keys and its policy variables) without panicking, with Evaluate
// and Explain agreeing. Interesting inputs the fuzzer found are kept in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, d := range []string{
		seedPolicyUSEast, seedPolicySourceArn, policySourceAccount, policyTerraform,
		policyRegional, policyLegacy, policyWithDeny, policyPutOnly, policyTypical,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::AuditLogs/home/${aws:username, 'x'}/${*}*","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}}}`,
		`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::123456789012:assumed-role/r/s","arn:aws:iam::123456789012:role/r","123456789012"]},"NotAction":"s3:Get*","NotResource":"arn:aws:s3:::AuditLogs/public/?"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::AuditLogs","Condition":{"NumericLessThanEquals":{"s3:max-keys":10},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]},"ArnLike":{"aws:SourceArn":"arn:aws:*:*:*:*"},"Null":{"aws:TokenIssueTime":"true"},"BinaryEquals":{"aws:UserAgent":"YQ=="},"ForAllValues:StringEquals":{"aws:TagKeys":["a"]},"ForAnyValue:StringNotLikeIfExists":{"aws:CalledVia":"x*"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::AuditLogs/*"},]}`,
		`{"Version":"2012-10-17","Version":"2008-10-17","Statement":[]}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":[]},"Action":[],"Resource":"*"}]}`,
		"",
		" {}",
		"{}",
		`{"Statement":{}}`,
	} {
		f.Add([]byte(d), "alice")
	}
	f.Add([]byte(seedPolicySourceArn), myClusterARN)
	f.Add([]byte(policyTypical), "")

	f.Fuzz(func(t *testing.T, doc []byte, value string) {
		p, err := policy.Parse(doc, auditBucket)
		if err != nil {
			var pe *policy.Error
			if !errors.As(err, &pe) || pe.Code != policy.CodeMalformedPolicy || pe.Message == "" {
				t.Fatalf("Parse error %#v is not a MalformedPolicy *Error", err)
			}
			if p != nil {
				t.Fatal("Parse returned a policy and an error")
			}
			_, err2 := policy.Parse(doc, auditBucket)
			if err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Parse is not deterministic: %v, then %v", err, err2)
			}
			return
		}
		if p == nil {
			t.Fatal("Parse returned neither a policy nor an error")
		}
		key, err := auth.NewKey("k", "s", "arn:aws:sts::123456789012:assumed-role/r/s")
		if err != nil {
			t.Fatal(err)
		}
		principals := []auth.Principal{
			auth.Anonymous(),
			auth.AccountPrincipal(key),
			redshift(),
			auth.ServicePrincipal("redshift.amazonaws.com", value, value),
		}
		ctx := map[string][]string{
			"aws:username":    {value},
			"aws:userid":      {value, value + "2"},
			"aws:SourceArn":   {value},
			"aws:SourceIp":    {value},
			"aws:CurrentTime": {value},
			"aws:EpochTime":   {value},
			"s3:prefix":       {value},
			"s3:max-keys":     {value},
			"aws:TagKeys":     {value, "a"},
			"aws:UserAgent":   {value},
			"s3:x-amz-acl":    {value},
		}
		for _, pr := range principals {
			for _, action := range []string{"s3:PutObject", "s3:GetBucketAcl", "s3:ListBucket", value} {
				for _, res := range []string{auditARN, auditLogKey, auditARN + "/" + value, value} {
					for _, c := range []map[string][]string{nil, ctx} {
						r := policy.Request{Principal: pr, Aliases: []string{legacyLogUser, value}, CanonicalID: value,
							Action: action, Resource: res, Context: c}
						d := p.Evaluate(r)
						d2, why := p.Explain(r)
						if d != d2 || why == "" {
							t.Fatalf("Evaluate %v, Explain %v %q", d, d2, why)
						}
					}
				}
			}
		}
	})
}
