package auth

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCanonicalUserID(t *testing.T) {
	id := CanonicalUserID(DefaultAccountID)
	require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), id)
	require.Equal(t, id, CanonicalUserID(DefaultAccountID), "stable")
	require.NotEqual(t, id, CanonicalUserID(SecondAccountID))
	// Pinned: a bucket's recorded owner must survive a restart and a new fakeshift version.
	require.Equal(t, "c640a5924c540de307202a8ab5ca970f926aed75e88fb1ac31d558a38318c9dc", id)
}

func TestDefaultDirectory(t *testing.T) {
	cases := []struct {
		name, accountID, wantTestAccount string
		wantAccounts                     int
	}{
		{"default", "", DefaultAccountID, 2},
		{"--account-id", "000000000000", "000000000000", 2},
		{"--account-id is the second account", SecondAccountID, SecondAccountID, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DefaultDirectory(tc.accountID)
			require.NoError(t, err)
			require.Len(t, d.Accounts(), tc.wantAccounts)
			k, ok := d.Key("test")
			require.True(t, ok)
			require.Equal(t, tc.wantTestAccount, k.AccountID)
			require.Equal(t, "test", k.SecretAccessKey)
			require.Equal(t, Identity{Type: IdentityRoot, ARN: "arn:aws:iam::" + tc.wantTestAccount + ":root", PrincipalID: tc.wantTestAccount}, k.Identity)
			o, ok := d.Key("other")
			require.True(t, ok)
			require.Equal(t, SecondAccountID, o.AccountID)
			a, ok := d.Account(tc.wantTestAccount)
			require.True(t, ok)
			require.Equal(t, CanonicalUserID(tc.wantTestAccount), a.CanonicalID)
			require.Equal(t, "fakeshift-"+tc.wantTestAccount, a.DisplayName)
			byCanon, ok := d.AccountByCanonicalID(a.CanonicalID)
			require.True(t, ok)
			require.Equal(t, a, byCanon)
			require.Contains(t, d.Keys(tc.wantTestAccount), k)
			_, ok = d.Key("nobody")
			require.False(t, ok)
		})
	}
}

func TestIdentityFromARN(t *testing.T) {
	cases := []struct {
		arn      string
		want     Identity
		account  string
		wantErr  bool
		wantSess SessionIssuer
	}{
		{arn: "arn:aws:iam::123456789012:root", account: "123456789012",
			want: Identity{Type: IdentityRoot, ARN: "arn:aws:iam::123456789012:root", PrincipalID: "123456789012"}},
		{arn: "arn:aws:iam::123456789012:user/ops/Admin", account: "123456789012",
			want: Identity{Type: IdentityIAMUser, ARN: "arn:aws:iam::123456789012:user/ops/Admin", PrincipalID: derivedID("AIDA", "arn:aws:iam::123456789012:user/ops/Admin"), UserName: "Admin"}},
		{arn: "arn:aws:sts::111122223333:assumed-role/Deployer/run-1", account: "111122223333",
			want: Identity{Type: IdentityAssumedRole, ARN: "arn:aws:sts::111122223333:assumed-role/Deployer/run-1",
				PrincipalID: derivedID("AROA", "arn:aws:iam::111122223333:role/Deployer") + ":run-1", UserName: "Deployer"},
			wantSess: SessionIssuer{Type: "Role", PrincipalID: derivedID("AROA", "arn:aws:iam::111122223333:role/Deployer"),
				ARN: "arn:aws:iam::111122223333:role/Deployer", AccountID: "111122223333", UserName: "Deployer"}},
		{arn: "arn:aws:iam::12345:root", wantErr: true},
		{arn: "arn:aws:iam::123456789012:user/", wantErr: true},
		{arn: "arn:aws:iam::123456789012:role/R", wantErr: true},
		{arn: "arn:aws:sts::123456789012:assumed-role/R", wantErr: true},
		{arn: "", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.arn, func(t *testing.T) {
			id, acct, err := IdentityFromARN(tc.arn)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, id)
			require.Equal(t, tc.account, acct)
			require.Regexp(t, `^([0-9]{12}|(AIDA|AROA)[A-Z2-7]{17}(:.+)?)$`, id.PrincipalID)
			sess, ok := id.SessionIssuer()
			require.Equal(t, tc.want.Type == IdentityAssumedRole, ok)
			require.Equal(t, tc.wantSess, sess)
		})
	}
}

func TestNewDirectoryValidates(t *testing.T) {
	cases := []struct {
		name     string
		accounts []Account
		keys     []Key
		wantErr  string
	}{
		{"bad account id", []Account{{ID: "12"}}, nil, "12 digits"},
		{"bad canonical id", []Account{{ID: DefaultAccountID, CanonicalID: "abc"}}, nil, "64 lower-case hex"},
		{"same canonical id", []Account{{ID: DefaultAccountID, CanonicalID: CanonicalUserID("1")}, {ID: SecondAccountID, CanonicalID: CanonicalUserID("1")}}, nil, "already"},
		{"key without secret", nil, []Key{{AccessKeyID: "k", AccountID: DefaultAccountID}}, "no secret"},
		{"key with a slash", nil, []Key{{AccessKeyID: "a/b", SecretAccessKey: "s", AccountID: DefaultAccountID}}, "access key id"},
		{"duplicate key", nil, []Key{{AccessKeyID: "k", SecretAccessKey: "s", AccountID: DefaultAccountID}, {AccessKeyID: "k", SecretAccessKey: "t", AccountID: DefaultAccountID}}, "twice"},
		{"identity in another account", nil, []Key{{AccessKeyID: "k", SecretAccessKey: "s", AccountID: DefaultAccountID,
			Identity: Identity{ARN: "arn:aws:iam::111122223333:root"}}}, "not in account"},
		{"identity type contradicts ARN", nil, []Key{{AccessKeyID: "k", SecretAccessKey: "s", AccountID: DefaultAccountID,
			Identity: Identity{Type: IdentityRoot, ARN: "arn:aws:iam::123456789012:user/u"}}}, "does not match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewDirectory(tc.accounts, tc.keys)
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
	// A key's account is created for it.
	d, err := NewDirectory(nil, []Key{{AccessKeyID: "k", SecretAccessKey: "s", AccountID: "999999999999"}})
	require.NoError(t, err)
	_, ok := d.Account("999999999999")
	require.True(t, ok)
}

// TestSecretsStayOut: a key, a principal and an error print and log without the secret.
func TestSecretsStayOut(t *testing.T) {
	const secret = "s3cr3t-Value"
	k := Key{AccessKeyID: "AKIAX", SecretAccessKey: secret, AccountID: DefaultAccountID, Identity: RootIdentity(DefaultAccountID)}
	p := AccountPrincipal(k)
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("x", "key", k, "principal", p, "err", errSignature("s3"))
	log.Info("y", slog.Any("key", k))
	out := buf.String() + fmt.Sprintf("%v %+v %#v %s %v %+v", k, k, k, k, p, p) + errUnknownKey("s3", "AKIAX").Error()
	require.NotContains(t, out, secret)
	require.Contains(t, out, "AKIAX")
}

func TestPrincipalContext(t *testing.T) {
	_, ok := PrincipalFrom(context.Background())
	require.False(t, ok)
	sp := ServicePrincipal("redshift.amazonaws.com", "arn:aws:redshift:us-east-1:123456789012:cluster:c1", DefaultAccountID)
	got, ok := PrincipalFrom(WithPrincipal(context.Background(), sp))
	require.True(t, ok)
	require.Equal(t, sp, got)
	require.Equal(t, KindService, got.Kind)
	require.Equal(t, "service:redshift.amazonaws.com", got.String())
	require.True(t, Principal{}.IsAnonymous(), "the zero principal is anonymous")
}

// TestDirectoryConcurrent is for -race.
func TestDirectoryConcurrent(t *testing.T) {
	d, err := DefaultDirectory("")
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				id := fmt.Sprintf("k%d-%d", i, j)
				require.NoError(t, d.AddKey(Key{AccessKeyID: id, SecretAccessKey: "s", AccountID: fmt.Sprintf("%012d", j%5)}))
				_, ok := d.Key(id)
				require.True(t, ok)
				d.Keys(DefaultAccountID)
				d.Accounts()
			}
		}()
	}
	wg.Wait()
	require.Len(t, d.Accounts(), 7)
}
