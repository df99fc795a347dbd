package s3fake_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// FuzzRouter sends arbitrary anonymous requests to a bucket whose policy lets anyone do
// anything, so that they reach every handler: none may panic, each gets an S3 status.
func FuzzRouter(f *testing.F) {
	for _, seed := range []struct{ method, path, query, body string }{
		{"GET", "/open/key", "", ""},
		{"PUT", "/open/key", "", "data"},
		{"PUT", "/open", "policy", `{"Statement":[]}`},
		{"PUT", "/open", "acl", `<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`},
		{"PUT", "/open", "tagging", `<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`},
		{"PUT", "/open", "encryption", `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`},
		{"PUT", "/open", "ownershipControls", `<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>`},
		{"PUT", "/open", "object-lock", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`},
		{"POST", "/open", "delete", `<Delete><Object><Key>key</Key></Object></Delete>`},
		{"POST", "/open/key", "uploads", ""},
		{"PUT", "/open/key", "partNumber=1&uploadId=x", "part"},
		{"GET", "/open/key", "acl", ""},
		{"GET", "/open", "list-type=2&prefix=a&delimiter=/", ""},
		{"DELETE", "/open", "publicAccessBlock", ""},
		{"GET", "/", "", ""},
		{"PATCH", "/open/key", "retention", ""},
		{"HEAD", "/open/key", "versionId=", ""},
		{"GET", "/open/key", "acl&versionId=null", ""},
	} {
		f.Add(seed.method, seed.path, seed.query, seed.body)
	}
	ts := newS3(f)
	_, err := ts.client("test", "test").CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("open")})
	require.NoError(f, err)
	_, err = ts.client("test", "test").PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("open"),
		Policy: aws.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::open","arn:aws:s3:::open/*"]}]}`)})
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		if !validMethod(method) {
			return
		}
		u := &url.URL{Scheme: "http", Host: "s3.test", Path: path, RawQuery: query}
		r, err := http.NewRequest(method, u.String(), bytes.NewReader([]byte(body)))
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		ts.ServeHTTP(w, r)
		if w.Code < 200 || w.Code > 599 {
			t.Fatalf("%s %s?%s: status %d", method, path, query, w.Code)
		}
		if w.Code >= 400 && method != http.MethodHead && w.Body.Len() > 0 && !strings.Contains(w.Body.String(), "<Error>") {
			t.Fatalf("%s %s?%s: error %d without an S3 error body: %q", method, path, query, w.Code, w.Body.String())
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
