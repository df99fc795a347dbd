package fakeshift_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
)

const policyJSON = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/*"}]}`

// TestParseSeed: YAML and JSON documents, a policy as a string or as a mapping, and the
// errors of a document that is not a seed.
func TestParseSeed(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want *fakeshift.Seed
		err  string
	}{
		{"empty", "", &fakeshift.Seed{}, ""},
		{"YAML, policy as a mapping", `
buckets:
  - name: logs
    policy:
      Version: 2012-10-17
      Statement:
        - Effect: Allow
          Principal: {Service: redshift.amazonaws.com}
          Action: s3:PutObject
          Resource: arn:aws:s3:::logs/*
clusters:
  - id: fakeshift
    parameters:
      enable_user_activity_logging: true
users:
  - {name: alice, password: Alice1234, superuser: true, groups: [g]}
`, &fakeshift.Seed{
			Buckets:  []fakeshift.SeedBucket{{Name: "logs", Policy: policyJSON}},
			Clusters: []fakeshift.SeedCluster{{ID: "fakeshift", Parameters: map[string]string{"enable_user_activity_logging": "true"}}},
			Users:    []fakeshift.SeedUser{{Name: "alice", Password: "Alice1234", Superuser: true, Groups: []string{"g"}}},
		}, ""},
		{"YAML, policy as a string", "buckets:\n  - name: logs\n    policy: '" + policyJSON + "'\n",
			&fakeshift.Seed{Buckets: []fakeshift.SeedBucket{{Name: "logs", Policy: policyJSON}}}, ""},
		{"JSON with tabs, policy as an object", "{\n\t\"buckets\": [{\"name\": \"logs\", \"policy\": " + policyJSON + "}],\n" +
			"\t\"accounts\": [{\"id\": \"210987654321\", \"keys\": [{\"access_key_id\": \"AK\", \"secret_access_key\": \"s\"}]}]\n}",
			&fakeshift.Seed{Buckets: []fakeshift.SeedBucket{{Name: "logs", Policy: policyJSON}},
				Accounts: []fakeshift.SeedAccount{{ID: "210987654321", Keys: []fakeshift.SeedKey{{AccessKeyID: "AK", SecretAccessKey: "s"}}}}}, ""},
		{"unknown YAML field", "buckets:\n  - name: logs\n    polcy: x\n", nil, "line 3: field polcy not found"},
		{"unknown JSON field", `{"bucket": []}`, nil, `unknown field "bucket"`},
		{"two YAML documents", "users: []\n---\nusers: []\n", nil, "more than one document"},
		{"JSON policy not an object", `{"buckets": [{"name": "b", "policy": 3}]}`, nil, "policy: want a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fakeshift.ParseSeed([]byte(tc.doc))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			for i := range got.Buckets { // compare policies as JSON values
				require.JSONEq(t, string(tc.want.Buckets[i].Policy), string(got.Buckets[i].Policy))
				got.Buckets[i].Policy = tc.want.Buckets[i].Policy
			}
			require.Equal(t, tc.want, got)
		})
	}
}

// TestBadSeed: a seed that cannot be made stops the start with an error naming the entry
// (and never a password).
func TestBadSeed(t *testing.T) {
	tests := []struct {
		name string
		seed fakeshift.Seed
		want string
	}{
		{"unknown owner", fakeshift.Seed{Buckets: []fakeshift.SeedBucket{{Name: "b", Owner: "999999999999"}}},
			`buckets[0] "b": owner 999999999999 is not an account`},
		{"bad policy", fakeshift.Seed{Buckets: []fakeshift.SeedBucket{{Name: "b", Policy: "{"}}},
			`buckets[0] "b": the policy is not a JSON document`},
		{"policy S3 refuses", fakeshift.Seed{Buckets: []fakeshift.SeedBucket{{Name: "bkt", Policy: `{"Statement":[]}`}}},
			`seed buckets[0] "bkt": PutBucketPolicy: `},
		{"bucket name S3 refuses", fakeshift.Seed{Buckets: []fakeshift.SeedBucket{{Name: "Bad_Name"}}},
			`seed buckets[0] "Bad_Name": CreateBucket: `},
		{"key of another account", fakeshift.Seed{Accounts: []fakeshift.SeedAccount{{ID: "210987654321",
			Keys: []fakeshift.SeedKey{{AccessKeyID: "AK", SecretAccessKey: "Secret1", Identity: "arn:aws:iam::123456789012:user/x"}}}}},
			`accounts[0] (210987654321) keys[0] (AK): identity arn:aws:iam::123456789012:user/x is not in account 210987654321`},
		{"cluster without password", fakeshift.Seed{Clusters: []fakeshift.SeedCluster{{ID: "c1"}}},
			`clusters[0] "c1": master_password is required`},
		{"default cluster's master", fakeshift.Seed{Clusters: []fakeshift.SeedCluster{{ID: "fakeshift", MasterPassword: "Secret123"}}},
			`clusters[0] "fakeshift": the default cluster takes only parameter_group, parameters and logging`},
		{"logging to a missing bucket", fakeshift.Seed{Clusters: []fakeshift.SeedCluster{{ID: "fakeshift",
			Logging: &fakeshift.SeedLogging{Bucket: "nope"}}}}, `seed clusters[0] "fakeshift": EnableLogging: `},
		{"unknown parameter", fakeshift.Seed{Clusters: []fakeshift.SeedCluster{{ID: "fakeshift",
			Parameters: map[string]string{"no_such_parameter": "1"}}}}, `seed clusters[0] "fakeshift": ModifyClusterParameterGroup: `},
		{"bad log export", fakeshift.Seed{Clusters: []fakeshift.SeedCluster{{ID: "fakeshift",
			Logging: &fakeshift.SeedLogging{Bucket: "b", Exports: []string{"queries"}}}}}, `log export "queries"`},
		{"user name", fakeshift.Seed{Users: []fakeshift.SeedUser{{Name: "Alice", Password: "Secret123"}}},
			`users[0] "Alice": a user name is`},
		{"the master user", fakeshift.Seed{Users: []fakeshift.SeedUser{{Name: "awsuser", Password: "Secret123"}}},
			`users[0] "awsuser": the master user and rdsdb exist already`},
		{"weak password", fakeshift.Seed{Users: []fakeshift.SeedUser{{Name: "weak", Password: "Secret"}}},
			`seed users[0] "weak": CREATE USER: ERROR: Password must be at least 8 characters (SQLSTATE 22023)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := fakeshift.Start(context.Background(), fakeshift.Config{PGAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
				ClusterPorts: "0", Seed: &tc.seed, Logger: slog.New(slog.DiscardHandler)})
			if err == nil {
				srv.Close()
			}
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "Secret", "no secret in the error")
		})
	}
}

// TestSeedIsIdempotent: a second start on the same data dir finds everything the seed
// made and leaves it alone.
func TestSeedIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "seed.json")
	doc, err := json.Marshal(fakeshift.Seed{
		Buckets: []fakeshift.SeedBucket{{Name: "logs", Policy: policyJSON}},
		Clusters: []fakeshift.SeedCluster{
			{ID: "fakeshift", Parameters: map[string]string{"enable_user_activity_logging": "true"}},
			{ID: "analytics", MasterPassword: "Analytics1"},
		},
		Users: []fakeshift.SeedUser{{Name: "alice", Password: "Alice1234", Groups: []string{"analysts"}}},
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(seedFile, doc, 0o600))
	sd, err := fakeshift.LoadSeed(seedFile)
	require.NoError(t, err)
	start := func() *fakeshift.Server {
		srv, err := fakeshift.Start(context.Background(), fakeshift.Config{PGAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
			ClusterPorts: "0", DataDir: filepath.Join(dir, "data"), Seed: sd, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		return srv
	}
	srv := start()
	require.Equal(t, &fakeshift.SeedResult{Buckets: []string{"logs"}, Clusters: []string{"fakeshift", "analytics"},
		Groups: []string{"analysts"}, Users: []string{"alice"}, Kept: []string{}}, srv.Seeded())
	v, ok := srv.Cluster().Parameter("enable_user_activity_logging")
	require.True(t, ok)
	require.Equal(t, "true", v, "the default cluster was rebooted into its group")
	require.NoError(t, srv.Close())

	srv = start()
	defer srv.Close()
	require.Equal(t, &fakeshift.SeedResult{Buckets: []string{}, Clusters: []string{}, Groups: []string{}, Users: []string{},
		Kept: []string{"bucket logs", "parameter group fakeshift-parameters", "cluster fakeshift", "cluster analytics", "user alice"}},
		srv.Seeded(), "a restart on the same data dir leaves what the seed made alone")
	v, _ = srv.Cluster().Parameter("enable_user_activity_logging")
	require.Equal(t, "true", v)
}
