package auth

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signedBody frames chunks as a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body chained from the
// docs example's seed, signed with the SDK's StreamSigner.
func signedBody(tb testing.TB, chunks ...string) []byte {
	seed, _ := hex.DecodeString(docsSeed)
	ss := v4.NewStreamSigner(aws.Credentials{AccessKeyID: docsAccessKeyID, SecretAccessKey: docsSecret}, "s3", "us-east-1", seed)
	var b bytes.Buffer
	for _, c := range append(chunks, "") {
		sig, err := ss.GetSignature(context.Background(), nil, []byte(c), docsTime)
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&b, "%x;chunk-signature=%x\r\n%s\r\n", len(c), sig, c)
	}
	return b.Bytes()
}

// FuzzParseAuthorization: any header parses or fails with an *Error, never panics, and
// what parses is well-formed.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=test/20240301/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + docsSeed,
		"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host,Signature=" + docsSeed,
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=, Signature=",
		"AWS4-HMAC-SHA256 ",
		"AWS test:sig",
		"AWS4-HMAC-SHA256 Credential=,,,=,Signature==",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) || ae.HTTPStatus < 400 {
				t.Fatalf("error %v is not a classified *Error", err)
			}
			return
		}
		if !isHex64(a.signature) || len(a.signedHeaders) == 0 || a.scope.AccessKeyID == "" || len(a.scope.Date) != 8 {
			t.Fatalf("accepted a malformed header %q: %+v", h, a)
		}
		// Verify must not panic on it either, whatever the request.
		r := httptest.NewRequest(http.MethodGet, "http://h/", nil)
		r.Header.Set("Authorization", h)
		r.Header.Set("X-Amz-Date", a.scope.Date+"T000000Z")
		r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
		d, _ := DefaultDirectory("")
		now, _ := time.Parse(scopeDateFormat, a.scope.Date)
		_, _, _ = NewVerifier(d).Verify(r, now)
	})
}

// FuzzChunkedReader: any body decodes or fails with an *Error, never panics, never yields
// more bytes than it was given, and reads in bounded memory (streamed, lines bounded).
func FuzzChunkedReader(f *testing.F) {
	// Small signed bodies (the docs example is 66 KB: too big for the fuzzer to mutate well).
	f.Add(signedBody(f, "hello", " world"), true)
	f.Add(signedBody(f, "x"), true)
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), false)
	f.Add([]byte("ffffffffffffffff\r\n"), false)
	f.Add([]byte("5;chunk-signature=zz\r\nhel"), true)
	f.Add([]byte("0\r\n"+strings.Repeat("a:b\r\n", 70)), false)
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		mode := StreamingUnsignedPayloadTrailer
		if signed {
			mode = StreamingSignedPayload
			if bytes.Contains(body, []byte("x-amz-trailer-signature")) {
				mode = StreamingSignedPayloadTrailer
			}
		}
		cr, err := NewChunkedReader(bytes.NewReader(body), docsScope(mode), docsSecret)
		if err != nil {
			t.Fatal(err)
		}
		cr.MaxChunkSize = 1 << 20
		n, err := io.Copy(io.Discard, cr)
		if n > int64(len(body)) {
			t.Fatalf("decoded %d bytes from %d", n, len(body))
		}
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if cr.Trailers() != nil {
				t.Fatal("trailers after an error")
			}
			return
		}
		if cr.Trailers() == nil {
			t.Fatal("no trailers map after a clean end")
		}
	})
}
