// Package policy owns S3 bucket policies: parsing and validating a policy document the way
// S3's PutBucketPolicy does (S3's MalformedPolicy messages, the 20 KB limit, the bucket's
// resources only, S3's actions and condition keys), and evaluating a request against it
// the way AWS evaluates one resource-based policy: an explicit Deny wins, an Allow needs a
// statement whose action, resource, principal and condition all match, and otherwise the
// policy decides nothing (DecisionNone, the implicit deny).
//
// It knows the policy language of the IAM user guide as S3 uses it: Version 2008-10-17 and
// 2012-10-17 (policy variables, ${aws:username} and the ${*} ${?} ${$} escapes, only in the
// latter); Principal and NotPrincipal with "*", AWS accounts, IAM users, roles and role
// sessions, service principals (redshift.amazonaws.com, the regional
// redshift.ap-east-1.amazonaws.com), canonical users and federated principals; Action and
// NotAction with wildcards, over the S3 actions of the Service Authorization Reference and
// their resource types (ActionKnown, ActionResourceType); Resource and NotResource with
// wildcards; and every condition operator with IfExists and the ForAllValues / ForAnyValue
// qualifiers. The sources of what it does, and what it had to choose where AWS says nothing
// public, are written next to the code; errors.go lists which refusal messages were seen
// from real S3 and which are fakeshift's (UNVERIFIED).
//
// It does not own who the principal is (auth builds the auth.Principal), which condition
// keys a request carries (s3fake fills Request.Context), nor what S3 decides outside the
// bucket policy: the bucket owner's rights, ACLs, Block Public Access and Object Ownership
// are s3fake's. Identity-based policies, service control and resource control policies,
// permission boundaries, session policies and VPC endpoint policies are out of scope: the
// policy here is the only one evaluated, so an account principal it names is taken to be
// allowed by its own account.
//
// A Policy is compiled once by Parse (wildcards and values pre-compiled) and is safe for
// concurrent use; Evaluate and Explain run on every S3 request and do not allocate, but to
// resolve policy variables (and to derive a role session's aws:PrincipalArn when Context
// lacks it).
package policy
