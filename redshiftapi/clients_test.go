package redshiftapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// Real clients judge the protocol layer: a tiny server written on it (the way the handlers
// will be) answers the AWS SDK for Go v2 and boto3.

type testServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen map[string][]Params // requests by action, in order
	n    atomic.Int64
}

func newTestServer(t *testing.T) *testServer {
	s := &testServer{seen: map[string][]Params{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// params returns the i-th request of action the server received.
func (s *testServer) params(action string, i int) Params {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[action][i]
}

func (s *testServer) serve(w http.ResponseWriter, r *http.Request) {
	reqID := "req-" + strconv.FormatInt(s.n.Add(1), 10)
	svc, known := Redshift, knownRedshift
	p, perr := ParseRequest(r)
	if perr != nil {
		_ = svc.WriteError(w, reqID, perr)
		return
	}
	if v, _ := p.String("Version"); v == STS.Version {
		svc, known = STS, func(a string) bool { return a == "GetCallerIdentity" }
	}
	action, perr := svc.Action(p, known)
	if perr != nil {
		_ = svc.WriteError(w, reqID, perr)
		return
	}
	s.mu.Lock()
	s.seen[action] = append(s.seen[action], p)
	s.mu.Unlock()
	result, err := s.handle(action, p)
	if err != nil {
		_ = svc.WriteError(w, reqID, AsError(err))
		return
	}
	_ = svc.WriteResult(w, action, reqID, result)
}

// handle is a stand-in for the real handlers, exercising the getters and validators.
func (s *testServer) handle(action string, p Params) (any, error) {
	switch action {
	case "GetCallerIdentity":
		return &GetCallerIdentityResult{Arn: "arn:aws:iam::123456789012:root", UserID: "123456789012", Account: "123456789012"}, nil
	case "DescribeLoggingStatus":
		id, err := p.Required("ClusterIdentifier")
		if err != nil {
			return nil, err
		}
		if id != "c1" {
			return nil, ClusterNotFound(id)
		}
		return &LoggingStatus{}, nil
	case "EnableLogging":
		if _, err := p.Required("ClusterIdentifier"); err != nil {
			return nil, err
		}
		bucket, _ := p.String("BucketName")
		if err := ValidateS3BucketName(bucket); err != nil {
			return nil, err
		}
		prefix, _ := p.String("S3KeyPrefix")
		if err := ValidateS3KeyPrefix(prefix); err != nil {
			return nil, err
		}
		exports := p.List("LogExports")
		if err := ValidateLogExports(exports); err != nil {
			return nil, err
		}
		dest, _ := p.String("LogDestinationType")
		return &LoggingStatus{LoggingEnabled: true, BucketName: bucket, S3KeyPrefix: prefix,
			LogDestinationType: dest, LogExports: exports}, nil
	case "CreateCluster":
		id, err := p.Required("ClusterIdentifier")
		if err != nil {
			return nil, err
		}
		if id, err = ValidateClusterIdentifier(id); err != nil {
			return nil, err
		}
		pw, _ := p.String("MasterUserPassword")
		if err := ValidateMasterUserPassword(pw); err != nil {
			return nil, err
		}
		tags, err := p.Tags()
		if err != nil {
			return nil, err
		}
		c := creatingCluster()
		c.ClusterIdentifier = id
		c.Tags = tags
		c.ClusterCreateTime = NewTimestamp(created)
		return &ClusterResult{Cluster: c}, nil
	case "ModifyClusterParameterGroup":
		name, err := p.Required("ParameterGroupName")
		if err != nil {
			return nil, err
		}
		changes, err := p.Parameters()
		if err != nil {
			return nil, err
		}
		for _, c := range changes {
			if err := ValidateParameterValue(c.ParameterName, c.ParameterValue); err != nil {
				return nil, err
			}
		}
		return &ParameterGroupNameResult{ParameterGroupName: name, ParameterGroupStatus: ParameterGroupStatusUpdated}, nil
	case "DeleteClusterParameterGroup":
		return nil, nil
	case "GetClusterCredentials":
		user, err := p.Required("DbUser")
		if err != nil {
			return nil, err
		}
		prefix := "IAM:"
		if auto, _ := p.Bool("AutoCreate"); auto != nil && *auto {
			prefix = "IAMA:"
		}
		for _, g := range p.List("DbGroups") {
			user += ":" + g
		}
		return &ClusterCredentials{DbUser: prefix + user, DbPassword: "secret", Expiration: Timestamp(created.Add(15 * time.Minute))}, nil
	}
	return nil, errors.New("not implemented: " + action) // becomes InternalFailure
}

// TestGoSDKSTS: the AWS SDK for Go v2 STS client reads GetCallerIdentity and maps the error
// envelope to its API error.
func TestGoSDKSTS(t *testing.T) {
	srv := newTestServer(t)
	client := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   srv.Client(),
	})
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	require.Equal(t, "arn:aws:iam::123456789012:root", aws.ToString(out.Arn))
	require.Equal(t, "123456789012", aws.ToString(out.Account))
	require.Equal(t, "123456789012", aws.ToString(out.UserId))

	// An error through the same envelope, written for STS.
	errSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = STS.WriteError(w, "req-err", InvalidClientTokenID(""))
	}))
	defer errSrv.Close()
	client = sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(errSrv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   errSrv.Client(),
	})
	_, err = client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "InvalidClientTokenId", apiErr.ErrorCode())
	require.Equal(t, "The security token included in the request is invalid.", apiErr.ErrorMessage())
}

type boto3Call struct {
	Result    map[string]any    `json:"result"`
	Error     map[string]string `json:"error"`
	Exception string            `json:"exception"`
	RequestID string            `json:"request_id"`
	Status    int               `json:"status"`
}

// TestBoto3RoundTrip: boto3 (the python3 on PATH) calls the test server over HTTP.
func TestBoto3RoundTrip(t *testing.T) {
	python, _ := pythonWithBotocore(t)
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		t.Skipf("%s has botocore but no boto3", python)
	}
	srv := newTestServer(t)
	out, err := exec.Command(python, filepath.Join("testdata", "boto3_roundtrip.py"), srv.URL).Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, stderr)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(out, &got))
	call := func(name string) boto3Call {
		t.Helper()
		raw, ok := got[name]
		require.True(t, ok, name)
		var c boto3Call
		require.NoError(t, json.Unmarshal(raw, &c))
		require.Regexp(t, `^req-\d+$`, c.RequestID, name)
		return c
	}
	t.Logf("boto3 %s, botocore %s", got["boto3"], got["botocore"])

	c := call("describe_logging_status")
	require.Equal(t, map[string]any{"LoggingEnabled": false}, c.Result)

	c = call("describe_logging_status_missing")
	require.Equal(t, "ClusterNotFoundFault", c.Exception)
	require.Equal(t, 404, c.Status)
	require.Equal(t, map[string]string{"Type": "Sender", "Code": "ClusterNotFound", "Message": "Cluster nope not found."}, c.Error)

	c = call("enable_logging")
	require.Equal(t, map[string]any{"LoggingEnabled": true, "BucketName": "audit-bucket", "S3KeyPrefix": "audit/",
		"LogDestinationType": "s3", "LogExports": []any{"connectionlog", "userlog"}}, c.Result)
	require.Equal(t, []string{"connectionlog", "userlog"}, srv.params("EnableLogging", 0).List("LogExports"))

	c = call("enable_logging_bad_bucket")
	require.Equal(t, "InvalidS3BucketNameFault", c.Exception)
	require.Equal(t, 400, c.Status)

	c = call("create_cluster")
	cl := c.Result["Cluster"].(map[string]any)
	require.Equal(t, "my-cluster", cl["ClusterIdentifier"])
	require.Equal(t, "creating", cl["ClusterStatus"])
	require.Equal(t, "2020-10-28T02:44:31.487000Z", cl["ClusterCreateTime"])
	require.Equal(t, map[string]any{"MasterUserPassword": "****"}, cl["PendingModifiedValues"])
	require.Equal(t, []any{map[string]any{"Key": "env", "Value": "test"}}, cl["Tags"])

	c = call("create_cluster_bad_password")
	require.Equal(t, "ClientError", c.Exception, "InvalidParameterValue is not a modeled exception")
	require.Equal(t, "InvalidParameterValue", c.Error["Code"])
	require.Equal(t, msgPasswordChars, c.Error["Message"])

	c = call("modify_cluster_parameter_group")
	require.Equal(t, map[string]any{"ParameterGroupName": "pg1", "ParameterGroupStatus": ParameterGroupStatusUpdated}, c.Result)
	c = call("modify_cluster_parameter_group_unknown")
	require.Equal(t, "Could not find parameter with name: nope", c.Error["Message"])

	c = call("delete_cluster_parameter_group")
	require.Empty(t, c.Result)
	require.Equal(t, 200, c.Status)

	c = call("get_cluster_credentials")
	require.Equal(t, "IAMA:alice:g1", c.Result["DbUser"])
	require.Equal(t, "2020-10-28T02:59:31.487000Z", c.Result["Expiration"])

	c = call("get_caller_identity")
	require.Equal(t, "123456789012", c.Result["Account"])
}
