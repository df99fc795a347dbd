package auth

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/require"
)

// The example of "Signature Calculations for the Authorization Header: Transferring Payload
// in Multiple Chunks" (S3 API reference, sigv4-streaming): 66560 bytes of 'a' in chunks of
// 65536, 1024 and 0, with AWS's published signatures.
const (
	docsAccessKeyID = "AKIAIOSFODNN7EXAMPLE"
	docsSecret      = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	docsSeed        = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	docsChunk1      = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
	docsChunk2      = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
	docsFinal       = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
	// aws-c-auth's chunk signing test extends the same example with the trailers
	// first:1st, second:2nd, third:3rd, signed after the final chunk.
	crtTrailerSig = "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c"
)

var docsTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

type chunk struct {
	size int
	sig  string
}

func docsBody(tamper func(i int, data []byte), trailer string) []byte {
	var b bytes.Buffer
	for i, c := range []chunk{{65536, docsChunk1}, {1024, docsChunk2}, {0, docsFinal}} {
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", c.size, c.sig)
		data := bytes.Repeat([]byte("a"), c.size)
		if tamper != nil {
			tamper(i, data)
		}
		b.Write(data)
		if c.size > 0 {
			b.WriteString("\r\n")
		}
	}
	b.WriteString(trailer)
	b.WriteString("\r\n")
	return b.Bytes()
}

func docsDirectory(t *testing.T) *Directory {
	d, err := NewDirectory(nil, []Key{{AccessKeyID: docsAccessKeyID, SecretAccessKey: docsSecret, AccountID: DefaultAccountID}})
	require.NoError(t, err)
	return d
}

func docsScope(mode string) Scope {
	return Scope{AccessKeyID: docsAccessKeyID, Date: "20130524", Region: "us-east-1", Service: "s3", Time: docsTime, Signature: docsSeed, PayloadHash: mode}
}

// TestChunkedDocsExample verifies the documented request (its seed signature) with the SDK
// signer, then its chunks.
func TestChunkedDocsExample(t *testing.T) {
	body := docsBody(nil, "")
	require.Len(t, body, 66824, "the Content-Length of the docs example")
	r := httptest.NewRequest(http.MethodPut, "http://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
	for k, v := range map[string]string{
		"X-Amz-Date":                   "20130524T000000Z",
		"X-Amz-Storage-Class":          "REDUCED_REDUNDANCY",
		"X-Amz-Content-Sha256":         StreamingSignedPayload,
		"Content-Encoding":             "aws-chunked",
		"X-Amz-Decoded-Content-Length": "66560",
		"Content-Length":               "66824",
		"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
			"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class," +
			"Signature=" + docsSeed,
	} {
		r.Header.Set(k, v)
	}
	p, sc, err := NewVerifier(docsDirectory(t)).Verify(r, docsTime.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, docsScope(StreamingSignedPayload), sc)
	pr, err := PayloadReader(r.Body, p, sc)
	require.NoError(t, err)
	got, err := io.ReadAll(pr)
	require.NoError(t, err)
	require.Equal(t, bytes.Repeat([]byte("a"), 66560), got)
	require.Empty(t, pr.(*ChunkedReader).Trailers())
}

func TestChunkedReader(t *testing.T) {
	a66560 := strings.Repeat("a", 66560)
	cases := []struct {
		name      string
		mode      string
		body      []byte
		maxChunk  int64
		want      string
		trailers  http.Header
		wantCode  string
		wantCause string
	}{
		{name: "docs example", mode: StreamingSignedPayload, body: docsBody(nil, ""), want: a66560},
		{name: "docs example, signed trailers (aws-c-auth vector)", mode: StreamingSignedPayloadTrailer,
			body: docsBody(nil, "first:1st\r\nsecond:2nd\r\nthird: 3rd\r\nx-amz-trailer-signature:"+crtTrailerSig+"\r\n"),
			want: a66560, trailers: http.Header{"First": {"1st"}, "Second": {"2nd"}, "Third": {"3rd"}}},
		{name: "tampered trailer", mode: StreamingSignedPayloadTrailer,
			body:     docsBody(nil, "first:1st\r\nsecond:2nd\r\nthird:4th\r\nx-amz-trailer-signature:"+crtTrailerSig+"\r\n"),
			wantCode: CodeSignatureDoesNotMatch, wantCause: "trailer signature"},
		{name: "missing trailer signature", mode: StreamingSignedPayloadTrailer, body: docsBody(nil, "first:1st\r\n"),
			wantCode: CodeInvalidRequest, wantCause: "x-amz-trailer-signature"},
		{name: "trailers in a signed body without trailer mode", mode: StreamingSignedPayload, body: docsBody(nil, "first:1st\r\n"),
			wantCode: CodeInvalidRequest},
		{name: "tampered second chunk", mode: StreamingSignedPayload,
			body: docsBody(func(i int, d []byte) {
				if i == 1 {
					d[512] = 'b'
				}
			}, ""),
			wantCode: CodeSignatureDoesNotMatch, wantCause: "chunk 2 signature"},
		{name: "chunks swapped signatures", mode: StreamingSignedPayload,
			body:     bytes.Replace(docsBody(nil, ""), []byte(docsChunk1), []byte(docsChunk2), 1),
			wantCode: CodeSignatureDoesNotMatch, wantCause: "chunk 1 signature"},
		{name: "truncated", mode: StreamingSignedPayload, body: docsBody(nil, "")[:66000],
			wantCode: CodeIncompleteBody},
		{name: "no final chunk", mode: StreamingSignedPayload, body: docsBody(nil, "")[:65626],
			wantCode: CodeIncompleteBody},
		{name: "chunk over the limit", mode: StreamingSignedPayload, body: docsBody(nil, ""), maxChunk: 65535,
			wantCode: CodeInvalidRequest, wantCause: "over the limit"},
		{name: "no chunk signature", mode: StreamingSignedPayload, body: []byte("5\r\nhello\r\n0\r\n\r\n"),
			wantCode: CodeInvalidRequest, wantCause: "chunk-signature"},
		{name: "bad size", mode: StreamingUnsignedPayloadTrailer, body: []byte("zz\r\nhello\r\n0\r\n\r\n"),
			wantCode: CodeInvalidRequest, wantCause: "bad size"},
		{name: "data longer than its size", mode: StreamingUnsignedPayloadTrailer, body: []byte("4\r\nhello\r\n0\r\n\r\n"),
			wantCode: CodeInvalidRequest, wantCause: "CRLF"},
		{name: "endless line", mode: StreamingUnsignedPayloadTrailer, body: bytes.Repeat([]byte("1"), 10000),
			wantCode: CodeInvalidRequest, wantCause: "longer than"},
		{name: "unsigned with trailer", mode: StreamingUnsignedPayloadTrailer,
			body: []byte("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"),
			want: "hello world", trailers: http.Header{"X-Amz-Checksum-Crc32": {"DUoRhQ=="}}},
		{name: "unsigned, body ends after the trailers", mode: StreamingUnsignedPayloadTrailer,
			body: []byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n"),
			want: "hello", trailers: http.Header{"X-Amz-Checksum-Crc32": {"NhCmhg=="}}},
		{name: "unsigned, empty", mode: StreamingUnsignedPayloadTrailer, body: []byte("0\r\n\r\n"), want: "", trailers: http.Header{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := docsScope(tc.mode)
			cr, err := NewChunkedReader(bytes.NewReader(tc.body), sc, docsSecret)
			require.NoError(t, err)
			cr.MaxChunkSize = tc.maxChunk
			// One byte at a time, so that every boundary falls between reads.
			got, err := io.ReadAll(iotest.OneByteReader(cr))
			if tc.wantCode != "" {
				require.ErrorIs(t, err, &Error{Code: tc.wantCode}, "%v", err)
				require.Contains(t, err.Error(), tc.wantCause)
				require.Nil(t, cr.Trailers())
				_, again := cr.Read(make([]byte, 10))
				require.Equal(t, err, again, "the error sticks")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
			if tc.trailers == nil {
				tc.trailers = http.Header{}
			}
			require.Equal(t, tc.trailers, cr.Trailers())
		})
	}
}

// TestChunkSignaturesMatchSDK: the chunk chain fakeshift checks is the one the SDK's
// StreamSigner computes, and a request signed for streaming with the SDK verifies end to
// end over HTTP.
func TestChunkSignaturesMatchSDK(t *testing.T) {
	f := newFakeAWS(t)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}

	build := func(t *testing.T, secret string, tamper bool) *http.Request {
		chunks := [][]byte{bytes.Repeat([]byte("x"), 8192), []byte("tail"), nil}
		decoded := 8192 + 4
		// The encoded length, known before signing: each chunk is hex;chunk-signature=<64>\r\n data \r\n.
		encoded := 0
		for _, c := range chunks {
			encoded += len(strconv.FormatInt(int64(len(c)), 16)) + len(";chunk-signature=") + 64 + 2 + len(c) + 2
		}
		req, err := http.NewRequest(http.MethodPut, srv.URL+"/bkt/streamed", nil)
		require.NoError(t, err)
		req.ContentLength = int64(encoded)
		req.Header.Set("Content-Encoding", "aws-chunked")
		req.Header.Set("X-Amz-Content-Sha256", StreamingSignedPayload)
		req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(decoded))
		now := time.Now().UTC()
		c := creds
		c.SecretAccessKey = secret
		require.NoError(t, v4.NewSigner().SignHTTP(ctx, c, req, StreamingSignedPayload, "s3", "us-east-1", now,
			func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }))
		seed := req.Header.Get("Authorization")
		seed = seed[strings.LastIndex(seed, "=")+1:]
		seedBytes, err := hex.DecodeString(seed)
		require.NoError(t, err)
		ss := v4.NewStreamSigner(c, "s3", "us-east-1", seedBytes)
		var body bytes.Buffer
		for i, ch := range chunks {
			sig, err := ss.GetSignature(ctx, nil, ch, now)
			require.NoError(t, err)
			data := append([]byte(nil), ch...)
			if tamper && i == 1 {
				data[0] = 'T'
			}
			fmt.Fprintf(&body, "%x;chunk-signature=%x\r\n%s\r\n", len(ch), sig, data)
		}
		require.Equal(t, encoded, body.Len())
		req.Body = io.NopCloser(&body)
		return req
	}
	cases := []struct {
		name     string
		secret   string
		tamper   bool
		wantBody string
		wantCode string
	}{
		{name: "verifies", secret: "test", wantBody: strings.Repeat("x", 8192) + "tail"},
		{name: "tampered chunk", secret: "test", tamper: true, wantCode: CodeSignatureDoesNotMatch},
		{name: "bad secret", secret: "nope", wantCode: CodeSignatureDoesNotMatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.setClock(0, false)
			resp, err := srv.Client().Do(build(t, tc.secret, tc.tamper))
			require.NoError(t, err)
			resp.Body.Close()
			h := f.last(t)
			if tc.wantCode != "" {
				if h.err == nil {
					require.ErrorIs(t, h.bodyErr, &Error{Code: tc.wantCode})
				} else {
					require.ErrorIs(t, h.err, &Error{Code: tc.wantCode})
				}
				require.Equal(t, http.StatusForbidden, resp.StatusCode)
				return
			}
			require.NoError(t, h.err)
			require.NoError(t, h.bodyErr)
			require.Equal(t, StreamingSignedPayload, h.scope.PayloadHash)
			require.Equal(t, tc.wantBody, string(h.body))
		})
	}
}

func TestPayloadHash(t *testing.T) {
	body := []byte("hello")
	good := sha256Hex("hello")
	cases := []struct {
		name, declared string
		wantCode       string
	}{
		{"match", good, ""},
		{"match upper-case hex", strings.ToUpper(good), ""},
		{"mismatch", sha256Hex("hellO"), CodeContentSHA256Mismatch},
		{"unsigned", UnsignedPayload, ""},
		{"streaming", StreamingSignedPayload, CodeInvalidRequest},
		{"garbage", "x", CodeInvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyPayloadHash(body, tc.declared)
			rerr := error(nil)
			if isHex64(tc.declared) {
				_, rerr = io.ReadAll(NewHashReader(bytes.NewReader(body), tc.declared))
			}
			if tc.wantCode == "" {
				require.NoError(t, err)
				require.NoError(t, rerr)
				return
			}
			require.ErrorIs(t, err, &Error{Code: tc.wantCode})
			if isHex64(tc.declared) {
				require.ErrorIs(t, rerr, ErrContentSHA256Mismatch)
			}
		})
	}
}
