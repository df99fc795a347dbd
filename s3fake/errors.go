package s3fake

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake/policy"
)

// Error is an S3 error as the client sees it: the code, the HTTP status, the message and the
// resource fields S3 adds to its XML body. It is the one type s3fake renders; errors of
// auth, policy and gofakes3 are turned into it by asError.
type Error struct {
	Code    string
	Status  int
	Message string

	BucketName string
	Key        string
	Resource   string
	// Extra elements some errors carry (ArgumentName, ArgumentValue, Condition, ...).
	Extra []xmlField
}

type xmlField struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func s3err(code string, status int, msg string) *Error {
	return &Error{Code: code, Status: status, Message: msg}
}

func (e *Error) withBucket(b string) *Error { c := *e; c.BucketName = b; return &c }
func (e *Error) withArg(name, value string) *Error {
	c := *e
	c.Extra = append(append([]xmlField(nil), e.Extra...),
		xmlField{XMLName: xml.Name{Local: "ArgumentName"}, Value: name},
		xmlField{XMLName: xml.Name{Local: "ArgumentValue"}, Value: value})
	return &c
}

// The S3 errors s3fake answers with; codes, statuses and messages as S3 words them
// (Amazon S3 API Reference, "Error responses").
var (
	errAccessDenied       = s3err("AccessDenied", http.StatusForbidden, "Access Denied")
	errNoSuchBucket       = s3err("NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist")
	errNoSuchBucketPolicy = s3err("NoSuchBucketPolicy", http.StatusNotFound, "The bucket policy does not exist")
	errNoSuchTagSet       = s3err("NoSuchTagSet", http.StatusNotFound, "The TagSet does not exist")
	errNoOwnership        = s3err("OwnershipControlsNotFoundError", http.StatusNotFound, "The bucket ownership controls were not found")
	errNoObjectLock       = s3err("ObjectLockConfigurationNotFoundError", http.StatusNotFound, "Object Lock configuration does not exist for this bucket")
	errNoPublicAccess     = s3err("NoSuchPublicAccessBlockConfiguration", http.StatusNotFound, "The public access block configuration was not found")
	errNoLifecycle        = s3err("NoSuchLifecycleConfiguration", http.StatusNotFound, "The lifecycle configuration does not exist")
	errNoCORS             = s3err("NoSuchCORSConfiguration", http.StatusNotFound, "The CORS configuration does not exist")
	errNoWebsite          = s3err("NoSuchWebsiteConfiguration", http.StatusNotFound, "The specified bucket does not have a website configuration")
	errNoReplication      = s3err("ReplicationConfigurationNotFoundError", http.StatusNotFound, "The replication configuration was not found")
	errNoObjectLockObject = s3err("InvalidRequest", http.StatusBadRequest, "Bucket is missing Object Lock Configuration")
	errMalformedXML       = s3err("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema")
	errMethodNotAllowed   = s3err("MethodNotAllowed", http.StatusMethodNotAllowed, "The specified method is not allowed against this resource.")
	errBucketExists       = s3err("BucketAlreadyExists", http.StatusConflict, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
	errBucketOwnedByYou   = s3err("BucketAlreadyOwnedByYou", http.StatusConflict, "Your previous request to create the named bucket succeeded and you already own it.")
	errACLNotSupported    = s3err("AccessControlListNotSupported", http.StatusBadRequest, "The bucket does not allow ACLs")
	errACLWithEnforced    = s3err("InvalidBucketAclWithObjectOwnership", http.StatusBadRequest, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	errInvalidLocation    = s3err("InvalidLocationConstraint", http.StatusBadRequest, "The specified location-constraint is not valid")
	errInvalidArgument    = s3err("InvalidArgument", http.StatusBadRequest, "Invalid Argument")
	errInvalidRequest     = s3err("InvalidRequest", http.StatusBadRequest, "Invalid Request")
	errSlowDown           = s3err("SlowDown", http.StatusServiceUnavailable, "Please reduce your request rate.")
	errInternal           = s3err("InternalError", http.StatusInternalServerError, "We encountered an internal error. Please try again.")
	errEntityTooLarge     = s3err("EntityTooLarge", http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed size")
	errMissingLength      = s3err("MissingContentLength", http.StatusLengthRequired, "You must provide the Content-Length HTTP header.")
)

// preconditionFailed is S3's answer to a condition of the request that does not hold,
// naming it (x-amz-copy-source-If-Match, ...).
func preconditionFailed(condition string) *Error {
	e := s3err("PreconditionFailed", http.StatusPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
	e.Extra = []xmlField{{XMLName: xml.Name{Local: "Condition"}, Value: condition}}
	return e
}

// notImplemented is S3's answer to a feature fakeshift's S3 does not have: never a wrong success.
func notImplemented(what string) *Error {
	return s3err("NotImplemented", http.StatusNotImplemented,
		"A header you provided implies functionality that is not implemented ("+what+" is not supported by fakeshift)")
}

// asError classifies any error into the S3 error the client gets. ok is false for an error
// nobody classified: the caller logs it, the client sees InternalError.
func asError(err error) (_ *Error, ok bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	var ae *auth.Error
	if errors.As(err, &ae) {
		out := &Error{Code: ae.Code, Status: ae.HTTPStatus, Message: ae.Message}
		if ae.Code == auth.CodeSignatureDoesNotMatch && ae.StringToSign != "" {
			out.Extra = []xmlField{
				{XMLName: xml.Name{Local: "AWSAccessKeyId"}, Value: ae.AccessKeyID},
				{XMLName: xml.Name{Local: "StringToSign"}, Value: ae.StringToSign},
				{XMLName: xml.Name{Local: "SignatureProvided"}, Value: ae.SignatureProvided},
				{XMLName: xml.Name{Local: "CanonicalRequest"}, Value: ae.CanonicalRequest},
			}
		} else if ae.AccessKeyID != "" && ae.Code == auth.CodeInvalidAccessKeyID {
			out.Extra = []xmlField{{XMLName: xml.Name{Local: "AWSAccessKeyId"}, Value: ae.AccessKeyID}}
		}
		return out, true
	}
	var pe *policy.Error
	if errors.As(err, &pe) {
		return &Error{Code: pe.Code, Status: http.StatusBadRequest, Message: pe.Message}, true
	}
	var ge gofakes3.Error
	if errors.As(err, &ge) && ge.ErrorCode() != gofakes3.ErrInternal {
		code := ge.ErrorCode()
		out := &Error{Code: string(code), Status: code.Status(), Message: code.Message()}
		if m := gofakesMessage(ge); m != "" {
			out.Message = m
		}
		return out, true
	}
	return errInternal, false
}

// writeError renders e as S3 does: status, and (but for HEAD) the XML error document.
func writeError(w http.ResponseWriter, r *http.Request, reqID string, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	if e.Code == errSlowDown.Code || e.Status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "1")
	}
	w.WriteHeader(e.Status)
	if r.Method == http.MethodHead {
		return
	}
	body := struct {
		XMLName    xml.Name `xml:"Error"`
		Code       string
		Message    string
		BucketName string `xml:",omitempty"`
		Key        string `xml:",omitempty"`
		Resource   string `xml:",omitempty"`
		Extra      []xmlField
		RequestID  string `xml:"RequestId"`
		HostID     string `xml:"HostId"`
	}{Code: e.Code, Message: e.Message, BucketName: e.BucketName, Key: e.Key, Resource: e.Resource,
		Extra: e.Extra, RequestID: reqID, HostID: hostID(reqID)}
	fmt.Fprint(w, xml.Header)
	xml.NewEncoder(w).Encode(body)
}

// gofakesMessage digs the message out of gofakes3's error types, which embed ErrorResponse.
func gofakesMessage(err error) string {
	var er *gofakes3.ErrorResponse
	if errors.As(err, &er) {
		return er.Message
	}
	// Types embedding ErrorResponse render "Code: Message".
	if _, msg, ok := strings.Cut(err.Error(), ": "); ok {
		return msg
	}
	return ""
}
