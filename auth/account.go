package auth

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// The built-in accounts and keys (see the package doc).
const (
	DefaultAccountID       = "123456789012"
	DefaultAccessKeyID     = "test"
	DefaultSecretAccessKey = "test"

	SecondAccountID       = "111122223333"
	SecondAccessKeyID     = "other"
	SecondSecretAccessKey = "other"
)

// Account is an AWS account.
type Account struct {
	// ID is the 12-digit account id.
	ID string
	// CanonicalID is the 64-hex canonical user id S3 shows as a bucket or object Owner.
	// Empty means CanonicalUserID(ID).
	CanonicalID string
	// DisplayName is S3's Owner DisplayName. Empty means "fakeshift-<ID>".
	DisplayName string
}

// canonicalIDLabel prefixes the account id in the canonical user id hash, so that the id is
// stable across restarts and does not look like a bare hash of the account id.
const canonicalIDLabel = "fakeshift canonical user id\x00"

// CanonicalUserID is the canonical user id fakeshift gives an account: the hex SHA-256 of a
// fixed label and the account id, so the same account always has the same id.
func CanonicalUserID(accountID string) string {
	sum := sha256.Sum256([]byte(canonicalIDLabel + accountID))
	return hex.EncodeToString(sum[:])
}

var (
	accountIDPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	canonicalIDPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// An access key id names the key in a credential scope: no '/', no ',', no spaces.
	accessKeyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.\-+=@]{1,128}$`)
)

func (a Account) normalize() (Account, error) {
	if !accountIDPattern.MatchString(a.ID) {
		return a, fmt.Errorf("account id %q must be 12 digits", a.ID)
	}
	if a.CanonicalID == "" {
		a.CanonicalID = CanonicalUserID(a.ID)
	}
	if !canonicalIDPattern.MatchString(a.CanonicalID) {
		return a, fmt.Errorf("account %s: canonical id %q must be 64 lower-case hex digits", a.ID, a.CanonicalID)
	}
	if a.DisplayName == "" {
		a.DisplayName = "fakeshift-" + a.ID
	}
	return a, nil
}

// IdentityType is the CloudTrail userIdentity type of a key's owner.
type IdentityType string

// The identity types a key can have.
const (
	IdentityRoot        IdentityType = "Root"
	IdentityIAMUser     IdentityType = "IAMUser"
	IdentityAssumedRole IdentityType = "AssumedRole"
)

// Identity is who a key belongs to, as CloudTrail's userIdentity and IAM policies see it.
type Identity struct {
	Type IdentityType
	// ARN: arn:aws:iam::<acct>:root, arn:aws:iam::<acct>:user/<path/><name>,
	// arn:aws:sts::<acct>:assumed-role/<role>/<session>.
	ARN string
	// PrincipalID: the account id for Root, AIDA… for an IAM user, AROA…:<session> for an
	// assumed role. Empty means one derived from the ARN, stable across restarts.
	PrincipalID string
	// UserName: the user's name for IAMUser, empty for Root; for AssumedRole, the role name
	// (CloudTrail puts it in sessionContext.sessionIssuer.userName).
	UserName string
}

// SessionIssuer is the role an AssumedRole identity's session was issued by (CloudTrail
// userIdentity.sessionContext.sessionIssuer).
type SessionIssuer struct {
	Type        string // "Role"
	PrincipalID string // AROA…
	ARN         string // arn:aws:iam::<acct>:role/<role>
	AccountID   string
	UserName    string // the role name
}

// SessionIssuer returns the issuing role of an AssumedRole identity, derived from its ARN
// and PrincipalID (a role path, which the assumed-role ARN does not carry, is lost).
func (id Identity) SessionIssuer() (SessionIssuer, bool) {
	if id.Type != IdentityAssumedRole {
		return SessionIssuer{}, false
	}
	acct, rest, ok := splitARN(id.ARN, "sts")
	if !ok {
		return SessionIssuer{}, false
	}
	role, _, _ := strings.Cut(strings.TrimPrefix(rest, "assumed-role/"), "/")
	pid, _, _ := strings.Cut(id.PrincipalID, ":")
	return SessionIssuer{
		Type:        "Role",
		PrincipalID: pid,
		ARN:         "arn:aws:iam::" + acct + ":role/" + role,
		AccountID:   acct,
		UserName:    role,
	}, true
}

// RootIdentity is the identity of an account's root user.
func RootIdentity(accountID string) Identity {
	return Identity{Type: IdentityRoot, ARN: "arn:aws:iam::" + accountID + ":root", PrincipalID: accountID}
}

// IdentityFromARN derives an identity from its ARN, with a principal id derived from the
// ARN: arn:aws:iam::<acct>:root (Root), arn:aws:iam::<acct>:user/[path/]<name> (IAMUser),
// arn:aws:sts::<acct>:assumed-role/<role>/<session> (AssumedRole). It returns the account id
// too.
func IdentityFromARN(arn string) (Identity, string, error) {
	if acct, rest, ok := splitARN(arn, "iam"); ok {
		switch {
		case rest == "root":
			return RootIdentity(acct), acct, nil
		case strings.HasPrefix(rest, "user/") && !strings.HasSuffix(rest, "/"):
			name := rest[strings.LastIndexByte(rest, '/')+1:]
			return Identity{Type: IdentityIAMUser, ARN: arn, PrincipalID: derivedID("AIDA", arn), UserName: name}, acct, nil
		}
	}
	if acct, rest, ok := splitARN(arn, "sts"); ok {
		if parts := strings.Split(rest, "/"); len(parts) == 3 && parts[0] == "assumed-role" && parts[1] != "" && parts[2] != "" {
			roleARN := "arn:aws:iam::" + acct + ":role/" + parts[1]
			return Identity{
				Type:        IdentityAssumedRole,
				ARN:         arn,
				PrincipalID: derivedID("AROA", roleARN) + ":" + parts[2],
				UserName:    parts[1],
			}, acct, nil
		}
	}
	return Identity{}, "", fmt.Errorf("identity ARN %q is not an account root, IAM user or assumed role", arn)
}

// splitARN splits arn:aws:<service>::<acct>:<rest>.
func splitARN(arn, service string) (acct, rest string, ok bool) {
	s, ok := strings.CutPrefix(arn, "arn:aws:"+service+"::")
	if !ok {
		return "", "", false
	}
	acct, rest, ok = strings.Cut(s, ":")
	if !ok || !accountIDPattern.MatchString(acct) || rest == "" {
		return "", "", false
	}
	return acct, rest, true
}

// derivedID makes an IAM unique id (prefix + 17 upper-case base32 characters) from a hash
// of the ARN, so a configured identity keeps its id across restarts.
func derivedID(prefix, arn string) string {
	sum := sha256.Sum256([]byte("fakeshift principal id\x00" + arn))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

func (id Identity) normalize(accountID string) (Identity, error) {
	if id == (Identity{}) {
		return RootIdentity(accountID), nil
	}
	if id.ARN == "" {
		return id, errors.New("identity has no ARN")
	}
	derived, acct, err := IdentityFromARN(id.ARN)
	if err != nil {
		return id, err
	}
	if acct != accountID {
		return id, fmt.Errorf("identity %s is not in account %s", id.ARN, accountID)
	}
	if id.Type == "" {
		id.Type = derived.Type
	}
	if id.Type != derived.Type {
		return id, fmt.Errorf("identity %s: type %s does not match its ARN (%s)", id.ARN, id.Type, derived.Type)
	}
	if id.PrincipalID == "" {
		id.PrincipalID = derived.PrincipalID
	}
	if id.UserName == "" {
		id.UserName = derived.UserName
	}
	return id, nil
}

// Key is an access key: its id and secret, the account it authenticates as, and the
// identity it stands for. Its String, GoString and LogValue leave the secret out.
type Key struct {
	AccessKeyID     string
	SecretAccessKey string
	AccountID       string
	// Identity is who the key is for. The zero Identity means the account's root user.
	Identity Identity
}

// NewKey returns a key for the identity named by identityARN (see IdentityFromARN), in
// that identity's account. An empty identityARN is an error: use a Key literal with
// AccountID for a root key.
func NewKey(accessKeyID, secretAccessKey, identityARN string) (Key, error) {
	id, acct, err := IdentityFromARN(identityARN)
	if err != nil {
		return Key{}, err
	}
	return Key{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, AccountID: acct, Identity: id}, nil
}

// String describes the key without its secret.
func (k Key) String() string {
	return "Key{" + k.AccessKeyID + " account " + k.AccountID + " " + string(k.Identity.Type) + " " + k.Identity.ARN + "}"
}

// GoString is String, so that %#v does not print the secret either.
func (k Key) GoString() string { return k.String() }

// LogValue logs the key without its secret.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", k.AccessKeyID),
		slog.String("account_id", k.AccountID),
		slog.String("identity", k.Identity.ARN),
	)
}

func (k Key) normalize() (Key, error) {
	if !accessKeyIDPattern.MatchString(k.AccessKeyID) {
		return k, fmt.Errorf("access key id %q: want 1-128 characters of A-Z a-z 0-9 _ . - + = @", k.AccessKeyID)
	}
	if k.SecretAccessKey == "" {
		return k, fmt.Errorf("access key %s has no secret", k.AccessKeyID)
	}
	if !accountIDPattern.MatchString(k.AccountID) {
		return k, fmt.Errorf("access key %s: account id %q must be 12 digits", k.AccessKeyID, k.AccountID)
	}
	id, err := k.Identity.normalize(k.AccountID)
	if err != nil {
		return k, fmt.Errorf("access key %s: %w", k.AccessKeyID, err)
	}
	k.Identity = id
	return k, nil
}

// Directory holds the accounts and their keys. It is safe for concurrent use.
type Directory struct {
	mu          sync.RWMutex
	accounts    map[string]Account // by account id
	byCanonical map[string]string  // canonical id -> account id
	keys        map[string]Key     // by access key id
}

// NewDirectory returns a directory of the given accounts and keys. An account a key names
// but the list lacks is added with default canonical id and display name. Invalid or
// duplicate entries are an error.
func NewDirectory(accounts []Account, keys []Key) (*Directory, error) {
	d := &Directory{accounts: map[string]Account{}, byCanonical: map[string]string{}, keys: map[string]Key{}}
	var errs []error
	for _, a := range accounts {
		if _, err := d.AddAccount(a); err != nil {
			errs = append(errs, err)
		}
	}
	for _, k := range keys {
		if _, ok := d.Key(k.AccessKeyID); ok {
			errs = append(errs, fmt.Errorf("access key %s is listed twice", k.AccessKeyID))
			continue
		}
		if err := d.AddKey(k); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("auth directory: %w", err)
	}
	return d, nil
}

// DefaultAccounts and DefaultKeys are the built-in identities for a default account id
// (empty means DefaultAccountID): test/test is the root user of accountID, other/other the
// root user of SecondAccountID.
func DefaultAccounts(accountID string) []Account {
	if accountID == "" {
		accountID = DefaultAccountID
	}
	if accountID == SecondAccountID {
		return []Account{{ID: accountID}}
	}
	return []Account{{ID: accountID}, {ID: SecondAccountID}}
}

// DefaultKeys: see DefaultAccounts.
func DefaultKeys(accountID string) []Key {
	if accountID == "" {
		accountID = DefaultAccountID
	}
	return []Key{
		{AccessKeyID: DefaultAccessKeyID, SecretAccessKey: DefaultSecretAccessKey, AccountID: accountID},
		{AccessKeyID: SecondAccessKeyID, SecretAccessKey: SecondSecretAccessKey, AccountID: SecondAccountID},
	}
}

// DefaultDirectory is NewDirectory(DefaultAccounts(accountID), DefaultKeys(accountID)).
func DefaultDirectory(accountID string) (*Directory, error) {
	return NewDirectory(DefaultAccounts(accountID), DefaultKeys(accountID))
}

// AddAccount adds an account, or returns the existing one with that id unchanged. It
// returns the account as stored (defaults filled in).
func (d *Directory) AddAccount(a Account) (Account, error) {
	a, err := a.normalize()
	if err != nil {
		return Account{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.accounts[a.ID]; ok {
		return old, nil
	}
	if other, ok := d.byCanonical[a.CanonicalID]; ok {
		return Account{}, fmt.Errorf("account %s: canonical id %s is already account %s's", a.ID, a.CanonicalID, other)
	}
	d.accounts[a.ID] = a
	d.byCanonical[a.CanonicalID] = a.ID
	return a, nil
}

// AddKey adds or replaces a key. Its account is added if the directory lacks it.
func (d *Directory) AddKey(k Key) error {
	k, err := k.normalize()
	if err != nil {
		return err
	}
	if _, err := d.AddAccount(Account{ID: k.AccountID}); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.keys[k.AccessKeyID] = k
	return nil
}

// Key returns the key with that access key id.
func (d *Directory) Key(accessKeyID string) (Key, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	k, ok := d.keys[accessKeyID]
	return k, ok
}

// Keys returns an account's keys, by access key id.
func (d *Directory) Keys(accountID string) []Key {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []Key
	for _, k := range d.keys {
		if k.AccountID == accountID {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AccessKeyID < out[j].AccessKeyID })
	return out
}

// Account returns the account with that id.
func (d *Directory) Account(id string) (Account, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	a, ok := d.accounts[id]
	return a, ok
}

// AccountByCanonicalID returns the account with that canonical user id.
func (d *Directory) AccountByCanonicalID(canonicalID string) (Account, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	id, ok := d.byCanonical[canonicalID]
	if !ok {
		return Account{}, false
	}
	return d.accounts[id], true
}

// Accounts returns all accounts, by id.
func (d *Directory) Accounts() []Account {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]Account, 0, len(d.accounts))
	for _, a := range d.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
