package policy

import (
	"strings"

	"github.com/fakeshift/fakeshift/auth"
)

// principals is a compiled Principal or NotPrincipal element.
//
// What each entry matches (IAM user guide, "AWS JSON policy elements: Principal"):
//   - "*", or {"AWS": "*"}: everyone, anonymous requests and AWS services included ("For
//     resource-based policies, such as Amazon S3 bucket policies, a wildcard (*) in the
//     principal element specifies all users or public access. The following elements are
//     equivalent: "Principal": "*", "Principal" : { "AWS" : "*" }");
//   - {"AWS": "123456789012"} or {"AWS": "arn:aws:iam::123456789012:root"}: the account, that
//     is every identity of it (root user, IAM users, role sessions). Naming an account
//     delegates to it, and its identities then need their own identity-based permissions;
//     those are out of scope here, so every identity of the account is taken to have them;
//   - {"AWS": "arn:aws:iam::123456789012:user/Bob"}: that user;
//   - {"AWS": "arn:aws:iam::123456789012:role/R"}: the role's sessions
//     (arn:aws:sts::123456789012:assumed-role/R/<session>); a role path is not part of the
//     session ARN, so the role's name decides;
//   - {"AWS": "arn:aws:sts::123456789012:assumed-role/R/S"}: that session;
//   - {"Service": "redshift.amazonaws.com"}: that service principal (exact name; the
//     regional redshift.ap-east-1.amazonaws.com is another name);
//   - {"CanonicalUser": "<64 hex>"}: the account whose canonical user id it is (S3 names
//     accounts by canonical id; Request.CanonicalID);
//   - {"Federated": ...}: web identity / SAML users, which fakeshift does not have: never.
//
// A request's Aliases are matched as AWS identities: an alias ARN matches its own ARN and
// the account in it.
type principals struct {
	any       bool
	accounts  []string // 12-digit account ids
	arns      []string // user, session, federated-user and CloudFront OAI ARNs
	roles     []roleRef
	services  []string
	canonical []string
	federated []string
}

type roleRef struct{ account, name string }

// compilePrincipal parses a Principal / NotPrincipal value; the *Error is S3's refusal.
func compilePrincipal(v jval) (*principals, *Error) {
	p := &principals{}
	switch v.kind {
	case jString:
		switch v.str {
		case "*":
			p.any = true
			return p, nil
		case "":
			return nil, malformed(msgEmptyPrincipal)
		}
		return nil, malformed(msgInvalidPrincipal)
	case jObject:
		if len(v.obj) == 0 {
			return nil, malformed(msgEmptyPrincipal)
		}
		for _, m := range v.obj {
			switch m.name {
			case "AWS", "Service", "CanonicalUser", "Federated":
			default:
				return nil, malformed(msgInvalidPrincipal)
			}
			var values []string
			switch m.val.kind {
			case jString:
				values = []string{m.val.str}
			case jArray:
				if len(m.val.arr) == 0 {
					return nil, malformed(msgEmptyPrincipal)
				}
				for _, e := range m.val.arr {
					if e.kind != jString {
						return nil, malformed(msgInvalidPrincipal)
					}
					values = append(values, e.str)
				}
			default:
				return nil, malformed(msgInvalidPrincipal)
			}
			for _, s := range values {
				if s == "" {
					return nil, malformed(msgEmptyPrincipal)
				}
				var ok bool
				switch m.name {
				case "AWS":
					ok = p.addAWS(s)
				case "Service":
					ok = validService(s)
					p.services = append(p.services, s)
				case "CanonicalUser":
					ok = validCanonicalID(s)
					p.canonical = append(p.canonical, s)
				case "Federated":
					ok = !strings.ContainsAny(s, "*?")
					p.federated = append(p.federated, s)
				}
				if !ok {
					return nil, malformed(msgInvalidPrincipal)
				}
			}
		}
		return p, nil
	}
	return nil, malformed(msgInvalidPrincipal)
}

// addAWS adds an "AWS" principal entry, reporting whether it is one S3 accepts. S3 also
// refuses users and roles that do not exist (it stores their unique ids); fakeshift cannot
// know, and accepts every well-formed ARN. "you can use * only to specify everyone/anonymous.
// You cannot use it to specify part of a name or ARN" (IAM grammar notes).
func (p *principals) addAWS(s string) bool {
	if s == "*" {
		p.any = true
		return true
	}
	if strings.ContainsAny(s, "*?") {
		return false
	}
	if isAccountID(s) {
		p.accounts = append(p.accounts, s)
		return true
	}
	partition, service, account, resource, ok := splitARN(s)
	if !ok || !validPartition(partition) {
		return false
	}
	switch service {
	case "iam":
		if account == "cloudfront" {
			// A CloudFront origin access identity, as the S3 user guide writes it (spaces) and
			// as terraform-aws-cloudfront-s3-cdn#50 saw S3 want it in 2019 (underscores).
			if strings.HasPrefix(resource, "user/CloudFront Origin Access Identity ") ||
				strings.HasPrefix(resource, "user/CloudFront_Origin_Access_Identity_") {
				p.arns = append(p.arns, s)
				return true
			}
			return false
		}
		if !isAccountID(account) {
			return false
		}
		switch {
		case resource == "root":
			p.accounts = append(p.accounts, account)
			return true
		case strings.HasPrefix(resource, "user/") && validPath(resource[len("user/"):]):
			p.arns = append(p.arns, s)
			return true
		case strings.HasPrefix(resource, "role/") && validPath(resource[len("role/"):]):
			path := resource[len("role/"):]
			p.roles = append(p.roles, roleRef{account: account, name: path[strings.LastIndexByte(path, '/')+1:]})
			return true
		}
	case "sts":
		if !isAccountID(account) {
			return false
		}
		if rest, ok := strings.CutPrefix(resource, "assumed-role/"); ok {
			role, session, ok := strings.Cut(rest, "/")
			if ok && role != "" && session != "" && !strings.Contains(session, "/") {
				p.arns = append(p.arns, s)
				return true
			}
			return false
		}
		if name, ok := strings.CutPrefix(resource, "federated-user/"); ok && name != "" {
			p.arns = append(p.arns, s)
			return true
		}
	}
	return false
}

// splitARN splits arn:partition:service:region:account:resource; the region must be empty
// (IAM and STS ARNs have none).
func splitARN(s string) (partition, service, account, resource string, ok bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return "", "", "", "", false
	}
	var region string
	f := [4]*string{&partition, &service, &region, &account}
	for _, dst := range f {
		var part string
		part, rest, ok = strings.Cut(rest, ":")
		if !ok {
			return "", "", "", "", false
		}
		*dst = part
	}
	if region != "" || rest == "" {
		return "", "", "", "", false
	}
	return partition, service, account, rest, true
}

func validPartition(p string) bool { return p == "aws" || p == "aws-cn" || p == "aws-us-gov" }

// validPath: a user or role name, with an optional path ("division_abc/subdivision/Bob").
func validPath(s string) bool {
	return s != "" && !strings.HasSuffix(s, "/") && !strings.Contains(s, "//")
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validService: an AWS service principal name, "<service>.amazonaws.com" (or the China
// regions' ".amazonaws.com.cn"), possibly regional ("redshift.ap-east-1.amazonaws.com").
// UNVERIFIED which names S3 refuses; this accepts any name of that shape.
func validService(s string) bool {
	ls := strings.ToLower(s)
	var host string
	switch {
	case strings.HasSuffix(ls, ".amazonaws.com"):
		host = strings.TrimSuffix(ls, ".amazonaws.com")
	case strings.HasSuffix(ls, ".amazonaws.com.cn"):
		host = strings.TrimSuffix(ls, ".amazonaws.com.cn")
	default:
		return false
	}
	if host == "" || host[0] == '.' || host[len(host)-1] == '.' {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// validCanonicalID: 64 hex digits.
func validCanonicalID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := lower(s[i])
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// match reports whether the element names the request's principal (Principal semantics).
func (p *principals) match(r *Request) bool {
	if p.any {
		return true
	}
	pr := &r.Principal
	switch pr.Kind {
	case auth.KindAccount:
		if p.hasAccount(pr.AccountID) || p.hasCanonical(r.CanonicalID) || p.hasARN(pr.ARN) || p.hasRoleOf(pr.ARN) {
			return true
		}
	case auth.KindService:
		for _, s := range p.services {
			if strings.EqualFold(s, pr.Service) {
				return true
			}
		}
	}
	for _, a := range r.Aliases {
		if p.hasAccount(arnAccount(a)) || p.hasARN(a) || p.hasRoleOf(a) {
			return true
		}
	}
	return false
}

// excludes reports whether a NotPrincipal element names the request's principal so that the
// statement does not apply to it. AWS may check each level of the principal: "AWS might
// validate the account first, then the role, and then the assumed-role user", which is
// why the IAM user guide (NotPrincipal) has a Deny with NotPrincipal name the user's or the
// session's ARN together with the role's and the account's: fakeshift excludes a principal
// only when every level of it is named (the account, by id, root ARN or canonical id; the
// role, for a session; the user or session itself). A service principal is excluded by its
// name, or when one of its aliases is excluded as an AWS identity.
func (p *principals) excludes(r *Request) bool {
	if p.any {
		return true
	}
	pr := &r.Principal
	switch pr.Kind {
	case auth.KindAccount:
		return p.excludesIdentity(pr.AccountID, pr.ARN, r.CanonicalID)
	case auth.KindService:
		for _, s := range p.services {
			if strings.EqualFold(s, pr.Service) {
				return true
			}
		}
		for _, a := range r.Aliases {
			if p.excludesIdentity(arnAccount(a), a, "") {
				return true
			}
		}
	}
	return false
}

func (p *principals) excludesIdentity(account, arn, canonical string) bool {
	if !p.hasAccount(account) && !p.hasCanonical(canonical) {
		return false
	}
	if arn == "" || strings.HasSuffix(arn, ":root") {
		return true
	}
	if isSession(arn) && !p.hasRoleOf(arn) {
		return false
	}
	return p.hasARN(arn)
}

func (p *principals) hasAccount(id string) bool {
	if id == "" {
		return false
	}
	for _, a := range p.accounts {
		if a == id {
			return true
		}
	}
	return false
}

func (p *principals) hasCanonical(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range p.canonical {
		if strings.EqualFold(c, id) {
			return true
		}
	}
	return false
}

func (p *principals) hasARN(arn string) bool {
	if arn == "" {
		return false
	}
	for _, a := range p.arns {
		if a == arn {
			return true
		}
	}
	return false
}

// hasRoleOf reports whether arn is a session (arn:<partition>:sts::<acct>:assumed-role/<role>/<s>)
// of a role the element names.
func (p *principals) hasRoleOf(arn string) bool {
	if len(p.roles) == 0 {
		return false
	}
	_, service, account, resource, ok := splitARN(arn)
	if !ok || service != "sts" {
		return false
	}
	rest, ok := strings.CutPrefix(resource, "assumed-role/")
	if !ok {
		return false
	}
	role, _, ok := strings.Cut(rest, "/")
	if !ok {
		return false
	}
	for _, rr := range p.roles {
		if rr.account == account && rr.name == role {
			return true
		}
	}
	return false
}

func isSession(arn string) bool {
	_, service, _, resource, ok := splitARN(arn)
	return ok && service == "sts" && strings.HasPrefix(resource, "assumed-role/")
}

// arnAccount returns the account field of an ARN, "" if it is not one.
func arnAccount(arn string) string {
	_, _, account, _, ok := splitARN(arn)
	if !ok {
		return ""
	}
	return account
}
