package s3fake

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/auth"
)

// maxSmallBody bounds the bodies s3fake reads whole: policies, ACLs, configurations,
// CompleteMultipartUpload and DeleteObjects documents.
const maxSmallBody = 4 << 20

// maxObjectSize is S3's limit for one PUT (5 GiB).
const maxObjectSize = 5 << 30

// readSmallBody reads a small request body whole and checks it against the payload hash
// the request was signed with.
func readSmallBody(c *call) ([]byte, error) {
	if c.r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(c.r.Body, maxSmallBody+1))
	if err != nil {
		return nil, errIncompleteBody(err)
	}
	if len(body) > maxSmallBody {
		return nil, s3err("MaxMessageLengthExceeded", http.StatusBadRequest, "Your request was too big.")
	}
	declared := c.scope.PayloadHash
	if declared == "" {
		declared = c.r.Header.Get("x-amz-content-sha256")
	}
	if strings.HasPrefix(declared, "STREAMING-") {
		return nil, errInvalidRequest
	}
	if err := auth.VerifyPayloadHash(body, declared); err != nil {
		return nil, err
	}
	return body, nil
}

func errIncompleteBody(err error) error {
	e := s3err("IncompleteBody", http.StatusBadRequest, "The request body terminated unexpectedly")
	return errors.Join(e, err)
}

// checksumAlgorithms are the flexible checksums S3 verifies (x-amz-checksum-<name>).
var checksumAlgorithms = map[string]struct {
	label string // as S3's BadDigest message names it
	new   func() hash.Hash
}{
	"crc32":     {"CRC32", func() hash.Hash { return crc32.NewIEEE() }},
	"crc32c":    {"CRC32C", func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	"crc64nvme": {"CRC64NVME", func() hash.Hash { return crc64.New(crc64NVME) }},
	"sha1":      {"SHA1", sha1.New},
	"sha256":    {"SHA256", sha256.New},
}

// crc64NVME is the CRC-64/NVME table (reflected polynomial 0x9a6c9329ac4bc9b5).
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// objectBody is an upload's payload: aws-chunked decoded, its signature or SHA-256 and its
// flexible checksum verified as it is read. The first failure is kept in err; the reader
// returns it instead of io.EOF, so the backend commits nothing.
type objectBody struct {
	r      io.Reader
	length int64 // decoded length, as declared

	chunked  *auth.ChunkedReader // for a trailing checksum
	algo     string              // "crc32", ...; "" for none
	sum      hash.Hash
	want     string // base64 value from the header; "" when it comes in a trailer
	trailer  string // x-amz-checksum-<algo> when it comes in a trailer
	computed string // base64 of what was read, once read whole

	err error
}

func (b *objectBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	if b.sum != nil && n > 0 {
		b.sum.Write(p[:n])
	}
	if err == io.EOF {
		if cerr := b.checkSum(); cerr != nil {
			err = cerr
		}
	}
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func (b *objectBody) checkSum() error {
	if b.sum == nil {
		return nil
	}
	b.computed = base64.StdEncoding.EncodeToString(b.sum.Sum(nil))
	want := b.want
	if b.trailer != "" {
		if b.chunked == nil || b.chunked.Trailers() == nil {
			return s3err("InvalidRequest", http.StatusBadRequest, "The request does not contain the declared trailer "+b.trailer)
		}
		want = b.chunked.Trailers().Get(b.trailer)
	}
	if want != b.computed {
		return s3err("BadDigest", http.StatusBadRequest,
			"The "+checksumAlgorithms[b.algo].label+" you specified did not match the calculated checksum.")
	}
	return nil
}

// newObjectBody prepares an upload's body for the backend.
func newObjectBody(c *call) (*objectBody, error) {
	r := c.r
	declared := c.scope.PayloadHash
	if declared == "" {
		declared = r.Header.Get("x-amz-content-sha256")
	}
	b := &objectBody{}
	switch {
	case strings.HasPrefix(declared, "STREAMING-"):
		n, err := strconv.ParseInt(r.Header.Get("x-amz-decoded-content-length"), 10, 64)
		if err != nil || n < 0 {
			return nil, errMissingLength
		}
		b.length = n
		var cr *auth.ChunkedReader
		if c.scope.AccessKeyID != "" {
			pr, err := auth.PayloadReader(r.Body, c.principal, c.scope)
			if err != nil {
				return nil, err
			}
			cr, _ = pr.(*auth.ChunkedReader)
		} else if declared == auth.StreamingUnsignedPayloadTrailer {
			if cr, err = auth.NewChunkedReader(r.Body, auth.Scope{PayloadHash: declared}, ""); err != nil {
				return nil, err
			}
		}
		if cr == nil {
			return nil, s3err("InvalidRequest", http.StatusBadRequest, "x-amz-content-sha256 "+declared+" needs a signed request")
		}
		b.r, b.chunked = cr, cr
	default:
		if r.ContentLength < 0 {
			return nil, errMissingLength
		}
		b.length = r.ContentLength
		if c.scope.AccessKeyID != "" {
			pr, err := auth.PayloadReader(r.Body, c.principal, c.scope)
			if err != nil {
				return nil, err
			}
			b.r = pr
		} else if declared != "" && declared != auth.UnsignedPayload {
			b.r = auth.NewHashReader(r.Body, declared)
		} else {
			b.r = r.Body
		}
	}
	if b.length > maxObjectSize {
		return nil, errEntityTooLarge
	}
	for name, a := range checksumAlgorithms {
		if v := r.Header.Get("x-amz-checksum-" + name); v != "" {
			b.algo, b.sum, b.want = name, a.new(), v
		}
	}
	if t := strings.ToLower(strings.TrimSpace(r.Header.Get("x-amz-trailer"))); t != "" {
		name, ok := strings.CutPrefix(t, "x-amz-checksum-")
		a, known := checksumAlgorithms[name]
		if !ok || !known {
			return nil, errInvalidArgument.withArg("x-amz-trailer", t)
		}
		if b.chunked == nil {
			return nil, s3err("InvalidRequest", http.StatusBadRequest, "x-amz-trailer needs an aws-chunked body")
		}
		b.algo, b.sum, b.trailer = name, a.new(), t
	}
	return b, nil
}

// keptHeaders are the request headers gofakes3 may see besides x-amz-meta-*: the object's
// own headers and the conditions. Everything else of x-amz-* is dropped, because gofakes3
// stores every x-amz-* header as object metadata and returns it on GET (CopyObject, whose
// x-amz-copy-source* headers those were, s3fake serves itself). Of the other standard
// headers, gofakes3 stores only these: Cache-Control, Content-Language and Expires are not
// kept (README, S3, Limits).
var keptHeaders = map[string]bool{
	"Content-Type": true, "Content-Disposition": true, "Content-Encoding": true, "Content-Md5": true,
	"Content-Length": true, "Range": true, "If-Match": true, "If-None-Match": true,
	"If-Modified-Since": true, "If-Unmodified-Since": true,
}

// cleanHeaders returns the headers gofakes3 gets: keptHeaders and user metadata, with
// aws-chunked taken out of Content-Encoding.
func cleanHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if keptHeaders[k] || strings.HasPrefix(k, "X-Amz-Meta-") {
			out[k] = v
		}
	}
	if ce := out.Get("Content-Encoding"); ce != "" {
		var kept []string
		for _, part := range strings.Split(ce, ",") {
			if p := strings.TrimSpace(part); p != "" && p != "aws-chunked" {
				kept = append(kept, p)
			}
		}
		if len(kept) == 0 {
			out.Del("Content-Encoding")
		} else {
			out.Set("Content-Encoding", strings.Join(kept, ","))
		}
	}
	return out
}

// capture holds a response gofakes3 writes, so that s3fake can answer with the body's own
// error (a bad chunk signature, a checksum mismatch) in place of the error gofakes3 makes of
// it.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }
func (c *capture) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(p)
}
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

// flush copies the captured response to w.
func (c *capture) flush(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	if c.status == 0 {
		c.status = http.StatusOK
	}
	w.WriteHeader(c.status)
	w.Write(c.body.Bytes())
}
