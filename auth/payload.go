package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strings"
)

// VerifyPayloadHash checks body against a declared x-amz-content-sha256: a hex SHA-256 must
// match (XAmzContentSHA256Mismatch otherwise); UNSIGNED-PAYLOAD and "" (nothing declared)
// accept any body. A STREAMING-* value is an error: such a body needs a ChunkedReader.
func VerifyPayloadHash(body []byte, declared string) error {
	switch {
	case declared == "" || declared == UnsignedPayload:
		return nil
	case isHex64(declared):
		sum := sha256.Sum256(body)
		if !equalHex(sum[:], declared) {
			return contentSHA256Mismatch()
		}
		return nil
	case strings.HasPrefix(declared, "STREAMING-"):
		return newError(CodeInvalidRequest, http.StatusBadRequest, "an aws-chunked body ("+declared+") must be read with a ChunkedReader")
	}
	return newError(CodeInvalidArgument, http.StatusBadRequest, msgInvalidContentSHA256)
}

func contentSHA256Mismatch() *Error {
	e := *ErrContentSHA256Mismatch
	return &e
}

// equalHex compares a digest with a declared hex digest (either case) in constant time.
func equalHex(sum []byte, declared string) bool {
	want, err := hex.DecodeString(declared)
	return err == nil && subtle.ConstantTimeCompare(sum, want) == 1
}

// NewHashReader returns a reader over r that, at the end of r, returns
// XAmzContentSHA256Mismatch (an *Error) instead of io.EOF when what was read does not
// hash to declaredHex. The bytes are returned as they are read: whoever consumes them
// must not commit anything until the reader has returned io.EOF.
func NewHashReader(r io.Reader, declaredHex string) io.Reader {
	return &hashReader{r: r, h: sha256.New(), want: declaredHex}
}

type hashReader struct {
	r    io.Reader
	h    hash.Hash
	want string
	err  error
}

func (h *hashReader) Read(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	if errors.Is(err, io.EOF) {
		if !equalHex(h.h.Sum(nil), h.want) {
			err = contentSHA256Mismatch()
		}
		h.err = err
	} else if err != nil {
		h.err = err
	}
	return n, err
}

// PayloadReader returns a reader of r's decoded, verified body for a request Verify
// accepted as p with scope s (r being the request's body): the body as is for
// UNSIGNED-PAYLOAD (or nothing declared), a NewHashReader for a hex hash, a *ChunkedReader
// for the aws-chunked modes (type-assert it for Trailers). A signed aws-chunked body needs
// p's key.
func PayloadReader(r io.Reader, p Principal, s Scope) (io.Reader, error) {
	switch ph := s.PayloadHash; {
	case ph == "" || ph == UnsignedPayload:
		return r, nil
	case isHex64(ph):
		return NewHashReader(r, ph), nil
	case ph == StreamingUnsignedPayloadTrailer:
		return NewChunkedReader(r, s, "")
	case ph == StreamingSignedPayload || ph == StreamingSignedPayloadTrailer:
		if p.Kind != KindAccount || p.Key == nil {
			return nil, newError(CodeAccessDenied, http.StatusForbidden, "a signed aws-chunked body needs a signed request")
		}
		return NewChunkedReader(r, s, p.Key.SecretAccessKey)
	}
	return nil, newError(CodeInvalidArgument, http.StatusBadRequest, msgInvalidContentSHA256)
}
