package auth

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Bounds of the aws-chunked decoder.
const (
	// DefaultMaxChunkSize bounds one chunk's declared size. Chunk data is streamed, not
	// buffered, so this bounds nonsense rather than memory; SDKs send 8 KiB to 1 MiB.
	DefaultMaxChunkSize = 64 << 20
	maxChunkLine        = 4096 // a chunk header or trailer line
	maxTrailers         = 64
)

// ChunkedReader decodes an aws-chunked body (Content-Encoding: aws-chunked):
//
//	<hex size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n[trailers]\r\n
//
// In the signed modes (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) every chunk's
// signature is checked, chained from the request's seed signature; with -TRAILER the
// trailers end with x-amz-trailer-signature, checked too. In STREAMING-UNSIGNED-PAYLOAD-TRAILER
// chunks carry no signature.
//
// Data is returned as it arrives; a chunk's signature is checked when its end is read, so
// a bad chunk surfaces as an error from Read after its bytes: whoever consumes the reader
// must not commit anything until Read has returned io.EOF. Errors are *Error:
// SignatureDoesNotMatch for a bad chunk or trailer signature, IncompleteBody for a body
// that ends early, InvalidRequest for malformed framing or a chunk over MaxChunkSize.
type ChunkedReader struct {
	// MaxChunkSize bounds a chunk's declared size; set it before the first Read. Zero
	// means DefaultMaxChunkSize.
	MaxChunkSize int64

	br       *bufio.Reader
	mode     string
	signed   bool
	key      []byte // derived signing key (signed modes)
	amzDate  string
	scope    string
	prevSig  string
	state    int
	left     int64 // bytes of the current chunk not yet read
	h        hash.Hash
	chunkSig string
	chunks   int
	trailers http.Header
	err      error
}

const (
	stateHeader = iota
	stateData
	stateDone
)

// NewChunkedReader returns a decoder of body in the mode s.PayloadHash declares. The signed
// modes need s.Signature (the seed), s.Time, the scope fields and the key's secret; the
// unsigned mode ignores them.
func NewChunkedReader(body io.Reader, s Scope, secretAccessKey string) (*ChunkedReader, error) {
	c := &ChunkedReader{br: bufio.NewReaderSize(body, maxChunkLine), mode: s.PayloadHash, h: sha256.New()}
	switch s.PayloadHash {
	case StreamingUnsignedPayloadTrailer:
	case StreamingSignedPayload, StreamingSignedPayloadTrailer:
		if secretAccessKey == "" || !isHex64(s.Signature) || s.Time.IsZero() || s.Region == "" || s.Service == "" {
			return nil, errors.New("auth: a signed aws-chunked body needs the secret, the seed signature, the request time and the credential scope")
		}
		c.signed = true
		c.amzDate = s.Time.UTC().Format(amzDateFormat)
		date := s.Time.UTC().Format(scopeDateFormat)
		c.scope = date + "/" + s.Region + "/" + s.Service + "/" + scopeTerminator
		c.key = deriveSigningKey(secretAccessKey, date, s.Region, s.Service)
		c.prevSig = strings.ToLower(s.Signature)
	default:
		return nil, fmt.Errorf("auth: %q is not an aws-chunked payload mode", s.PayloadHash)
	}
	return c, nil
}

// Trailers returns the trailers (x-amz-checksum-crc32: …), without x-amz-trailer-signature,
// once Read has returned io.EOF; nil before.
func (c *ChunkedReader) Trailers() http.Header {
	if c.state != stateDone {
		return nil
	}
	return c.trailers
}

// Read reads decoded data.
func (c *ChunkedReader) Read(p []byte) (int, error) {
	for {
		if c.err != nil {
			return 0, c.err
		}
		switch c.state {
		case stateDone:
			return 0, io.EOF
		case stateHeader:
			c.err = c.readChunkHeader()
		case stateData:
			if c.left == 0 {
				c.err = c.endChunk()
				continue
			}
			if len(p) == 0 {
				return 0, nil
			}
			n := int64(len(p))
			if n > c.left {
				n = c.left
			}
			m, err := c.br.Read(p[:n])
			c.h.Write(p[:m])
			c.left -= int64(m)
			if err != nil && (c.left > 0 || !errors.Is(err, io.EOF)) {
				c.err = truncated(err)
			}
			if m > 0 {
				return m, nil
			}
		}
	}
}

func (c *ChunkedReader) maxChunk() int64 {
	if c.MaxChunkSize > 0 {
		return c.MaxChunkSize
	}
	return DefaultMaxChunkSize
}

// readChunkHeader reads "<hex size>[;chunk-signature=<sig>]".
func (c *ChunkedReader) readChunkHeader() error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	sizeStr, ext, hasExt := strings.Cut(line, ";")
	if sizeStr == "" || len(sizeStr) > 16 {
		return malformed("chunk %d: bad size line %q", c.chunks+1, clip(line))
	}
	size, err := strconv.ParseUint(sizeStr, 16, 64)
	if err != nil {
		return malformed("chunk %d: bad size %q", c.chunks+1, clip(sizeStr))
	}
	if size > uint64(c.maxChunk()) {
		return malformed("chunk %d: size %d is over the limit of %d bytes", c.chunks+1, size, c.maxChunk())
	}
	c.chunkSig = ""
	if c.signed {
		sig, ok := strings.CutPrefix(ext, "chunk-signature=")
		if !hasExt || !ok || !isHex64(sig) {
			return malformed("chunk %d: want ;chunk-signature=<64 hex digits>, got %q", c.chunks+1, clip(line))
		}
		c.chunkSig = strings.ToLower(sig)
	}
	c.chunks++
	c.h.Reset()
	if size == 0 {
		if err := c.checkChunkSignature(); err != nil {
			return err
		}
		return c.readTrailers()
	}
	c.left = int64(size)
	c.state = stateData
	return nil
}

// endChunk reads the CRLF after a chunk's data and checks its signature.
func (c *ChunkedReader) endChunk() error {
	var crlf [2]byte
	if _, err := io.ReadFull(c.br, crlf[:]); err != nil {
		return truncated(err)
	}
	if crlf != [2]byte{'\r', '\n'} {
		return malformed("chunk %d: data is not followed by CRLF", c.chunks)
	}
	if err := c.checkChunkSignature(); err != nil {
		return err
	}
	c.state = stateHeader
	return nil
}

// checkChunkSignature checks the current chunk's signature:
// HMAC(key, "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<prev sig>\n<sha256 "">\n<sha256 data>").
func (c *ChunkedReader) checkChunkSignature() error {
	if !c.signed {
		return nil
	}
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + c.amzDate + "\n" + c.scope + "\n" + c.prevSig + "\n" +
		emptySHA256 + "\n" + hex.EncodeToString(c.h.Sum(nil))
	want := hex.EncodeToString(hmacSHA256(c.key, []byte(sts)))
	if subtle.ConstantTimeCompare([]byte(want), []byte(c.chunkSig)) != 1 {
		e := errSignature("s3")
		e.Err = fmt.Errorf("aws-chunked: chunk %d signature does not match", c.chunks)
		return e
	}
	c.prevSig = c.chunkSig
	return nil
}

// readTrailers reads the trailer lines after the final chunk, up to the empty line (or
// the end of the body), and checks the trailer signature in the signed-trailer mode.
func (c *ChunkedReader) readTrailers() error {
	c.trailers = http.Header{}
	var canonical strings.Builder
	var sig string
	for n := 0; ; n++ {
		line, err := c.readLine()
		if errors.Is(err, errEndOfBody) || (err == nil && line == "") {
			break
		}
		if err != nil {
			return err
		}
		if n >= maxTrailers {
			return malformed("more than %d trailers", maxTrailers)
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" || !isToken(name) {
			return malformed("bad trailer line %q", clip(line))
		}
		value = strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			sig = value
			continue
		}
		if sig != "" {
			return malformed("trailer %q after x-amz-trailer-signature", name)
		}
		c.trailers.Add(name, value)
		canonical.WriteString(name + ":" + value + "\n")
	}
	switch c.mode {
	case StreamingSignedPayload:
		if len(c.trailers) > 0 || sig != "" {
			return malformed("trailers in a %s body", StreamingSignedPayload)
		}
	case StreamingSignedPayloadTrailer:
		if !isHex64(sig) {
			return malformed("the trailers lack x-amz-trailer-signature")
		}
		sum := sha256.Sum256([]byte(canonical.String()))
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + c.amzDate + "\n" + c.scope + "\n" + c.prevSig + "\n" + hex.EncodeToString(sum[:])
		want := hex.EncodeToString(hmacSHA256(c.key, []byte(sts)))
		if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(sig))) != 1 {
			e := errSignature("s3")
			e.Err = errors.New("aws-chunked: trailer signature does not match")
			return e
		}
	}
	c.state = stateDone
	return nil
}

// errEndOfBody is readLine's io.EOF before any byte of a line: allowed where the body may
// end (instead of the blank line after the trailers).
var errEndOfBody = errors.New("end of body")

// readLine reads a line ending in CRLF (or LF), without the ending, of at most
// maxChunkLine bytes.
func (c *ChunkedReader) readLine() (string, error) {
	b, err := c.br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", malformed("a line longer than %d bytes", maxChunkLine)
	case errors.Is(err, io.EOF) && len(b) == 0 && c.trailers != nil:
		return "", errEndOfBody
	case err != nil:
		return "", truncated(err)
	}
	b = b[:len(b)-1]
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return string(b), nil
}

func malformed(format string, args ...any) *Error {
	return &Error{
		Code: CodeInvalidRequest, HTTPStatus: http.StatusBadRequest,
		Message: "Malformed aws-chunked body",
		Err:     fmt.Errorf(format, args...),
	}
}

func truncated(err error) *Error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.ErrUnexpectedEOF
	}
	return &Error{Code: CodeIncompleteBody, HTTPStatus: http.StatusBadRequest, Message: msgIncompleteBody, Err: err}
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// deriveSigningKey is SigV4's kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
// service), "aws4_request"). (The SDK derives the same key for requests; chunk signatures
// need it for a streamed hash, which the SDK's StreamSigner does not take.)
func deriveSigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte(scopeTerminator))
}
