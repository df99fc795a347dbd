package auth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// hit is what the fake AWS endpoint saw of one request.
type hit struct {
	method, path string
	principal    Principal
	scope        Scope
	err          error
	body         []byte
	bodyErr      error
	trailers     http.Header
	header       http.Header
	form         string // the Action of a form post, read after Verify
}

// fakeAWS answers S3 and STS requests after Verify, recording each verification.
type fakeAWS struct {
	t        *testing.T
	v        *Verifier
	mu       sync.Mutex
	offset   time.Duration // the server clock, relative to the wall clock
	skewDate bool          // answer with the server clock in Date, for SDK skew correction
	hits     []hit
}

func newFakeAWS(t *testing.T) *fakeAWS {
	d, err := DefaultDirectory("")
	require.NoError(t, err)
	require.NoError(t, d.AddKey(mustKey(t, "AKIAALICE", "alice-secret", "arn:aws:iam::123456789012:user/dev/alice")))
	require.NoError(t, d.AddKey(mustKey(t, "ASIAROLE", "role-secret", "arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-7")))
	return &fakeAWS{t: t, v: NewVerifier(d)}
}

func mustKey(t *testing.T, id, secret, arn string) Key {
	k, err := NewKey(id, secret, arn)
	require.NoError(t, err)
	return k
}

func (f *fakeAWS) setClock(offset time.Duration, skewDate bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offset, f.skewDate, f.hits = offset, skewDate, nil
}

func (f *fakeAWS) take() []hit {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hits
	f.hits = nil
	return h
}

func (f *fakeAWS) last(t *testing.T) hit {
	h := f.take()
	require.NotEmpty(t, h, "no request reached the server")
	return h[len(h)-1]
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	offset, skewDate := f.offset, f.skewDate
	f.mu.Unlock()
	now := time.Now().Add(offset)
	p, sc, err := f.v.Verify(r, now)
	h := hit{method: r.Method, path: r.URL.Path, principal: p, scope: sc, err: err, header: r.Header.Clone()}
	if err == nil && (r.Method == http.MethodPut || r.Method == http.MethodPost) {
		if sc.Service == "sts" || sc.Service == "redshift" {
			h.form = r.FormValue("Action")
		} else if pr, perr := PayloadReader(r.Body, p, sc); perr != nil {
			h.bodyErr = perr
		} else {
			h.body, h.bodyErr = io.ReadAll(pr)
			if cr, ok := pr.(*ChunkedReader); ok {
				h.trailers = cr.Trailers()
			}
		}
	}
	f.mu.Lock()
	f.hits = append(f.hits, h)
	f.mu.Unlock()

	if skewDate {
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	}
	if err == nil {
		err = h.bodyErr
	}
	var ae *Error
	if err != nil {
		require.ErrorAs(f.t, err, &ae)
		if isS3(sc.Service) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(ae.HTTPStatus)
			_ = xml.NewEncoder(w).Encode(struct {
				XMLName xml.Name `xml:"Error"`
				Code    string
				Message string
			}{Code: ae.Code, Message: ae.Message})
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(ae.HTTPStatus)
		_, _ = io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>`+ae.Code+`</Code><Message>`+
			xmlEscape(ae.Message)+`</Message></Error><RequestId>r1</RequestId></ErrorResponse>`)
		return
	}
	switch {
	case sc.Service == "sts":
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>`+p.ARN+`</Arn><UserId>`+p.Key.Identity.PrincipalID+`</UserId><Account>`+p.AccountID+`</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	case sc.Service == "redshift":
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<DescribeLoggingStatusResponse/>`)
	case r.Method == http.MethodPut:
		w.Header().Set("ETag", `"1"`)
	case r.URL.Query().Get("list-type") == "2":
		w.Header().Set("Content-Type", "application/xml")
		_, _ = io.WriteString(w, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bkt</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`)
	default:
		_, _ = io.WriteString(w, "hello")
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func awsConfig(srv *httptest.Server, akid, secret string) aws.Config {
	// RequestChecksumCalculation as config.LoadDefaultConfig sets it.
	cfg := aws.Config{Region: "us-east-1", HTTPClient: srv.Client(), RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported}
	if akid == "" {
		cfg.Credentials = aws.AnonymousCredentials{}
	} else {
		cfg.Credentials = credentials.NewStaticCredentialsProvider(akid, secret, "")
	}
	return cfg
}

func s3Client(srv *httptest.Server, akid, secret string) *s3.Client {
	return s3.NewFromConfig(awsConfig(srv, akid, secret), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.UsePathStyle = true
	})
}

func stsClient(srv *httptest.Server, akid, secret string) *sts.Client {
	return sts.NewFromConfig(awsConfig(srv, akid, secret), func(o *sts.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
	})
}

func apiCode(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae, "want an API error, got %v", err)
	return ae.ErrorCode()
}

func crc32Base64(s string) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.ChecksumIEEE([]byte(s)))
	return base64.StdEncoding.EncodeToString(b[:])
}

// Keys that need escaping in a path and a query.
const (
	awkwardKey   = "a b/c+d%e"
	awkwardKey2  = "dir/ü ~!*'();:@&=$,[]x.txt"
	objectBody   = "hello, world"
	rootARN      = "arn:aws:iam::123456789012:root"
	otherRootARN = "arn:aws:iam::111122223333:root"
)

// TestS3ClientRequestsVerify: what the AWS SDK for Go v2's S3 client sends verifies, over
// plain HTTP (hex payload hash) and TLS (aws-chunked with an unsigned trailing checksum).
func TestS3ClientRequestsVerify(t *testing.T) {
	ctx := context.Background()
	type result struct {
		account, arn, payload string
		body                  string
		trailer               string // x-amz-checksum-crc32 expected in trailers
		header                string // x-amz-checksum-crc32 expected as a header
	}
	cases := []struct {
		name         string
		akid, secret string
		call         func(c *s3.Client) error
		http, https  result
	}{
		{
			name: "PutObject string body", akid: "test", secret: "test",
			call: func(c *s3.Client) error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(awkwardKey), Body: strings.NewReader(objectBody)})
				return err
			},
			http: result{account: DefaultAccountID, arn: rootARN, payload: sha256Hex(objectBody), body: objectBody, header: crc32Base64(objectBody)},
			https: result{account: DefaultAccountID, arn: rootARN, payload: StreamingUnsignedPayloadTrailer, body: objectBody,
				trailer: crc32Base64(objectBody)},
		},
		{
			name: "PutObject unicode and sub-delims key", akid: "test", secret: "test",
			call: func(c *s3.Client) error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(awkwardKey2), Body: bytes.NewReader([]byte(objectBody)),
					ContentType: aws.String("text/plain"), Metadata: map[string]string{"Owner": "  two  spaces  "}})
				return err
			},
			http:  result{account: DefaultAccountID, arn: rootARN, payload: sha256Hex(objectBody), body: objectBody, header: crc32Base64(objectBody)},
			https: result{account: DefaultAccountID, arn: rootARN, payload: StreamingUnsignedPayloadTrailer, body: objectBody, trailer: crc32Base64(objectBody)},
		},
		{
			name: "GetObject", akid: "test", secret: "test",
			call: func(c *s3.Client) error {
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(awkwardKey), Range: aws.String("bytes=0-3")})
				if err == nil {
					out.Body.Close()
				}
				return err
			},
			http:  result{account: DefaultAccountID, arn: rootARN, payload: emptySHA256},
			https: result{account: DefaultAccountID, arn: rootARN, payload: emptySHA256},
		},
		{
			name: "ListObjectsV2 with escaped query", akid: "test", secret: "test",
			call: func(c *s3.Client) error {
				_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String(awkwardKey),
					Delimiter: aws.String("/"), StartAfter: aws.String(awkwardKey2), MaxKeys: aws.Int32(7)})
				return err
			},
			http:  result{account: DefaultAccountID, arn: rootARN, payload: emptySHA256},
			https: result{account: DefaultAccountID, arn: rootARN, payload: emptySHA256},
		},
		{
			name: "second account", akid: "other", secret: "other",
			call: func(c *s3.Client) error {
				_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("bkt"), ExpectedBucketOwner: aws.String(DefaultAccountID)})
				return err
			},
			http:  result{account: SecondAccountID, arn: otherRootARN, payload: emptySHA256},
			https: result{account: SecondAccountID, arn: otherRootARN, payload: emptySHA256},
		},
		{
			name: "IAM user key", akid: "AKIAALICE", secret: "alice-secret",
			call: func(c *s3.Client) error {
				_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
				return err
			},
			http:  result{account: DefaultAccountID, arn: "arn:aws:iam::123456789012:user/dev/alice", payload: emptySHA256},
			https: result{account: DefaultAccountID, arn: "arn:aws:iam::123456789012:user/dev/alice", payload: emptySHA256},
		},
	}
	for _, tls := range []bool{false, true} {
		f := newFakeAWS(t)
		var srv *httptest.Server
		if tls {
			srv = httptest.NewTLSServer(f)
		} else {
			srv = httptest.NewServer(f)
		}
		t.Cleanup(srv.Close)
		for _, tc := range cases {
			want, scheme := tc.http, "http"
			if tls {
				want, scheme = tc.https, "https"
			}
			t.Run(scheme+"/"+tc.name, func(t *testing.T) {
				require.NoError(t, tc.call(s3Client(srv, tc.akid, tc.secret)))
				h := f.last(t)
				require.NoError(t, h.err)
				require.Equal(t, KindAccount, h.principal.Kind)
				require.Equal(t, want.account, h.principal.AccountID)
				require.Equal(t, want.arn, h.principal.ARN)
				require.Equal(t, tc.akid, h.principal.Key.AccessKeyID)
				require.Equal(t, Scope{AccessKeyID: tc.akid, Date: h.scope.Time.Format("20060102"), Region: "us-east-1", Service: "s3",
					Time: h.scope.Time, Signature: h.scope.Signature, PayloadHash: want.payload}, h.scope)
				require.WithinDuration(t, time.Now(), h.scope.Time, time.Minute)
				require.NoError(t, h.bodyErr)
				require.Equal(t, want.body, string(h.body))
				if want.trailer != "" {
					require.Equal(t, want.trailer, h.trailers.Get("x-amz-checksum-crc32"))
					require.Equal(t, "aws-chunked", h.header.Get("Content-Encoding"))
				}
				if want.header != "" {
					require.Equal(t, want.header, h.header.Get("X-Amz-Checksum-Crc32"))
				}
			})
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestS3PresignedURLs: URLs from s3.NewPresignClient verify; expired ones do not.
func TestS3PresignedURLs(t *testing.T) {
	ctx := context.Background()
	f := newFakeAWS(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	pc := s3.NewPresignClient(s3Client(srv, "test", "test"), s3.WithPresignExpires(10*time.Minute))

	get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(awkwardKey2), ResponseContentType: aws.String("text/plain; a=b")})
	require.NoError(t, err)
	put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(awkwardKey), ContentType: aws.String("text/plain")})
	require.NoError(t, err)

	send := func(t *testing.T, method, u string, hdr http.Header, body string) *http.Response {
		req, err := http.NewRequest(method, u, strings.NewReader(body))
		require.NoError(t, err)
		for k, vs := range hdr {
			if k != "Host" {
				req.Header[k] = vs
			}
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	cases := []struct {
		name     string
		offset   time.Duration
		method   string
		url      string
		hdr      http.Header
		body     string
		wantCode string
		wantMsg  string
	}{
		{name: "GET", method: http.MethodGet, url: get.URL, hdr: get.SignedHeader},
		{name: "PUT with body", method: http.MethodPut, url: put.URL, hdr: put.SignedHeader, body: objectBody},
		{name: "GET near expiry", offset: 9 * time.Minute, method: http.MethodGet, url: get.URL, hdr: get.SignedHeader},
		{name: "GET expired", offset: 11 * time.Minute, method: http.MethodGet, url: get.URL, hdr: get.SignedHeader,
			wantCode: CodeAccessDenied, wantMsg: "Request has expired"},
		{name: "GET tampered key", method: http.MethodGet, url: strings.Replace(get.URL, "/bkt/dir/", "/bkt/dyr/", 1), hdr: get.SignedHeader,
			wantCode: CodeSignatureDoesNotMatch},
		{name: "PUT other content type", method: http.MethodPut, url: put.URL, hdr: http.Header{"Content-Type": {"image/png"}}, body: objectBody,
			wantCode: CodeSignatureDoesNotMatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.setClock(tc.offset, false)
			resp := send(t, tc.method, tc.url, tc.hdr, tc.body)
			h := f.last(t)
			if tc.wantCode != "" {
				require.ErrorIs(t, h.err, &Error{Code: tc.wantCode})
				require.Equal(t, http.StatusForbidden, resp.StatusCode)
				if tc.wantMsg != "" {
					require.Contains(t, h.err.Error(), tc.wantMsg)
				}
				return
			}
			require.NoError(t, h.err)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Equal(t, rootARN, h.principal.ARN)
			require.True(t, h.scope.Presigned)
			require.Equal(t, UnsignedPayload, h.scope.PayloadHash)
			require.Equal(t, tc.body, string(h.body))
		})
	}
}

// TestS3ClientFailures: bad secret, unknown key, skewed clock, anonymous.
func TestS3ClientFailures(t *testing.T) {
	ctx := context.Background()
	f := newFakeAWS(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	get := func(c *s3.Client) error {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(awkwardKey)})
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	cases := []struct {
		name         string
		akid, secret string
		offset       time.Duration
		skewDate     bool // the server sends its (skewed) clock in Date: the SDK corrects itself
		wantCode     string
		wantAttempts int
		anonymous    bool
	}{
		{name: "bad secret", akid: "test", secret: "wrong", wantCode: CodeSignatureDoesNotMatch, wantAttempts: 1},
		{name: "unknown key", akid: "nobody", secret: "x", wantCode: CodeInvalidAccessKeyID, wantAttempts: 1},
		{name: "server clock 20 min ahead", akid: "test", secret: "test", offset: 20 * time.Minute, wantCode: CodeRequestTimeTooSkewed, wantAttempts: 1},
		{name: "server clock 20 min behind", akid: "test", secret: "test", offset: -20 * time.Minute, wantCode: CodeRequestTimeTooSkewed, wantAttempts: 1},
		{name: "server clock 14 min ahead", akid: "test", secret: "test", offset: 14 * time.Minute, wantAttempts: 1},
		{name: "SDK corrects its clock from Date", akid: "test", secret: "test", offset: time.Hour, skewDate: true, wantAttempts: 2},
		{name: "anonymous", anonymous: true, wantAttempts: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.setClock(tc.offset, tc.skewDate)
			err := get(s3Client(srv, tc.akid, tc.secret))
			hits := f.take()
			require.Len(t, hits, tc.wantAttempts)
			h := hits[len(hits)-1]
			if tc.wantCode != "" {
				require.Equal(t, tc.wantCode, apiCode(t, err))
				require.ErrorIs(t, h.err, &Error{Code: tc.wantCode})
				require.NotContains(t, h.err.Error(), tc.secret+"\n")
				return
			}
			require.NoError(t, err)
			require.NoError(t, h.err)
			if tc.anonymous {
				require.Equal(t, Anonymous(), h.principal)
				require.True(t, h.principal.IsAnonymous())
				return
			}
			require.Equal(t, rootARN, h.principal.ARN)
			if tc.skewDate {
				require.ErrorIs(t, hits[0].err, &Error{Code: CodeRequestTimeTooSkewed})
			}
		})
	}

	t.Run("bad secret carries S3's debugging fields", func(t *testing.T) {
		f.setClock(0, false)
		require.Error(t, get(s3Client(srv, "test", "wrong")))
		var ae *Error
		require.ErrorAs(t, f.last(t).err, &ae)
		require.Equal(t, "test", ae.AccessKeyID)
		require.Len(t, ae.SignatureProvided, 64)
		require.True(t, strings.HasPrefix(ae.CanonicalRequest, "GET\n/bkt/a%20b/c%2Bd%25e\nx-id=GetObject\n"), ae.CanonicalRequest)
		require.True(t, strings.HasPrefix(ae.StringToSign, "AWS4-HMAC-SHA256\n"), ae.StringToSign)
		require.NotContains(t, ae.CanonicalRequest+ae.StringToSign+ae.Error(), "wrong")
	})

	t.Run("plain unsigned GET", func(t *testing.T) {
		f.setClock(0, false)
		resp, err := srv.Client().Get(srv.URL + "/bkt/k")
		require.NoError(t, err)
		resp.Body.Close()
		h := f.last(t)
		require.NoError(t, h.err)
		require.True(t, h.principal.IsAnonymous())
		require.Equal(t, Scope{}, h.scope)
	})
}

// TestQueryAPIRequestsVerify: the STS client (a real Query API client: form POST, no
// x-amz-content-sha256) and a Redshift form post signed with the SDK's v4 signer.
func TestQueryAPIRequestsVerify(t *testing.T) {
	ctx := context.Background()
	f := newFakeAWS(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)

	cases := []struct {
		name         string
		akid, secret string
		offset       time.Duration
		skewDate     bool
		wantARN      string
		wantAccount  string
		wantCode     string
		wantMsg      string
		wantAttempts int
	}{
		{name: "root", akid: "test", secret: "test", wantARN: rootARN, wantAccount: DefaultAccountID, wantAttempts: 1},
		{name: "IAM user", akid: "AKIAALICE", secret: "alice-secret", wantARN: "arn:aws:iam::123456789012:user/dev/alice", wantAccount: DefaultAccountID, wantAttempts: 1},
		{name: "assumed role", akid: "ASIAROLE", secret: "role-secret", wantARN: "arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-7", wantAccount: SecondAccountID, wantAttempts: 1},
		{name: "bad secret", akid: "test", secret: "wrong", wantCode: CodeSignatureDoesNotMatch, wantMsg: "Check your AWS Secret Access Key", wantAttempts: 1},
		{name: "unknown key", akid: "nobody", secret: "x", wantCode: CodeInvalidClientTokenID, wantAttempts: 1},
		{name: "skewed", akid: "test", secret: "test", offset: -30 * time.Minute, wantCode: CodeSignatureDoesNotMatch, wantMsg: "Signature not yet current", wantAttempts: 1},
		{name: "SDK corrects its clock from Date", akid: "test", secret: "test", offset: time.Hour, skewDate: true, wantARN: rootARN, wantAccount: DefaultAccountID, wantAttempts: 2},
	}
	for _, tc := range cases {
		t.Run("sts/"+tc.name, func(t *testing.T) {
			f.setClock(tc.offset, tc.skewDate)
			out, err := stsClient(srv, tc.akid, tc.secret).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			hits := f.take()
			require.Len(t, hits, tc.wantAttempts)
			h := hits[len(hits)-1]
			if tc.wantCode != "" {
				require.Equal(t, tc.wantCode, apiCode(t, err))
				require.ErrorIs(t, h.err, &Error{Code: tc.wantCode})
				require.Contains(t, h.err.Error(), tc.wantMsg)
				return
			}
			require.NoError(t, err)
			require.NoError(t, h.err)
			require.Equal(t, tc.wantARN, aws.ToString(out.Arn))
			require.Equal(t, tc.wantAccount, aws.ToString(out.Account))
			require.Equal(t, "sts", h.scope.Service)
			require.Equal(t, "GetCallerIdentity", h.form, "the body is readable after Verify")
			require.Len(t, h.scope.PayloadHash, 64)
		})
	}

	t.Run("redshift form post", func(t *testing.T) {
		f.setClock(0, false)
		for _, secret := range []string{"test", "wrong"} {
			body := "Action=DescribeLoggingStatus&Version=2012-12-01&ClusterIdentifier=c1"
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			req.Header.Set("User-Agent", "aws-cli/2.15.0")
			err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: "test", SecretAccessKey: secret}, req, sha256Hex(body), "redshift", "eu-west-1", time.Now())
			require.NoError(t, err)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			h := f.last(t)
			require.Equal(t, "redshift", h.scope.Service)
			require.Equal(t, "eu-west-1", h.scope.Region)
			if secret == "wrong" {
				require.ErrorIs(t, h.err, &Error{Code: CodeSignatureDoesNotMatch})
				require.Equal(t, http.StatusForbidden, resp.StatusCode)
				continue
			}
			require.NoError(t, h.err)
			require.Equal(t, rootARN, h.principal.ARN)
			require.Equal(t, sha256Hex(body), h.scope.PayloadHash)
			require.Equal(t, "DescribeLoggingStatus", h.form)
		}
	})
}

// TestVerifyHandMade covers what real clients rarely send: odd signed headers, malformed
// Authorization, both mechanisms at once.
func TestVerifyHandMade(t *testing.T) {
	d, err := DefaultDirectory("")
	require.NoError(t, err)
	v := NewVerifier(d)
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	sign := func(r *http.Request, payload, service string) {
		require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"},
			r, payload, service, "us-east-1", now, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" }))
	}
	// A server-side request as net/http would parse it from what the client wrote.
	serverSide := func(t *testing.T, r *http.Request) *http.Request {
		var buf bytes.Buffer
		require.NoError(t, r.Write(&buf))
		req, err := http.ReadRequest(bufio.NewReader(&buf))
		require.NoError(t, err)
		return req
	}

	t.Run("client that signs user-agent and two x-amz-meta values", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "http://s3.local/bkt/k", nil)
		r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
		r.Header.Set("X-Amz-Date", now.Format(amzDateFormat))
		r.Header["X-Amz-Meta-A"] = []string{"1", "  two   words "}
		// What a client like the Java SDK v1 does: sign User-Agent too.
		r.Header.Set("User-Agent", "curl/8")
		c := canonicalClone(r, []string{"host", "user-agent", "x-amz-content-sha256", "x-amz-date", "x-amz-meta-a"})
		sign(c, UnsignedPayload, "s3")
		r.Header.Set("Authorization", c.Header.Get("Authorization"))
		require.Contains(t, r.Header.Get("Authorization"), "SignedHeaders=host;user-agent;x-amz-content-sha256;x-amz-date;x-amz-meta-a,")
		p, _, err := v.Verify(r, now)
		require.NoError(t, err)
		require.Equal(t, rootARN, p.ARN)
		r.Header.Set("User-Agent", "curl/9")
		_, _, err = v.Verify(r, now)
		require.ErrorIs(t, err, &Error{Code: CodeSignatureDoesNotMatch})
	})

	t.Run("non-S3 path is escaped twice", func(t *testing.T) {
		r, err := http.NewRequest(http.MethodGet, "http://api.local/a%20b/c", nil)
		require.NoError(t, err)
		sign(r, emptySHA256, "redshift")
		p, sc, err := v.Verify(serverSide(t, r), now)
		require.NoError(t, err)
		require.Equal(t, rootARN, p.ARN)
		require.Equal(t, emptySHA256, sc.PayloadHash)
	})

	good := func() *http.Request {
		r, err := http.NewRequest(http.MethodGet, "http://s3.local/bkt/k?list-type=2", nil)
		require.NoError(t, err)
		r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		sign(r, emptySHA256, "s3")
		return serverSide(t, r)
	}
	_, _, err = v.Verify(good(), now)
	require.NoError(t, err)

	cases := []struct {
		name     string
		edit     func(r *http.Request)
		wantCode string
		status   int
	}{
		{"sigv2", func(r *http.Request) { r.Header.Set("Authorization", "AWS test:abc") }, CodeInvalidRequest, 400},
		{"no signature", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Split(r.Header.Get("Authorization"), ", Signature=")[0])
		}, CodeAuthorizationHeaderMalformed, 400},
		{"bad terminator", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "aws4_request", "aws5_request", 1))
		}, CodeAuthorizationHeaderMalformed, 400},
		{"scope date is not X-Amz-Date's", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20240301/", "/20240302/", 1))
		}, CodeAuthorizationHeaderMalformed, 400},
		{"no x-amz-date", func(r *http.Request) { r.Header.Del("X-Amz-Date") }, CodeAccessDenied, 403},
		{"no x-amz-content-sha256 on s3", func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }, CodeInvalidRequest, 400},
		{"bad x-amz-content-sha256", func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", "nope") }, CodeInvalidArgument, 400},
		{"changed query", func(r *http.Request) { r.URL.RawQuery = "list-type=1" }, CodeSignatureDoesNotMatch, 403},
		{"header and query auth", func(r *http.Request) { r.URL.RawQuery += "&X-Amz-Signature=00" }, CodeInvalidArgument, 400},
		{"host not signed", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=host;", "SignedHeaders=", 1))
		}, CodeAuthorizationHeaderMalformed, 400},
		{"query API malformed", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20240301/us-east-1/redshift/aws4_request, Signature=00")
		}, CodeIncompleteSignature, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			tc.edit(r)
			_, _, err := v.Verify(r, now)
			var ae *Error
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tc.wantCode, ae.Code, ae.Error())
			require.Equal(t, tc.status, ae.HTTPStatus)
		})
	}
}

// TestErrorsAreClassified: errors.Is by code, and the documented messages.
func TestErrorsAreClassified(t *testing.T) {
	require.Equal(t, "The AWS Access Key Id you provided does not exist in our records.", errUnknownKey("s3", "x").Message)
	require.Equal(t, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", errSignature("s3").Message)
	require.Equal(t, 403, errSkew("s3", time.Now(), time.Now(), time.Minute).HTTPStatus)
	wrapped := errors.Join(errors.New("x"), errSignature("s3"))
	require.ErrorIs(t, wrapped, &Error{Code: CodeSignatureDoesNotMatch})
	require.NotErrorIs(t, wrapped, &Error{Code: CodeAccessDenied})
	sk := errSkew("sts", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC), 15*time.Minute)
	require.Equal(t, "Signature expired: 20240101T000000Z is now earlier than 20240101T004500Z (20240101T010000Z - 15 min.)", sk.Message)
}

// TestAnonymousUploadOverTLS: an anonymous SDK client still frames its body as aws-chunked
// with a trailing checksum; the anonymous scope says so and PayloadReader decodes it.
func TestAnonymousUploadOverTLS(t *testing.T) {
	f := newFakeAWS(t)
	srv := httptest.NewTLSServer(f)
	t.Cleanup(srv.Close)
	_, err := s3Client(srv, "", "").PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("public"), Key: aws.String(awkwardKey), Body: strings.NewReader(objectBody)})
	require.NoError(t, err)
	h := f.last(t)
	require.NoError(t, h.err)
	require.True(t, h.principal.IsAnonymous())
	require.Equal(t, objectBody, string(h.body))
	require.Equal(t, Scope{PayloadHash: StreamingUnsignedPayloadTrailer}, h.scope)
	require.Equal(t, crc32Base64(objectBody), h.trailers.Get("x-amz-checksum-crc32"))
}
