package redshiftapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/cluster"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/sql"
	"github.com/fakeshift/fakeshift/store"
)

// The handlers over a Runtime of real clusters that never listen, with an SQL engine that
// refuses every connection: what the API keeps and applies, without the network.

// noEngine refuses connections; the Engine it embeds (nil) answers nothing else, which
// these tests never ask.
type noEngine struct{ sql.Engine }

func (noEngine) Connect(context.Context, sql.Identity) (sql.Conn, error) {
	return nil, errors.New("no SQL engine in this test")
}
func (noEngine) Close() error { return nil }

type testRuntime struct {
	db       *store.DB
	mu       sync.Mutex
	clusters map[string]*cluster.Cluster
}

// newTestRuntime makes a runtime whose default cluster "fakeshift" runs already.
func newTestRuntime(t *testing.T) *testRuntime {
	db, err := store.Open(store.Options{})
	require.NoError(t, err)
	r := &testRuntime{db: db, clusters: map[string]*cluster.Cluster{}}
	t.Cleanup(func() {
		for id := range r.clusters {
			require.NoError(t, r.StopCluster(context.Background(), id))
		}
		db.Close()
	})
	_, _, err = r.StartCluster(context.Background(), cluster.Spec{ID: "fakeshift", Database: "dev", MasterUser: "awsuser",
		MasterPassword: "Master123"}, DefaultPort, false)
	require.NoError(t, err)
	return r
}

func (r *testRuntime) StartCluster(ctx context.Context, spec cluster.Spec, port int, _ bool) (*cluster.Cluster, int, error) {
	spec.Store = r.db
	spec.OpenEngine = func(context.Context, string, sql.RecordSource) (sql.Engine, error) { return noEngine{}, nil }
	c, err := cluster.New(ctx, spec)
	if err != nil {
		return nil, 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clusters[spec.ID] = c
	return c, port, nil
}

func (r *testRuntime) StopCluster(ctx context.Context, id string) error {
	r.mu.Lock()
	c, ok := r.clusters[id]
	delete(r.clusters, id)
	r.mu.Unlock()
	if !ok {
		return errors.New("cluster " + id + " is not running")
	}
	return c.Shutdown(ctx)
}

func (r *testRuntime) ClusterByID(id string) (*cluster.Cluster, int, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.clusters[id]
	return c, DefaultPort, ok
}

func (r *testRuntime) DeleteClusterData(id string) error { return cluster.DeleteData(r.db, id, "") }

type noBuckets struct{}

func (noBuckets) BucketFacts(string) (s3fake.Facts, error) { return s3fake.Facts{}, nil }
func (noBuckets) Authorize(auth.Principal, string, string, string, http.Header) error {
	return errors.New("no buckets in this test")
}

// newTestAPI starts the API over rt's store, as a fakeshift process started with
// --require-ssl=requireSSL would (a second call is a restart).
func newTestAPI(t *testing.T, rt *testRuntime, requireSSL bool) *API {
	t.Helper()
	dir, err := auth.DefaultDirectory("")
	require.NoError(t, err)
	api, err := New(context.Background(), Config{Store: rt.db, Directory: dir, AccountID: "123456789012",
		Region: "us-east-1", AdvertiseHost: "127.0.0.1", Runtime: rt, S3: s3.New(s3.Options{Region: "us-east-1"}),
		Buckets: noBuckets{}, DefaultCluster: DefaultCluster{ID: "fakeshift", Database: "dev", MasterUser: "awsuser",
			RequireSSL: requireSSL}})
	require.NoError(t, err)
	t.Cleanup(api.Close)
	return api
}

// do calls action's handler with the form body.
func do(t *testing.T, api *API, action, body string) (any, error) {
	t.Helper()
	h, ok := redshiftHandlers[action]
	require.True(t, ok, action)
	return h(api, &call{ctx: context.Background(), p: parse(t, "Action="+action+"&"+body), reqID: "req-1"})
}

// mustDo is do for a call that must succeed.
func mustDo(t *testing.T, api *API, action, body string) any {
	t.Helper()
	res, err := do(t, api, action, body)
	require.NoError(t, err, action)
	return res
}

func describeCluster(t *testing.T, api *API, id string) Cluster {
	t.Helper()
	res := mustDo(t, api, "DescribeClusters", "ClusterIdentifier="+id).(DescribeClustersResult)
	require.Len(t, res.Clusters, 1)
	return res.Clusters[0]
}

// parameterStatus is the apply status of a cluster's parameter group and of one parameter.
func parameterStatus(t *testing.T, cl Cluster, name string) (group, param string) {
	t.Helper()
	require.Len(t, cl.ClusterParameterGroups, 1)
	g := cl.ClusterParameterGroups[0]
	for _, p := range g.ClusterParameterStatusList {
		if p.ParameterName == name {
			return g.ParameterApplyStatus, p.ParameterApplyStatus
		}
	}
	t.Fatalf("no parameter %s in %+v", name, g)
	return "", ""
}

func appliedSSL(t *testing.T, api *API, rt *testRuntime) (stored, running string) {
	t.Helper()
	st, err := api.loadCluster("fakeshift")
	require.NoError(t, err)
	c, _, ok := rt.ClusterByID("fakeshift")
	require.True(t, ok)
	running, _ = c.Parameter("require_ssl")
	return st.Applied["require_ssl"], running
}

// TestDefaultClusterRequireSSL: the binary's --require-ssl decides the default cluster's
// require_ssl while its parameter group does not set it, and the cluster shows in-sync
// with it; a require_ssl its group sets and a reboot applied outlives a restart without
// the flag.
func TestDefaultClusterRequireSSL(t *testing.T) {
	rt := newTestRuntime(t)

	api := newTestAPI(t, rt, true)
	group, param := parameterStatus(t, describeCluster(t, api, "fakeshift"), "require_ssl")
	require.Equal(t, "in-sync", group, "--require-ssl is not a pending change")
	require.Equal(t, "in-sync", param)
	stored, running := appliedSSL(t, api, rt)
	require.Equal(t, "true", stored)
	require.Equal(t, "true", running)

	// A restart without the flag: the flag still decides.
	api = newTestAPI(t, rt, false)
	stored, running = appliedSSL(t, api, rt)
	require.Equal(t, "false", stored)
	require.Equal(t, "false", running)
	group, _ = parameterStatus(t, describeCluster(t, api, "fakeshift"), "require_ssl")
	require.Equal(t, "in-sync", group)

	// The group sets require_ssl=true: pending until a reboot applies it.
	mustDo(t, api, "CreateClusterParameterGroup", "ParameterGroupName=strict&ParameterGroupFamily=redshift-2.0&Description=d")
	mustDo(t, api, "ModifyClusterParameterGroup", "ParameterGroupName=strict&Parameters.Parameter.1.ParameterName=require_ssl&Parameters.Parameter.1.ParameterValue=true")
	mustDo(t, api, "ModifyCluster", "ClusterIdentifier=fakeshift&ClusterParameterGroupName=strict")
	_, param = parameterStatus(t, describeCluster(t, api, "fakeshift"), "require_ssl")
	require.Equal(t, "pending-reboot", param)
	mustDo(t, api, "RebootCluster", "ClusterIdentifier=fakeshift")
	_, param = parameterStatus(t, describeCluster(t, api, "fakeshift"), "require_ssl")
	require.Equal(t, "in-sync", param)

	// A restart without the flag keeps what the group set and the reboot applied.
	api = newTestAPI(t, rt, false)
	stored, running = appliedSSL(t, api, rt)
	require.Equal(t, "true", stored)
	require.Equal(t, "true", running)
	group, param = parameterStatus(t, describeCluster(t, api, "fakeshift"), "require_ssl")
	require.Equal(t, "in-sync", group)
	require.Equal(t, "in-sync", param)

	// Reset puts the default cluster back in its default group, with the flag's value.
	_, err := api.Reset(context.Background())
	require.NoError(t, err)
	stored, running = appliedSSL(t, api, rt)
	require.Equal(t, "false", stored)
	require.Equal(t, "false", running)
}

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestNamespaceID(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"analytics-prod-01", "analytics-prod-02"}, // equal in their first 16 bytes
		{"a", "b"},
		{"c1", "c1-"},
		{"warehouse-eu-west-1-reporting-a", "warehouse-eu-west-1-reporting-b"},
	} {
		require.Regexp(t, uuidShape, namespaceID(tc.a), tc.a)
		require.Equal(t, namespaceID(tc.a), namespaceID(tc.a), "stable")
		require.NotEqual(t, namespaceID(tc.a), namespaceID(tc.b), "%s and %s", tc.a, tc.b)
	}
	api := &API{cfg: Config{AccountID: "123456789012", Region: "us-east-1"}}
	require.NotEqual(t, api.dataShareARN("analytics-prod-01", "sales"), api.dataShareARN("analytics-prod-02", "sales"))
	// The aws/redshift key id is the one fakeshift has always derived.
	require.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/41f2eae4-766c-2fbe-4c4a-39db10b0022b", api.kmsKeyARN(""))
	require.Regexp(t, uuidShape, newRequestID())
}

// TestClusterRetentionAndModify: CreateCluster checks and keeps the snapshot retention
// periods and ClusterVersion; ModifyCluster applies what it can and refuses the rest.
func TestClusterRetentionAndModify(t *testing.T) {
	rt := newTestRuntime(t)
	api := newTestAPI(t, rt, false)
	const create = "ClusterIdentifier=c1&NodeType=ra3.large&MasterUsername=awsuser&MasterUserPassword=Passw0rd1"

	for _, tc := range []struct {
		extra, code, msg string
	}{
		{"&AutomatedSnapshotRetentionPeriod=36", ipv, "Invalid automated snapshot retention period: 36. Retention period must be between 0 and 35."},
		{"&AutomatedSnapshotRetentionPeriod=0", ipv, "You can't disable automated snapshots for RG or RA3 node types. Set the automated retention period from 1-35 days."},
		{"&ManualSnapshotRetentionPeriod=3654", "InvalidRetentionPeriodFault", "Retention period cannot exceed 3653 days."},
		{"&ManualSnapshotRetentionPeriod=0", "InvalidRetentionPeriodFault", ""},
		{"&ClusterVersion=2.0", CodeInvalidParameterCombination, "Cannot find Cluster version 2.0"},
	} {
		_, err := do(t, api, "CreateCluster", create+tc.extra)
		check(t, AsError(err), tc.code, tc.msg, tc.extra)
	}

	cl := mustDo(t, api, "CreateCluster", create+"&ClusterVersion=1.0&ManualSnapshotRetentionPeriod=30").(ClusterResult).Cluster
	require.Equal(t, 1, cl.AutomatedSnapshotRetentionPeriod, "the default")
	require.Equal(t, 30, cl.ManualSnapshotRetentionPeriod)
	require.Equal(t, "1.0", cl.ClusterVersion)

	cl = mustDo(t, api, "ModifyCluster", "ClusterIdentifier=c1&AutomatedSnapshotRetentionPeriod=7&ManualSnapshotRetentionPeriod=-1").(ClusterResult).Cluster
	require.Equal(t, 7, cl.AutomatedSnapshotRetentionPeriod)
	require.Equal(t, -1, cl.ManualSnapshotRetentionPeriod)
	cl = describeCluster(t, api, "c1")
	require.Equal(t, 7, cl.AutomatedSnapshotRetentionPeriod, "kept")
	require.Equal(t, -1, cl.ManualSnapshotRetentionPeriod)
	_, err := do(t, api, "ModifyCluster", "ClusterIdentifier=c1&AutomatedSnapshotRetentionPeriod=0")
	check(t, AsError(err), ipv, "", "ModifyCluster to 0 days of an RA3 cluster")

	for _, tc := range []struct{ body, name string }{
		{"PubliclyAccessible=true", "PubliclyAccessible"},
		{"Encrypted=true&KmsKeyId=k", "Encrypted"},
		{"NodeType=ra3.xlplus", "NodeType"},
		{"ManageMasterPassword=true", "ManageMasterPassword"},
		{"VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1", "VpcSecurityGroupIds"},
		{"VpcSecurityGroupIds=", "VpcSecurityGroupIds"},
	} {
		_, err := do(t, api, "ModifyCluster", "ClusterIdentifier=c1&"+tc.body)
		check(t, AsError(err), CodeUnsupportedOperation, "ModifyCluster of "+tc.name+" is not supported by fakeshift", tc.body)
	}
	require.Equal(t, 7, describeCluster(t, api, "c1").AutomatedSnapshotRetentionPeriod, "a refused call changes nothing")

	_, err = do(t, api, "DeleteCluster", "ClusterIdentifier=fakeshift&SkipFinalClusterSnapshot=true")
	check(t, AsError(err), CodeUnsupportedOperation, "", "DeleteCluster of the default cluster")
	mustDo(t, api, "DeleteCluster", "ClusterIdentifier=c1&SkipFinalClusterSnapshot=true")
	_, err = do(t, api, "DescribeClusters", "ClusterIdentifier=c1")
	check(t, AsError(err), CodeClusterNotFound, "", "deleted")
	_, _, ok := rt.ClusterByID("c1")
	require.False(t, ok, "stopped")
}

// TestStoredStateDefaults: a cluster state stored before the retention periods were kept
// reads as CreateCluster's defaults.
func TestStoredStateDefaults(t *testing.T) {
	st, err := decodeCluster([]byte("cluster/old"), []byte(`{"id":"old","node_type":"ra3.large","applied":{}}`))
	require.NoError(t, err)
	require.Equal(t, 1, st.AutomatedRetention)
	require.Equal(t, -1, st.ManualRetention)
	st, err = decodeCluster([]byte("cluster/dc2"), []byte(`{"id":"dc2","automated_retention":0,"manual_retention":5}`))
	require.NoError(t, err)
	require.Equal(t, 0, st.AutomatedRetention, "a stored 0 stays 0")
	require.Equal(t, 5, st.ManualRetention)
}

// TestDescribeClustersPages: MaxRecords and Marker page through the clusters by identifier,
// after the tag filters.
func TestDescribeClustersPages(t *testing.T) {
	rt := newTestRuntime(t)
	api := newTestAPI(t, rt, false)
	var ids []string
	for i := range 21 {
		id := "c" + string(rune('a'+i))
		ids = append(ids, id)
		mustDo(t, api, "CreateCluster", "ClusterIdentifier="+id+"&NodeType=ra3.large&MasterUsername=awsuser&MasterUserPassword=Passw0rd1&Tags.Tag.1.Key=k&Tags.Tag.1.Value=v")
	}
	var got []string
	marker := ""
	for {
		res := mustDo(t, api, "DescribeClusters", "MaxRecords=20&TagKeys.TagKey.1=k&Marker="+marker).(DescribeClustersResult)
		for _, cl := range res.Clusters {
			got = append(got, cl.ClusterIdentifier)
		}
		if res.Marker == "" {
			break
		}
		require.Len(t, res.Clusters, 20)
		marker = res.Marker
	}
	require.Equal(t, ids, got, "the untagged default cluster is filtered out")
}
