package policy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/policy"
)

// A typical audit-log bucket: TLS required, Redshift's statement with aws:SourceArn, and
// CloudTrail's two statements.
const policyTypical = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::AuditLogs", "arn:aws:s3:::AuditLogs/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    },
    {
      "Sid": "Put bucket policy needed for audit logging",
      "Effect": "Allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": ["s3:PutObject", "s3:GetBucketAcl"],
      "Resource": ["arn:aws:s3:::AuditLogs", "arn:aws:s3:::AuditLogs/*"],
      "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:redshift:us-east-1:123456789012:cluster:my-cluster"}}
    },
    {
      "Sid": "AWSCloudTrailAclCheck",
      "Effect": "Allow",
      "Principal": {"Service": "cloudtrail.amazonaws.com"},
      "Action": "s3:GetBucketAcl",
      "Resource": "arn:aws:s3:::AuditLogs"
    },
    {
      "Sid": "AWSCloudTrailWrite",
      "Effect": "Allow",
      "Principal": {"Service": "cloudtrail.amazonaws.com"},
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::AuditLogs/AWSLogs/123456789012/*",
      "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
    }
  ]
}`

// redshiftRequest is the request s3fake builds for a Redshift log upload: the condition keys
// of s3fake's policyRequest for an in-process service principal.
func redshiftRequest() policy.Request {
	return policy.Request{
		Principal: redshift(),
		Aliases:   []string{legacyLogUser},
		Action:    "s3:PutObject",
		Resource:  auditLogKey,
		Context: map[string][]string{
			"aws:CurrentTime":          {"2024-03-01T12:00:00Z"},
			"aws:EpochTime":            {"1709294400"},
			"aws:SecureTransport":      {"true"},
			"s3:ResourceAccount":       {"123456789012"},
			"aws:PrincipalServiceName": {"redshift.amazonaws.com"},
			"aws:SourceArn":            {myClusterARN},
			"aws:SourceAccount":        {"123456789012"},
		},
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	p := mustParse(t, policyTypical, auditBucket)
	r := redshiftRequest()
	require.Equal(t, policy.DecisionAllow, p.Evaluate(r))
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = p.Explain(r)
	})
	require.Zero(t, allocs)

	denied := r
	denied.Context = map[string][]string{"aws:SecureTransport": {"false"}}
	require.Equal(t, policy.DecisionDeny, p.Evaluate(denied))
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = p.Evaluate(denied) }))

	other := r
	other.Principal = auth.Anonymous()
	require.Equal(t, policy.DecisionNone, p.Evaluate(other))
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = p.Evaluate(other) }))
}

func BenchmarkEvaluate(b *testing.B) {
	for _, bc := range []struct {
		name string
		doc  string
		req  policy.Request
		want policy.Decision
	}{
		{"RedshiftSeed", seedPolicySourceArn, redshiftRequest(), policy.DecisionAllow},
		{"Typical/RedshiftPut", policyTypical, redshiftRequest(), policy.DecisionAllow},
		{"Typical/Anonymous", policyTypical, func() policy.Request {
			r := redshiftRequest()
			r.Principal, r.Aliases = auth.Anonymous(), nil
			return r
		}(), policy.DecisionNone},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := mustParse(b, bc.doc, auditBucket)
			b.ReportAllocs()
			for b.Loop() {
				if p.Evaluate(bc.req) != bc.want {
					b.Fatal("unexpected decision")
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	doc := []byte(policyTypical)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Parse(doc, auditBucket); err != nil {
			b.Fatal(err)
		}
	}
}
