package auth

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	amzDateFormat   = "20060102T150405Z"
	scopeDateFormat = "20060102"
	scopeTerminator = "aws4_request"

	// DefaultMaxSkew is how far X-Amz-Date may be from the verifier's clock (AWS: 15 minutes).
	DefaultMaxSkew = 15 * time.Minute
	// DefaultMaxHashedBody bounds the body Verify reads to hash when a request does not
	// declare x-amz-content-sha256 (Query API form posts).
	DefaultMaxHashedBody = 10 << 20
	// MaxPresignExpires is the longest X-Amz-Expires S3 accepts: 7 days.
	MaxPresignExpires = 7 * 24 * time.Hour
)

// Payload hashes a request can declare in x-amz-content-sha256, besides a hex SHA-256.
const (
	UnsignedPayload                 = "UNSIGNED-PAYLOAD"
	StreamingSignedPayload          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedPayloadTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	emptySHA256                     = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// Scope is the SigV4 credential scope of a signed request, plus what a body reader needs
// from the request (its time, its signature and its declared payload hash).
type Scope struct {
	AccessKeyID string
	Date        string // yyyymmdd
	Region      string
	Service     string

	// Time is X-Amz-Date.
	Time time.Time
	// Signature is the request's signature: the seed of an aws-chunked body's chain.
	Signature string
	// PayloadHash is what the signature covers for the body: x-amz-content-sha256 as sent
	// (a hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* mode) or, when the request did not
	// send it, the hex SHA-256 Verify computed from the body.
	PayloadHash string
	// Presigned: the signature came in the query string.
	Presigned bool
}

// String is the credential scope: yyyymmdd/region/service/aws4_request.
func (s Scope) String() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + scopeTerminator
}

// Verifier authenticates SigV4-signed HTTP requests against a Directory. Its fields are read
// on each call; zero values mean the defaults.
type Verifier struct {
	Directory *Directory
	// MaxSkew is how far X-Amz-Date may differ from now. Zero means DefaultMaxSkew.
	MaxSkew time.Duration
	// MaxHashedBody bounds the body read to hash it when x-amz-content-sha256 is absent.
	// Zero means DefaultMaxHashedBody.
	MaxHashedBody int64
}

// NewVerifier returns a verifier with the default limits.
func NewVerifier(d *Directory) *Verifier { return &Verifier{Directory: d} }

// Verify authenticates r. An unsigned request (no Authorization header, no X-Amz-Algorithm,
// X-Amz-Credential or X-Amz-Signature query parameter) is the anonymous principal, with no
// error. A signed one is recomputed with the AWS SDK's SigV4 signer, over exactly the
// headers the client signed, and compared in constant time.
//
// now is the wall clock: X-Amz-Date more than MaxSkew away is RequestTimeTooSkewed, a
// presigned URL past X-Amz-Date + X-Amz-Expires is AccessDenied "Request has expired".
//
// Verify does not read the body when the request declares x-amz-content-sha256: a hex hash
// is checked by whoever reads the body (PayloadReader, VerifyPayloadHash), an aws-chunked
// body by a ChunkedReader. When it is absent (the Query API services), Verify reads up to
// MaxHashedBody bytes, hashes them and puts them back in r.Body.
//
// On error the Scope holds what could be parsed (its Service picks the error dialect), and
// the error is an *Error.
func (v *Verifier) Verify(r *http.Request, now time.Time) (Principal, Scope, error) {
	authz := r.Header.Get("Authorization")
	query := r.URL.Query()
	presigned := query.Has("X-Amz-Algorithm") || query.Has("X-Amz-Credential") || query.Has("X-Amz-Signature")
	switch {
	case authz == "" && !presigned:
		// An anonymous client may still frame its body (aws-chunked with an unsigned
		// trailer) and declare so; PayloadReader needs to know.
		sc := Scope{}
		if ph := r.Header.Get("X-Amz-Content-Sha256"); ph == UnsignedPayload || ph == StreamingUnsignedPayloadTrailer || isHex64(ph) {
			sc.PayloadHash = ph
		}
		return Anonymous(), sc, nil
	case authz != "" && presigned:
		return Principal{}, Scope{}, newError(CodeInvalidArgument, http.StatusBadRequest, msgOnlyOneAuthMechanism)
	case presigned:
		return v.verifyPresigned(r, query, now)
	default:
		return v.verifyHeader(r, authz, now)
	}
}

// authorization is a parsed Authorization header or presigned query.
type authorization struct {
	scope         Scope
	signedHeaders []string
	signature     string
}

// parseAuthorization parses "AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request,
// SignedHeaders=h1;h2, Signature=hex". Components may be separated by "," with optional
// spaces. It returns the scope parsed so far with any error.
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	alg, rest, _ := strings.Cut(strings.TrimLeft(h, " "), " ")
	if alg != algorithm {
		return a, newError(CodeInvalidRequest, http.StatusBadRequest, msgUnsupportedAuthMechanism)
	}
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			if strings.TrimSpace(part) == "" {
				continue
			}
			return a, errMalformed("", "Authorization header is malformed: "+strconv.Quote(strings.TrimSpace(part))+" is not a key=value pair")
		}
		switch k {
		case "Credential":
			cred, haveCred = val, true
		case "SignedHeaders":
			signed, haveSigned = val, true
		case "Signature":
			sig, haveSig = val, true
		default:
			return a, errMalformed("", "Authorization header is malformed: unknown component "+strconv.Quote(k))
		}
	}
	if !haveCred {
		return a, errMalformed("", "Authorization header requires 'Credential' parameter.")
	}
	sc, err := parseCredential(cred)
	a.scope = sc
	if err != nil {
		return a, errMalformed(sc.Service, "The authorization header is malformed; "+err.Error())
	}
	if !haveSigned {
		return a, errMalformed(sc.Service, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if !haveSig {
		return a, errMalformed(sc.Service, "Authorization header requires 'Signature' parameter.")
	}
	if a.signedHeaders, err = parseSignedHeaders(signed); err != nil {
		return a, errMalformed(sc.Service, "The authorization header is malformed; "+err.Error())
	}
	if !isHex64(sig) {
		return a, errMalformed(sc.Service, "The authorization header is malformed; the signature must be 64 hex digits.")
	}
	a.signature = strings.ToLower(sig)
	a.scope.Signature = a.signature
	return a, nil
}

// parseCredential parses AKID/yyyymmdd/region/service/aws4_request.
func parseCredential(cred string) (Scope, error) {
	f := strings.Split(cred, "/")
	var s Scope
	if len(f) == 5 {
		s = Scope{AccessKeyID: f[0], Date: f[1], Region: f[2], Service: f[3]}
	}
	switch {
	case len(f) != 5:
		return s, fmt.Errorf("the Credential %q must be <access key id>/<yyyymmdd>/<region>/<service>/aws4_request.", cred)
	case f[0] == "":
		return s, fmt.Errorf("the Credential %q has no access key id.", cred)
	case f[4] != scopeTerminator:
		return s, fmt.Errorf("incorrect terminal %q. This endpoint uses %q.", f[4], scopeTerminator)
	case f[2] == "" || f[3] == "":
		return s, fmt.Errorf("the Credential %q has no region or service.", cred)
	}
	if _, err := time.Parse(scopeDateFormat, f[1]); err != nil || len(f[1]) != 8 {
		return s, fmt.Errorf("invalid credential date %q.", f[1])
	}
	return s, nil
}

// parseSignedHeaders parses "h1;h2;..." (lower-case names, host among them).
func parseSignedHeaders(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("SignedHeaders is empty.")
	}
	names := strings.Split(s, ";")
	host := false
	for _, n := range names {
		if n == "" || n != strings.ToLower(n) || !isToken(n) {
			return nil, fmt.Errorf("SignedHeaders %q must be lower-case header names separated by ';'.", s)
		}
		host = host || n == "host"
	}
	if !host {
		return nil, fmt.Errorf("SignedHeaders %q must include host.", s)
	}
	return names, nil
}

// isToken reports whether s is an HTTP header field name.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

func (v *Verifier) verifyHeader(r *http.Request, authz string, now time.Time) (Principal, Scope, error) {
	a, err := parseAuthorization(authz)
	if err != nil {
		return Principal{}, a.scope, err
	}
	sc := a.scope
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		if isS3(sc.Service) {
			return Principal{}, sc, newError(CodeAccessDenied, http.StatusForbidden, "AWS authentication requires a valid Date or x-amz-date header")
		}
		return Principal{}, sc, errMalformed(sc.Service, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	t, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		if isS3(sc.Service) {
			return Principal{}, sc, newError(CodeAccessDenied, http.StatusForbidden, "AWS authentication requires a valid Date or x-amz-date header")
		}
		return Principal{}, sc, errMalformed(sc.Service, "X-Amz-Date "+strconv.Quote(amzDate)+" is not in the form yyyyMMddTHHmmssZ.")
	}
	sc.Time = t
	if t.Format(scopeDateFormat) != sc.Date {
		return Principal{}, sc, errMalformed(sc.Service, "Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	if d := now.Sub(t); d > v.maxSkew() || d < -v.maxSkew() {
		return Principal{}, sc, errSkew(sc.Service, t, now.UTC(), v.maxSkew())
	}
	key, ok := v.Directory.Key(sc.AccessKeyID)
	if !ok {
		return Principal{}, sc, errUnknownKey(sc.Service, sc.AccessKeyID)
	}
	if sc.PayloadHash, err = v.payloadHash(r, sc.Service, r.Header.Get("X-Amz-Content-Sha256"), false); err != nil {
		return Principal{}, sc, err
	}

	c := canonicalClone(r, a.signedHeaders)
	rec := &signingLog{}
	err = v4.NewSigner().SignHTTP(r.Context(), sdkCredentials(key), c, sc.PayloadHash, sc.Service, sc.Region, t, signerOptions(sc.Service, rec))
	if err != nil {
		return Principal{}, sc, &Error{Code: CodeSignatureDoesNotMatch, Message: errSignature(sc.Service).Message, HTTPStatus: http.StatusForbidden, Err: err}
	}
	computed, perr := parseAuthorization(c.Header.Get("Authorization"))
	if perr != nil || !sameSignedHeaders(computed.signedHeaders, a.signedHeaders) ||
		subtle.ConstantTimeCompare([]byte(computed.signature), []byte(a.signature)) != 1 {
		return Principal{}, sc, signatureMismatch(sc, a.signature, rec)
	}
	return AccountPrincipal(key), sc, nil
}

func (v *Verifier) verifyPresigned(r *http.Request, q url.Values, now time.Time) (Principal, Scope, error) {
	// A service for the error dialect, as soon as the credential tells it.
	cred := q.Get("X-Amz-Credential")
	sc, credErr := parseCredential(cred)
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"} {
		if q.Get(p) == "" {
			return Principal{}, sc, errQueryMalformed(sc.Service, msgQueryParametersRequired)
		}
	}
	if q.Get("X-Amz-Algorithm") != algorithm {
		return Principal{}, sc, errQueryMalformed(sc.Service, `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`)
	}
	if credErr != nil {
		return Principal{}, sc, errQueryMalformed(sc.Service, "Error parsing the X-Amz-Credential parameter; "+credErr.Error())
	}
	signedHeaders, err := parseSignedHeaders(q.Get("X-Amz-SignedHeaders"))
	if err != nil {
		return Principal{}, sc, errQueryMalformed(sc.Service, "Error parsing the X-Amz-SignedHeaders parameter; "+err.Error())
	}
	sig := q.Get("X-Amz-Signature")
	if !isHex64(sig) {
		return Principal{}, sc, errQueryMalformed(sc.Service, "X-Amz-Signature must be 64 hex digits.")
	}
	sc.Signature = strings.ToLower(sig)
	sc.Presigned = true
	t, err := time.Parse(amzDateFormat, q.Get("X-Amz-Date"))
	if err != nil {
		return Principal{}, sc, errQueryMalformed(sc.Service, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	sc.Time = t
	if t.Format(scopeDateFormat) != sc.Date {
		return Principal{}, sc, errQueryMalformed(sc.Service, "Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	var expires time.Duration
	hasExpires := false
	if e := q.Get("X-Amz-Expires"); e != "" || isS3(sc.Service) {
		n, err := strconv.ParseInt(e, 10, 64)
		switch {
		case e == "":
			return Principal{}, sc, errQueryMalformed(sc.Service, msgQueryParametersRequired)
		case err != nil || n < 0:
			return Principal{}, sc, errQueryMalformed(sc.Service, "X-Amz-Expires should be a number")
		case n > int64(MaxPresignExpires/time.Second):
			return Principal{}, sc, errQueryMalformed(sc.Service, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		expires, hasExpires = time.Duration(n)*time.Second, true
	}
	if t.Sub(now) > v.maxSkew() {
		return Principal{}, sc, newError(CodeAccessDenied, http.StatusForbidden, "Request is not yet valid")
	}
	if hasExpires && now.After(t.Add(expires)) {
		return Principal{}, sc, newError(CodeAccessDenied, http.StatusForbidden, msgRequestExpired)
	}
	if !hasExpires && now.Sub(t) > v.maxSkew() {
		// No X-Amz-Expires (a non-S3 service): the usual skew window.
		return Principal{}, sc, errSkew(sc.Service, t, now.UTC(), v.maxSkew())
	}
	key, ok := v.Directory.Key(sc.AccessKeyID)
	if !ok {
		return Principal{}, sc, errUnknownKey(sc.Service, sc.AccessKeyID)
	}
	declared := q.Get("X-Amz-Content-Sha256")
	if declared == "" && isS3(sc.Service) {
		declared = UnsignedPayload // S3 presigned URLs never sign the body
	}
	if sc.PayloadHash, err = v.payloadHash(r, sc.Service, declared, true); err != nil {
		return Principal{}, sc, err
	}

	c := canonicalClone(r, signedHeaders)
	// The signer sets X-Amz-Algorithm, -Credential, -Date and -SignedHeaders itself and
	// appends X-Amz-Signature; the rest of the query (X-Amz-Expires included) is signed as
	// the client sent it.
	q2 := url.Values{}
	for k, vs := range q {
		if k != "X-Amz-Signature" {
			q2[k] = vs
		}
	}
	c.URL.RawQuery = q2.Encode()
	rec := &signingLog{}
	signedURL, _, err := v4.NewSigner().PresignHTTP(r.Context(), sdkCredentials(key), c, sc.PayloadHash, sc.Service, sc.Region, t, signerOptions(sc.Service, rec))
	if err != nil {
		return Principal{}, sc, &Error{Code: CodeSignatureDoesNotMatch, Message: errSignature(sc.Service).Message, HTTPStatus: http.StatusForbidden, Err: err}
	}
	u, err := url.Parse(signedURL)
	var computed string
	var computedHeaders []string
	if err == nil {
		cq := u.Query()
		computed = cq.Get("X-Amz-Signature")
		computedHeaders = strings.Split(cq.Get("X-Amz-SignedHeaders"), ";")
	}
	if !sameSignedHeaders(computedHeaders, signedHeaders) ||
		subtle.ConstantTimeCompare([]byte(computed), []byte(sc.Signature)) != 1 {
		return Principal{}, sc, signatureMismatch(sc, sc.Signature, rec)
	}
	return AccountPrincipal(key), sc, nil
}

func sdkCredentials(k Key) aws.Credentials {
	return aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, Source: "fakeshift"}
}

func signerOptions(service string, rec *signingLog) func(*v4.SignerOptions) {
	return func(o *v4.SignerOptions) {
		// S3 signs the path as sent; every other service escapes it once more.
		o.DisableURIPathEscaping = service == "s3"
		// The client already put what it wanted in the query; the clone's headers are the
		// signed ones and stay headers.
		o.DisableHeaderHoisting = true
		// A session token in the request is signed as the client sent it.
		o.DisableSessionToken = true
		o.Logger = rec
		o.LogSigning = true
	}
}

func sameSignedHeaders(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// payloadHash returns the payload hash the signature covers: declared if set (validated),
// else the hex SHA-256 of the body, which is read (bounded) and put back. S3 requires the
// header on header-signed requests.
func (v *Verifier) payloadHash(r *http.Request, service, declared string, presigned bool) (string, error) {
	if declared != "" {
		switch declared {
		case UnsignedPayload, StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer:
			return declared, nil
		}
		if !isHex64(declared) {
			return "", newError(CodeInvalidArgument, http.StatusBadRequest, msgInvalidContentSHA256)
		}
		return declared, nil
	}
	if isS3(service) && !presigned {
		return "", newError(CodeInvalidRequest, http.StatusBadRequest, msgMissingContentSHA256)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return emptySHA256, nil
	}
	limit := v.MaxHashedBody
	if limit <= 0 {
		limit = DefaultMaxHashedBody
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return "", &Error{Code: CodeIncompleteBody, Message: msgIncompleteBody, HTTPStatus: http.StatusBadRequest, Err: err}
	}
	if int64(len(body)) > limit {
		return "", newError(CodeRequestEntityTooLarge, http.StatusRequestEntityTooLarge,
			"Request body is larger than "+strconv.FormatInt(limit, 10)+" bytes")
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{bytes.NewReader(body), r.Body}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// canonicalClone builds the request the SDK signer recomputes the signature over: the
// method, the path exactly as the client sent it, the query, and only the signed headers.
//
// The SDK's signer signs host always, content-length when ContentLength > 0, X-Amz-Date
// (which it sets from the signing time), and every header in the map except a list it
// ignores (User-Agent, Expect, Authorization, X-Amzn-Trace-Id, Transfer-Encoding). That list
// is matched on the canonical (Title-Case) key, so signed headers go into the clone under
// their lower-case names: a client that signed user-agent is still verified.
func canonicalClone(r *http.Request, signedHeaders []string) *http.Request {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	c := &http.Request{
		Method: r.Method,
		// The signer takes the path from Opaque ("//host/path") as is, so the path
		// is the one on the request line, not r.URL.Path re-escaped by Go.
		URL:    &url.URL{Opaque: "//h" + requestPath(r), RawQuery: r.URL.RawQuery},
		Host:   host,
		Header: http.Header{},
	}
	for _, h := range signedHeaders {
		switch h {
		case "host":
			// From c.Host.
		case "content-length":
			n := r.ContentLength
			if cl := r.Header.Get("Content-Length"); cl != "" {
				var err error
				if n, err = strconv.ParseInt(cl, 10, 64); err != nil {
					n = -1
				}
			}
			// The SDK cannot sign "content-length:0"; the signed-headers comparison
			// then reports the mismatch.
			c.ContentLength = max(n, 0)
		case "x-amz-date":
			// The signer writes X-Amz-Date from the signing time under this key; a
			// second, lower-case key would sign the date twice.
			c.Header["X-Amz-Date"] = r.Header.Values("X-Amz-Date")
		case "transfer-encoding":
			// net/http moves it out of the header map.
			vals := r.Header.Values(h)
			if len(vals) == 0 && len(r.TransferEncoding) > 0 {
				vals = []string{strings.Join(r.TransferEncoding, ",")}
			}
			c.Header[h] = orEmpty(vals)
		default:
			c.Header[h] = orEmpty(r.Header.Values(h))
		}
	}
	return c
}

func orEmpty(v []string) []string {
	if len(v) == 0 {
		return []string{""}
	}
	return v
}

// requestPath returns the escaped path as the client sent it.
func requestPath(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" {
		return r.URL.EscapedPath()
	}
	if i := strings.Index(uri, "://"); i >= 0 && !strings.HasPrefix(uri, "/") {
		// absolute-form: scheme://authority/path?query
		rest := uri[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "/"
		}
		uri = rest[j:]
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	return uri
}

// signatureMismatch builds SignatureDoesNotMatch with S3's debugging fields, taken from the
// signer's log of what it computed.
func signatureMismatch(sc Scope, provided string, rec *signingLog) *Error {
	e := errSignature(sc.Service)
	e.AccessKeyID = sc.AccessKeyID
	e.SignatureProvided = provided
	e.CanonicalRequest, e.StringToSign = rec.parse()
	return e
}

// signingLog captures the SDK signer's debug log: the canonical request and string to sign.
type signingLog struct{ msg string }

func (l *signingLog) Logf(_ logging.Classification, format string, v ...interface{}) {
	l.msg = fmt.Sprintf(format, v...)
}

// parse splits the signer's "---[ CANONICAL STRING ]---" / "---[ STRING TO SIGN ]---" log.
func (l *signingLog) parse() (canonical, stringToSign string) {
	const cMark, sMark = "---[ CANONICAL STRING  ]-----------------------------\n", "\n---[ STRING TO SIGN ]--------------------------------\n"
	_, rest, ok := strings.Cut(l.msg, cMark)
	if !ok {
		return "", ""
	}
	canonical, rest, ok = strings.Cut(rest, sMark)
	if !ok {
		return "", ""
	}
	stringToSign, _, _ = strings.Cut(rest, "\n---")
	stringToSign = strings.TrimSuffix(stringToSign, "\n-----------------------------------------------------")
	return redactToken(canonical), stringToSign
}

// redactToken hides session-token values in a canonical request.
func redactToken(canonical string) string {
	lines := strings.Split(canonical, "\n")
	for i, ln := range lines {
		if strings.HasPrefix(ln, "x-amz-security-token:") {
			lines[i] = "x-amz-security-token:<redacted>"
		}
		if i == 2 { // the query line
			parts := strings.Split(ln, "&")
			for j, p := range parts {
				if strings.HasPrefix(p, "X-Amz-Security-Token=") {
					parts[j] = "X-Amz-Security-Token=<redacted>"
				}
			}
			lines[i] = strings.Join(parts, "&")
		}
	}
	return strings.Join(lines, "\n")
}
