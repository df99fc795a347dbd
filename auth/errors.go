package auth

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Error codes auth classifies a request into. Which of them a service answers with follows
// the service: S3 speaks its own dialect (InvalidAccessKeyId, RequestTimeTooSkewed,
// AuthorizationHeaderMalformed), the Query API services (redshift, sts) another
// (InvalidClientTokenId, IncompleteSignature, SignatureDoesNotMatch "Signature expired").
// See the package doc.
const (
	CodeInvalidAccessKeyID           = "InvalidAccessKeyId"
	CodeInvalidClientTokenID         = "InvalidClientTokenId"
	CodeSignatureDoesNotMatch        = "SignatureDoesNotMatch"
	CodeRequestTimeTooSkewed         = "RequestTimeTooSkewed"
	CodeAccessDenied                 = "AccessDenied"
	CodeAuthorizationHeaderMalformed = "AuthorizationHeaderMalformed"
	CodeAuthorizationQueryParameters = "AuthorizationQueryParametersError"
	CodeIncompleteSignature          = "IncompleteSignature"
	CodeInvalidRequest               = "InvalidRequest"
	CodeInvalidArgument              = "InvalidArgument"
	CodeContentSHA256Mismatch        = "XAmzContentSHA256Mismatch"
	CodeIncompleteBody               = "IncompleteBody"
	CodeRequestEntityTooLarge        = "RequestEntityTooLarge"
)

// Messages real AWS uses for the codes above (S3's unless said otherwise).
const (
	msgInvalidAccessKeyID    = "The AWS Access Key Id you provided does not exist in our records."
	msgInvalidClientTokenID  = "The security token included in the request is invalid."
	msgSignatureDoesNotMatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	// The Query API services' wording.
	msgSignatureDoesNotMatchQuery = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgRequestTimeTooSkewed       = "The difference between the request time and the current time is too large."
	msgRequestExpired             = "Request has expired"
	msgQueryParametersRequired    = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
	msgContentSHA256Mismatch      = "The provided 'x-amz-content-sha256' header does not match what was computed."
	msgIncompleteBody             = "The request body terminated unexpectedly"
	msgInvalidContentSHA256       = "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value."
	msgMissingContentSHA256       = "Missing required header for this request: x-amz-content-sha256"
	msgOnlyOneAuthMechanism       = "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
	msgUnsupportedAuthMechanism   = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
)

// Error is an authentication failure, classified: Code and Message are what the service
// answers (auth does not render; s3fake renders S3 XML, redshiftapi Query API XML) and
// HTTPStatus the status to answer with. It never carries a secret: Error() is the code and
// the message, and the optional SignatureDoesNotMatch details (which real S3 returns in its
// error body) hold only what the client sent or could compute itself.
//
// errors.Is(err, &Error{Code: c}) reports whether err is an *Error with code c.
type Error struct {
	Code       string
	Message    string
	HTTPStatus int

	// For SignatureDoesNotMatch on a request (not on a chunk): what S3 returns alongside the
	// code, for the renderer that wants to. Values of x-amz-security-token are redacted.
	AccessKeyID       string
	SignatureProvided string
	StringToSign      string
	CanonicalRequest  string

	// Err is the underlying cause, if any (a read error of the body, say).
	Err error
}

// Error returns "Code: Message".
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// LogValue keeps log records to the code, the message, the status and the access key id.
func (e *Error) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("code", e.Code),
		slog.String("message", e.Message),
		slog.Int("status", e.HTTPStatus),
	}
	if e.AccessKeyID != "" {
		attrs = append(attrs, slog.String("access_key_id", e.AccessKeyID))
	}
	return slog.GroupValue(attrs...)
}

func newError(code string, status int, msg string) *Error {
	return &Error{Code: code, Message: msg, HTTPStatus: status}
}

// isS3 reports whether service speaks S3's error dialect. An unknown service ("" when the
// credential could not be parsed) is treated as S3, whose endpoint also serves the
// unsigned requests.
func isS3(service string) bool { return service == "s3" || service == "" }

func errUnknownKey(service, akid string) *Error {
	var e *Error
	if isS3(service) {
		e = newError(CodeInvalidAccessKeyID, http.StatusForbidden, msgInvalidAccessKeyID)
	} else {
		e = newError(CodeInvalidClientTokenID, http.StatusForbidden, msgInvalidClientTokenID)
	}
	e.AccessKeyID = akid
	return e
}

func errSignature(service string) *Error {
	if isS3(service) {
		return newError(CodeSignatureDoesNotMatch, http.StatusForbidden, msgSignatureDoesNotMatch)
	}
	return newError(CodeSignatureDoesNotMatch, http.StatusForbidden, msgSignatureDoesNotMatchQuery)
}

// errMalformed is a header-form Authorization that cannot be parsed.
func errMalformed(service, msg string) *Error {
	if isS3(service) {
		return newError(CodeAuthorizationHeaderMalformed, http.StatusBadRequest, msg)
	}
	return newError(CodeIncompleteSignature, http.StatusBadRequest, msg)
}

// errQueryMalformed is a presigned URL whose X-Amz-* parameters cannot be used.
func errQueryMalformed(service, msg string) *Error {
	if isS3(service) {
		return newError(CodeAuthorizationQueryParameters, http.StatusBadRequest, msg)
	}
	return newError(CodeIncompleteSignature, http.StatusBadRequest, msg)
}

func errSkew(service string, signed, now time.Time, max time.Duration) *Error {
	if isS3(service) {
		return newError(CodeRequestTimeTooSkewed, http.StatusForbidden, msgRequestTimeTooSkewed)
	}
	// The Query API services answer a stale or future signature this way.
	const f = amzDateFormat
	mins := strconv.Itoa(int(max/time.Minute)) + " min."
	if signed.Before(now) {
		return newError(CodeSignatureDoesNotMatch, http.StatusForbidden,
			"Signature expired: "+signed.Format(f)+" is now earlier than "+now.Add(-max).Format(f)+
				" ("+now.Format(f)+" - "+mins+")")
	}
	return newError(CodeSignatureDoesNotMatch, http.StatusForbidden,
		"Signature not yet current: "+signed.Format(f)+" is still later than "+now.Add(max).Format(f)+
			" ("+now.Format(f)+" + "+mins+")")
}

// ErrContentSHA256Mismatch is the error of a body whose SHA-256 is not the declared
// x-amz-content-sha256; use errors.Is.
var ErrContentSHA256Mismatch = &Error{Code: CodeContentSHA256Mismatch, Message: msgContentSHA256Mismatch, HTTPStatus: http.StatusBadRequest}
