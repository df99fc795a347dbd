package s3fake

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/policy"
)

// denial is an AccessDenied with the reason s3fake tells the refusal log (never the
// client: S3 says only "Access Denied").
type denial struct {
	reason string
}

func (d *denial) Error() string { return "access denied: " + d.reason }
func (d *denial) Unwrap() error { return errAccessDenied }

func deny(format string, args ...any) error {
	return &denial{reason: fmt.Sprintf(format, args...)}
}

// refusalReason is what the refusal log says of err.
func refusalReason(err error) string {
	var d *denial
	if errors.As(err, &d) {
		return d.reason
	}
	var ae *auth.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}

// policyOps are the calls the owner account's root user may make even when the bucket
// policy denies them, so that a policy cannot lock the owner out (S3 user guide,
// "bucket policy ... the root user of the bucket owner's account").
var policyOps = map[string]bool{
	"s3:GetBucketPolicy": true, "s3:PutBucketPolicy": true, "s3:DeleteBucketPolicy": true,
}

// authorize decides a request the way S3 does for one bucket, with identity policies out
// of scope (every key of an account may do what its account may):
//
//   - an explicit Deny in the bucket policy refuses, but for the owner's root user on the
//     policy calls;
//   - the bucket owner's account is allowed;
//   - another principal (another account, a service, anonymous) needs an Allow of the
//     bucket policy, or a grant of the bucket ACL when ACLs are enabled.
//
// Without a bucket (ListBuckets, CreateBucket) any signed account may go on.
func (s *S3) authorize(c *call, action, resource string) error {
	p := c.principal
	if c.attrs == nil {
		if p.Kind == auth.KindAccount {
			return nil
		}
		return deny("%s needs a signed request", action)
	}
	isOwner := p.Kind == auth.KindAccount && p.AccountID == c.attrs.Owner
	decision, why := policy.DecisionNone, ""
	if c.attrs.policy != nil {
		decision, why = c.attrs.policy.Explain(s.policyRequest(c, action, resource))
	}
	switch {
	case decision == policy.DecisionDeny:
		if isOwner && isRoot(p) && policyOps[action] {
			return nil
		}
		return deny("%s on %s by %s: explicit deny in the bucket policy (%s)", action, resource, p.String(), why)
	case isOwner, decision == policy.DecisionAllow:
		return nil
	case s.aclAllows(c, action):
		return nil
	}
	if p.Kind == auth.KindAccount {
		return deny("%s on %s by %s: the bucket belongs to account %s and no statement of its policy allows it",
			action, resource, p.String(), c.attrs.Owner)
	}
	return deny("%s on %s by %s: no statement of the bucket policy allows it", action, resource, p.String())
}

func isRoot(p auth.Principal) bool {
	return p.Kind == auth.KindAccount && strings.HasSuffix(p.ARN, ":root")
}

// policyRequest builds what the policy evaluator sees: the principal, its aliases, and the
// condition keys of the request. The keys of the policy language fakeshift has nothing for
// (organisations, VPC endpoints, tags, MFA, ...) are left out: absent, as IfExists and Null
// see them (README, S3, Authorisation).
func (s *S3) policyRequest(c *call, action, resource string) policy.Request {
	p := c.principal
	r := c.r
	now := s.cfg.Clock.Now()
	owner := []string{c.attrs.Owner}
	keys := map[string][]string{
		"aws:CurrentTime":     {now.Format("2006-01-02T15:04:05Z")},
		"aws:EpochTime":       {strconv.FormatInt(now.Unix(), 10)},
		"aws:SecureTransport": {strconv.FormatBool(r.TLS != nil || c.inProcess)},
		"aws:ResourceAccount": owner,
		"s3:ResourceAccount":  owner,
	}
	if ua := r.UserAgent(); ua != "" {
		keys["aws:UserAgent"] = []string{ua}
	}
	if ref := r.Referer(); ref != "" {
		keys["aws:referer"] = []string{ref}
	}
	if !c.inProcess {
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			keys["aws:SourceIp"] = []string{host}
		}
	}
	if c.scope.AccessKeyID != "" {
		keys["s3:signatureversion"] = []string{"AWS4-HMAC-SHA256"}
		keys["s3:authType"] = []string{"REST-HEADER"}
		if c.scope.Presigned {
			keys["s3:authType"] = []string{"REST-QUERY-STRING"}
		}
	}
	req := policy.Request{Principal: p, Action: action, Resource: resource, Context: keys}
	switch p.Kind {
	case auth.KindAccount:
		// aws:PrincipalAccount and aws:PrincipalArn (the role's ARN for a role session) are
		// filled in by the policy package from the principal.
		req.CanonicalID = s.canonicalID(p.AccountID)
		if p.Key != nil {
			id := p.Key.Identity
			switch id.Type {
			case auth.IdentityIAMUser:
				keys["aws:username"] = []string{id.UserName}
				keys["aws:PrincipalType"] = []string{"User"}
			case auth.IdentityAssumedRole:
				keys["aws:PrincipalType"] = []string{"AssumedRole"}
			default:
				keys["aws:PrincipalType"] = []string{"Account"}
			}
			if id.PrincipalID != "" {
				keys["aws:userid"] = []string{id.PrincipalID}
			}
		}
	case auth.KindService:
		keys["aws:PrincipalServiceName"] = []string{p.Service}
		if p.SourceArn != "" {
			keys["aws:SourceArn"] = []string{p.SourceArn}
		}
		if p.SourceAccount != "" {
			keys["aws:SourceAccount"] = []string{p.SourceAccount}
		}
		req.Aliases = legacyAliases(p, c.attrs.Region)
	}
	h := r.Header
	for _, name := range []string{"x-amz-acl", "x-amz-server-side-encryption",
		"x-amz-server-side-encryption-aws-kms-key-id", "x-amz-content-sha256", "x-amz-copy-source",
		"x-amz-metadata-directive", "x-amz-storage-class", "x-amz-grant-full-control",
		"x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp"} {
		if v := h.Get(name); v != "" {
			keys["s3:"+name] = []string{v}
		}
	}
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		if action == "s3:ListBucket" {
			for _, name := range []string{"prefix", "delimiter", "max-keys"} {
				if q.Has(name) {
					keys["s3:"+name] = []string{q.Get(name)}
				}
			}
		}
		if c.op != nil && c.op.object && q.Has("versionId") {
			keys["s3:VersionId"] = []string{q.Get("versionId")}
		}
	}
	return req
}

// legacyAliases gives the Redshift service principal the legacy principal it had before
// service principals: arn:aws:iam::<Redshift's account for the region>:user/logs (research
// 3.4), so that the 2018-era bucket policies still grant it. The region is the cluster's
// (from the source ARN), else the bucket's.
func legacyAliases(p auth.Principal, bucketRegion string) []string {
	// redshift.amazonaws.com, or redshift.<region>.amazonaws.com in opt-in regions.
	if !strings.HasPrefix(p.Service, "redshift.") || !strings.HasSuffix(p.Service, ".amazonaws.com") {
		return nil
	}
	region := bucketRegion
	if f := strings.Split(p.SourceArn, ":"); len(f) > 3 && f[3] != "" {
		region = f[3]
	}
	acct, ok := auth.RedshiftLogAccount(region)
	if !ok {
		return nil
	}
	return []string{"arn:aws:iam::" + acct + ":user/logs"}
}

// aclAllows reports whether the bucket ACL grants the action, when the bucket's object
// ownership lets ACLs count (not BucketOwnerEnforced).
func (s *S3) aclAllows(c *call, action string) bool {
	if c.attrs.Ownership == ownershipEnforced {
		return false
	}
	need, ok := aclPermissionFor[action]
	if !ok {
		return false
	}
	canonical := ""
	if c.principal.Kind == auth.KindAccount {
		canonical = s.canonicalID(c.principal.AccountID)
	}
	for _, g := range c.attrs.grants(s.canonicalID(c.attrs.Owner)) {
		if g.Permission != need && g.Permission != permFullControl {
			continue
		}
		switch {
		case g.Grantee.URI == groupAllUsers:
			return true
		case g.Grantee.URI == groupAuthenticatedUsers && c.principal.Kind == auth.KindAccount:
			return true
		case g.Grantee.ID != "" && g.Grantee.ID == canonical:
			return true
		}
	}
	return false
}

// aclPermissionFor maps the actions a bucket ACL can grant to the ACL permission needed.
var aclPermissionFor = map[string]string{
	"s3:ListBucket": permRead, "s3:ListBucketVersions": permRead, "s3:ListBucketMultipartUploads": permRead,
	"s3:PutObject": permWrite, "s3:DeleteObject": permWrite,
	"s3:GetBucketAcl": permReadACP, "s3:PutBucketAcl": permWriteACP,
}
