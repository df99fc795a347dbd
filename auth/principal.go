package auth

import (
	"context"
	"log/slog"
)

// Kind is the kind of a principal.
type Kind int

// The kinds of principal. The zero Kind is Anonymous, so a zero Principal grants nothing.
const (
	KindAnonymous Kind = iota // an unsigned request
	KindAccount               // a signed request: a key of an account (root, IAM user or role session)
	KindService               // an AWS service acting in process (redshift.amazonaws.com, ...)
)

func (k Kind) String() string {
	switch k {
	case KindAnonymous:
		return "Anonymous"
	case KindAccount:
		return "Account"
	case KindService:
		return "Service"
	}
	return "Kind(?)"
}

// Principal is who makes a request, as a policy evaluator sees it.
type Principal struct {
	Kind Kind
	// AccountID is the account of a KindAccount principal.
	AccountID string
	// ARN is the identity's ARN for KindAccount (arn:aws:iam::<acct>:root, an IAM user's or
	// an assumed role's ARN); empty otherwise.
	ARN string
	// Service is the service principal's name for KindService ("redshift.amazonaws.com").
	Service string
	// SourceArn and SourceAccount are, for a service principal acting for a resource, the
	// aws:SourceArn and aws:SourceAccount condition keys (the cluster ARN and its account).
	SourceArn     string
	SourceAccount string
	// Key is the access key a KindAccount principal signed with (a copy), nil otherwise.
	Key *Key
}

// Anonymous returns the principal of an unsigned request.
func Anonymous() Principal { return Principal{Kind: KindAnonymous} }

// AccountPrincipal returns the principal that signs with key k.
func AccountPrincipal(k Key) Principal {
	kc := k
	return Principal{Kind: KindAccount, AccountID: k.AccountID, ARN: k.Identity.ARN, Key: &kc}
}

// ServicePrincipal returns an AWS service principal acting for the resource sourceArn in
// account sourceAccount (either may be empty).
func ServicePrincipal(service, sourceArn, sourceAccount string) Principal {
	return Principal{Kind: KindService, Service: service, SourceArn: sourceArn, SourceAccount: sourceAccount}
}

// IsAnonymous reports whether p is the anonymous principal.
func (p Principal) IsAnonymous() bool { return p.Kind == KindAnonymous }

// String names the principal: "anonymous", its ARN, or "service:<name>".
func (p Principal) String() string {
	switch p.Kind {
	case KindAccount:
		return p.ARN
	case KindService:
		return "service:" + p.Service
	}
	return "anonymous"
}

// LogValue logs the principal without any secret.
func (p Principal) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kind", p.Kind.String())}
	switch p.Kind {
	case KindAccount:
		attrs = append(attrs, slog.String("arn", p.ARN), slog.String("account_id", p.AccountID))
		if p.Key != nil {
			attrs = append(attrs, slog.String("access_key_id", p.Key.AccessKeyID))
		}
	case KindService:
		attrs = append(attrs, slog.String("service", p.Service))
		if p.SourceArn != "" {
			attrs = append(attrs, slog.String("source_arn", p.SourceArn))
		}
		if p.SourceAccount != "" {
			attrs = append(attrs, slog.String("source_account", p.SourceAccount))
		}
	}
	return slog.GroupValue(attrs...)
}

type principalKey struct{}

// WithPrincipal returns a context that carries p, for in-process callers (a service
// principal) whose requests are not signed.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal WithPrincipal put in ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
