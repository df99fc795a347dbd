package policy_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/policy"
)

// The bucket and cluster of the Redshift management guide's examples (seeds/
// redshift-db-auditing.md, "Bucket permissions for Amazon Redshift audit logging").
const (
	auditBucket   = "AuditLogs"
	auditARN      = "arn:aws:s3:::AuditLogs"
	auditLogKey   = "arn:aws:s3:::AuditLogs/AWSLogs/123456789012/redshift/us-east-1/2013/10/29/123456789012_redshift_us-east-1_mycluster_userlog_2013-10-29T18:01.gz"
	myClusterARN  = "arn:aws:redshift:us-east-1:123456789012:cluster:my-cluster"
	otherCluster  = "arn:aws:redshift:us-east-1:123456789012:cluster:other-cluster"
	legacyLogUser = "arn:aws:iam::193672423079:user/logs" // us-east-1 (research/region-accounts.md)
)

// The seed's US East example, verbatim: Version 2008-10-17, no condition.
const seedPolicyUSEast = `{
    "Version": "2008-10-17",
    "Statement": [
        {
            "Sid": "Put bucket policy needed for audit logging",
            "Effect": "Allow",
            "Principal": {
                "Service": "redshift.amazonaws.com"
            },
            "Action": [
                "s3:PutObject",
                "s3:GetBucketAcl"
            ],
            "Resource": [
                "arn:aws:s3:::AuditLogs",
                "arn:aws:s3:::AuditLogs/*"
            ]
        }
    ]
}`

// The seed's confused-deputy example, verbatim: aws:SourceArn names the cluster.
const seedPolicySourceArn = `{
    "Version": "2008-10-17",
    "Statement": [
        {
            "Sid": "Put bucket policy needed for audit logging",
            "Effect": "Allow",
            "Principal": {
                "Service": "redshift.amazonaws.com"
            },
            "Action": [
                "s3:PutObject",
                "s3:GetBucketAcl"
            ],
            "Resource": [
                "arn:aws:s3:::AuditLogs",
                "arn:aws:s3:::AuditLogs/*"
            ],
            "Condition": {
                "StringEquals": {
                    "aws:SourceArn": "arn:aws:redshift:us-east-1:123456789012:cluster:my-cluster"
                }
            }
        }
    ]
}`

// aws:SourceAccount instead (research 3.4, aws-cdk PR #36410).
const policySourceAccount = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "redshift.amazonaws.com"},
    "Action": ["s3:PutObject", "s3:GetBucketAcl"],
    "Resource": ["arn:aws:s3:::AuditLogs", "arn:aws:s3:::AuditLogs/*"],
    "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}
  }]
}`

// terraform-provider-aws testAccLoggingConfig_s3: two statements, one action each (the
// partition and DNS suffix interpolated for the aws partition).
const policyTerraform = `{
  "Version": "2008-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "redshift.amazonaws.com"
      },
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::AuditLogs/*"
    },
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "redshift.amazonaws.com"
      },
      "Action": "s3:GetBucketAcl",
      "Resource": "arn:aws:s3:::AuditLogs"
    }
  ]
}`

// An opt-in region's regional service principal (seed: "redshift.ap-east-1.amazonaws.com for
// the Asia Pacific (Hong Kong) Region").
const policyRegional = `{
  "Version": "2008-10-17",
  "Statement": [{
    "Sid": "Put bucket policy needed for audit logging",
    "Effect": "Allow",
    "Principal": {"Service": "redshift.ap-east-1.amazonaws.com"},
    "Action": ["s3:PutObject", "s3:GetBucketAcl"],
    "Resource": ["arn:aws:s3:::AuditLogs", "arn:aws:s3:::AuditLogs/*"]
  }]
}`

// The 2018 management guide's form: the regional log-delivery user, PutObject on objects and
// GetBucketAcl on the bucket.
const policyLegacy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Put bucket policy needed for audit logging",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::193672423079:user/logs"},
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::AuditLogs/*"
    },
    {
      "Sid": "Get bucket policy needed for audit logging ",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::193672423079:user/logs"},
      "Action": "s3:GetBucketAcl",
      "Resource": "arn:aws:s3:::AuditLogs"
    }
  ]
}`

// The seed's policy plus a Deny of the cluster's uploads.
const policyWithDeny = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Put bucket policy needed for audit logging",
      "Effect": "Allow",
      "Principal": {"Service": "redshift.amazonaws.com"},
      "Action": ["s3:PutObject", "s3:GetBucketAcl"],
      "Resource": ["arn:aws:s3:::AuditLogs", "arn:aws:s3:::AuditLogs/*"]
    },
    {
      "Sid": "NoMoreLogs",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::AuditLogs/AWSLogs/*"
    }
  ]
}`

// The seed's policy without GetBucketAcl.
const policyPutOnly = `{
  "Version": "2008-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "redshift.amazonaws.com"},
    "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::AuditLogs/*"
  }]
}`

// CloudTrail's bucket policy (CloudTrail user guide, create-s3-bucket-policy-for-cloudtrail;
// research 4.5), with the optional prefix and aws:SourceArn.
const policyCloudTrail = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AWSCloudTrailAclCheck20150319",
      "Effect": "Allow",
      "Principal": {"Service": "cloudtrail.amazonaws.com"},
      "Action": "s3:GetBucketAcl",
      "Resource": "arn:aws:s3:::trail-bucket",
      "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/management"}}
    },
    {
      "Sid": "AWSCloudTrailWrite20150319",
      "Effect": "Allow",
      "Principal": {"Service": "cloudtrail.amazonaws.com"},
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::trail-bucket/prefix/AWSLogs/123456789012/*",
      "Condition": {
        "StringEquals": {
          "s3:x-amz-acl": "bucket-owner-full-control",
          "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/management"
        }
      }
    }
  ]
}`

func mustParse(tb testing.TB, doc, bucket string) *policy.Policy {
	tb.Helper()
	p, err := policy.Parse([]byte(doc), bucket)
	require.NoError(tb, err)
	return p
}

func redshift() auth.Principal {
	return auth.ServicePrincipal("redshift.amazonaws.com", myClusterARN, "123456789012")
}

func TestRedshiftPolicies(t *testing.T) {
	put := func(p auth.Principal, aliases ...string) policy.Request {
		return policy.Request{Principal: p, Aliases: aliases, Action: "s3:PutObject", Resource: auditLogKey}
	}
	acl := func(p auth.Principal, aliases ...string) policy.Request {
		return policy.Request{Principal: p, Aliases: aliases, Action: "s3:GetBucketAcl", Resource: auditARN}
	}
	hongKong := auth.ServicePrincipal("redshift.ap-east-1.amazonaws.com", "arn:aws:redshift:ap-east-1:123456789012:cluster:hk", "123456789012")
	otherAccount := auth.ServicePrincipal("redshift.amazonaws.com", "arn:aws:redshift:us-east-1:111122223333:cluster:my-cluster", "111122223333")
	someone, err := auth.NewKey("k", "s", "arn:aws:iam::123456789012:user/alice")
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		doc    string
		req    policy.Request
		want   policy.Decision
		reason string
	}{
		{"seed: PutObject", seedPolicyUSEast, put(redshift()), policy.DecisionAllow, `statement 1, Sid "Put bucket policy needed for audit logging"`},
		{"seed: GetBucketAcl", seedPolicyUSEast, acl(redshift()), policy.DecisionAllow, ""},
		{"seed: another action", seedPolicyUSEast, policy.Request{Principal: redshift(), Action: "s3:DeleteObject", Resource: auditLogKey}, policy.DecisionNone, "no statement applies"},
		{"seed: another service", seedPolicyUSEast, put(auth.ServicePrincipal("cloudtrail.amazonaws.com", "", "")), policy.DecisionNone, ""},
		{"seed: anonymous", seedPolicyUSEast, put(auth.Anonymous()), policy.DecisionNone, ""},
		{"seed: an IAM user", seedPolicyUSEast, put(auth.AccountPrincipal(someone)), policy.DecisionNone, ""},
		{"seed: the regional principal is another name", seedPolicyUSEast, put(hongKong), policy.DecisionNone, ""},

		{"SourceArn: the cluster puts", seedPolicySourceArn, put(redshift()), policy.DecisionAllow, ""},
		{"SourceArn: the cluster reads the ACL", seedPolicySourceArn, acl(redshift()), policy.DecisionAllow, ""},
		{"SourceArn: another cluster", seedPolicySourceArn, put(auth.ServicePrincipal("redshift.amazonaws.com", otherCluster, "123456789012")), policy.DecisionNone, ""},
		{"SourceArn: no source", seedPolicySourceArn, put(auth.ServicePrincipal("redshift.amazonaws.com", "", "")), policy.DecisionNone, ""},
		{"SourceArn: Context wins over the principal", seedPolicySourceArn, policy.Request{Principal: redshift(), Action: "s3:PutObject", Resource: auditLogKey,
			Context: map[string][]string{"aws:SourceArn": {otherCluster}}}, policy.DecisionNone, ""},
		{"SourceArn: key case", seedPolicySourceArn, policy.Request{Principal: auth.ServicePrincipal("redshift.amazonaws.com", "", ""), Action: "s3:PutObject", Resource: auditLogKey,
			Context: map[string][]string{"AWS:SOURCEARN": {myClusterARN}}}, policy.DecisionAllow, ""},

		{"SourceAccount: the account's cluster", policySourceAccount, put(redshift()), policy.DecisionAllow, ""},
		{"SourceAccount: GetBucketAcl", policySourceAccount, acl(redshift()), policy.DecisionAllow, ""},
		{"SourceAccount: another account's cluster", policySourceAccount, put(otherAccount), policy.DecisionNone, ""},

		{"Terraform: PutObject", policyTerraform, put(redshift()), policy.DecisionAllow, "statement 1"},
		{"Terraform: GetBucketAcl", policyTerraform, acl(redshift()), policy.DecisionAllow, "statement 2"},
		{"Terraform: GetBucketAcl on an object", policyTerraform, policy.Request{Principal: redshift(), Action: "s3:GetBucketAcl", Resource: auditLogKey}, policy.DecisionNone, ""},
		{"Terraform: PutObject on the bucket", policyTerraform, policy.Request{Principal: redshift(), Action: "s3:PutObject", Resource: auditARN}, policy.DecisionNone, ""},

		{"regional: the Hong Kong cluster", policyRegional, put(hongKong), policy.DecisionAllow, ""},
		{"regional: GetBucketAcl", policyRegional, acl(hongKong), policy.DecisionAllow, ""},
		{"regional: the global name is not the regional one", policyRegional, put(redshift()), policy.DecisionNone, ""},

		{"legacy: through the alias", policyLegacy, put(redshift(), legacyLogUser), policy.DecisionAllow, ""},
		{"legacy: GetBucketAcl through the alias", policyLegacy, acl(redshift(), legacyLogUser), policy.DecisionAllow, `statement 2, Sid "Get bucket policy needed for audit logging "`},
		{"legacy: no alias", policyLegacy, put(redshift()), policy.DecisionNone, ""},
		{"legacy: another region's user", policyLegacy, put(redshift(), "arn:aws:iam::902366379725:user/logs"), policy.DecisionNone, ""},

		{"Deny wins", policyWithDeny, put(redshift()), policy.DecisionDeny, `statement 2, Sid "NoMoreLogs"`},
		{"Deny does not cover GetBucketAcl", policyWithDeny, acl(redshift()), policy.DecisionAllow, `statement 1, Sid "Put bucket policy needed for audit logging"`},

		{"no GetBucketAcl statement", policyPutOnly, acl(redshift()), policy.DecisionNone, ""},
		{"PutObject only", policyPutOnly, put(redshift()), policy.DecisionAllow, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.doc, auditBucket)
			d, why := p.Explain(tc.req)
			require.Equal(t, tc.want, d, why)
			require.Equal(t, tc.want, p.Evaluate(tc.req))
			if tc.reason != "" {
				require.Equal(t, tc.reason, why)
			}
		})
	}
}

func TestCloudTrailPolicy(t *testing.T) {
	p := mustParse(t, policyCloudTrail, "trail-bucket")
	trail := auth.ServicePrincipal("cloudtrail.amazonaws.com", "arn:aws:cloudtrail:us-east-1:123456789012:trail/management", "123456789012")
	key := "arn:aws:s3:::trail-bucket/prefix/AWSLogs/123456789012/CloudTrail/us-east-1/2015/08/01/123456789012_CloudTrail_us-east-1_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz"
	acl := func(v ...string) map[string][]string {
		if v == nil {
			return nil
		}
		return map[string][]string{"s3:x-amz-acl": v}
	}
	for _, tc := range []struct {
		name string
		req  policy.Request
		want policy.Decision
	}{
		{"GetBucketAcl", policy.Request{Principal: trail, Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::trail-bucket"}, policy.DecisionAllow},
		{"PutObject with bucket-owner-full-control", policy.Request{Principal: trail, Action: "s3:PutObject", Resource: key, Context: acl("bucket-owner-full-control")}, policy.DecisionAllow},
		{"PutObject without x-amz-acl", policy.Request{Principal: trail, Action: "s3:PutObject", Resource: key, Context: acl()}, policy.DecisionNone},
		{"PutObject with another ACL", policy.Request{Principal: trail, Action: "s3:PutObject", Resource: key, Context: acl("private")}, policy.DecisionNone},
		{"PutObject outside the prefix", policy.Request{Principal: trail, Action: "s3:PutObject", Resource: "arn:aws:s3:::trail-bucket/AWSLogs/123456789012/x.json.gz", Context: acl("bucket-owner-full-control")}, policy.DecisionNone},
		{"another trail", policy.Request{Principal: auth.ServicePrincipal("cloudtrail.amazonaws.com", "arn:aws:cloudtrail:us-east-1:123456789012:trail/other", "123456789012"),
			Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::trail-bucket"}, policy.DecisionNone},
		{"Redshift is not CloudTrail", policy.Request{Principal: redshift(), Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::trail-bucket"}, policy.DecisionNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, p.Evaluate(tc.req))
		})
	}
}
