package trail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/auth"
)

// targetPrefix is CloudTrail's JSON 1.1 X-Amz-Target prefix.
const targetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."

// maxRequestBody bounds a CloudTrail request body.
const maxRequestBody = 1 << 20

// Error is a CloudTrail API error: its __type, message and HTTP status.
type Error struct {
	Type    string
	Message string
	Status  int
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

func apiError(typ, format string, a ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, a...), Status: http.StatusBadRequest}
}

// Outcome is what serving one CloudTrail API call produced, for its own record.
type Outcome struct {
	Call Call
	// Recorded is false for a request that never became a call (unsigned, bad signature).
	Recorded bool
	// Stored is the call's record when ServeAPI has kept it already: a StopLogging that
	// stops a trail stores its record in the transaction that stops the trail (the trail's
	// last record is known by its sequence number). The caller must not record it again.
	Stored *Event
}

// ServeAPI serves one CloudTrail JSON 1.1 request and returns what its record needs.
func (s *Service) ServeAPI(w http.ResponseWriter, r *http.Request, requestID string) Outcome {
	w.Header().Set("x-amzn-RequestId", requestID)
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	out := Outcome{Call: Call{Source: "cloudtrail.amazonaws.com", Name: op, RequestID: requestID,
		SourceIP: SourceIP(r), UserAgent: r.UserAgent()}}
	principal, _, err := s.verifier.Verify(r, time.Now())
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			writeError(w, requestID, &Error{Type: authErrorType(ae), Message: ae.Message, Status: ae.HTTPStatus})
			return out
		}
		writeError(w, requestID, &Error{Type: "InternalFailure", Message: err.Error(), Status: 500})
		return out
	}
	if principal.IsAnonymous() {
		writeError(w, requestID, &Error{Type: "MissingAuthenticationTokenException",
			Message: "Missing Authentication Token", Status: http.StatusForbidden})
		return out
	}
	out.Call.Principal = principal
	h, ok := handlers[op]
	if !ok {
		writeError(w, requestID, &Error{Type: "UnknownOperationException", Status: http.StatusBadRequest,
			Message: "The operation " + op + " is not supported by fakeshift"})
		return out
	}
	out.Recorded = true
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err == nil && len(body) > maxRequestBody {
		err = apiError("SerializationException", "request body is larger than %d bytes", maxRequestBody)
	}
	if err == nil && len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	// The record's request part is known before the handler runs: StopLogging stores its
	// record itself.
	out.Call.RequestParameters, out.Call.ReadOnly = requestParameters(op, body)
	var res any
	if err == nil {
		q := &request{principal: principal, account: principal.AccountID, body: body, r: r, call: out.Call}
		res, err = h(s, q)
		out.Stored = q.stored
	}
	if err != nil {
		e := asError(err)
		if e.Status >= 500 {
			s.log.Error("CloudTrail API request failed", "operation", op, "err", err)
		}
		out.Call.ErrorCode, out.Call.ErrorMessage = e.Type, e.Message
		writeError(w, requestID, e)
		return out
	}
	b, err := json.Marshal(res)
	if err != nil {
		writeError(w, requestID, &Error{Type: "InternalFailure", Message: "encode response", Status: 500})
		return out
	}
	if !out.Call.ReadOnly {
		out.Call.ResponseElements = responseElements(b)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	return out
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Type: "InternalFailure", Message: "fakeshift: " + err.Error(), Status: http.StatusInternalServerError}
}

func authErrorType(e *auth.Error) string {
	switch e.Code {
	case auth.CodeInvalidClientTokenID, auth.CodeInvalidAccessKeyID:
		return "UnrecognizedClientException"
	case auth.CodeSignatureDoesNotMatch:
		return "InvalidSignatureException"
	case auth.CodeIncompleteSignature, auth.CodeAuthorizationHeaderMalformed:
		return "IncompleteSignatureException"
	}
	return e.Code
}

func writeError(w http.ResponseWriter, requestID string, e *Error) {
	w.Header().Set("x-amzn-RequestId", requestID)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(map[string]string{"__type": e.Type, "message": e.Message})
}

// readOnlyOps are the CloudTrail operations that change nothing.
var readOnlyOps = map[string]bool{
	"DescribeTrails": true, "GetTrail": true, "GetTrailStatus": true, "LookupEvents": true,
	"ListPublicKeys": true, "ListTrails": true,
}

// requestParameters is the call's requestParameters: the request's own JSON members
// (CloudTrail's API is JSON already), named in lowerCamelCase at every depth.
func requestParameters(op string, body []byte) (json.RawMessage, bool) {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil || len(m) == 0 {
		return nil, readOnlyOps[op]
	}
	b, _ := json.Marshal(lowerKeys(m))
	return b, readOnlyOps[op]
}

func responseElements(b []byte) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil || len(m) == 0 {
		return nil
	}
	r, _ := json.Marshal(lowerKeys(m))
	return r
}

// lowerKeys renames the members of v's objects, at every depth, as CloudTrail writes them
// ({"LookupAttributes":[{"AttributeKey":…}]} -> {"lookupAttributes":[{"attributeKey":…}]}).
func lowerKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[lowerFirst(k)] = lowerKeys(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = lowerKeys(e)
		}
		return out
	}
	return v
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// SourceIP is the caller's address as CloudTrail writes it.
func SourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type request struct {
	principal auth.Principal
	account   string
	body      []byte
	r         *http.Request
	// call is the call's record as far as the request makes it (no response yet); stored
	// is set by a handler that kept the record itself.
	call   Call
	stored *Event
}

func (q *request) decode(v any) error {
	dec := json.NewDecoder(bytes.NewReader(q.body))
	if err := dec.Decode(v); err != nil {
		return apiError("SerializationException", "could not read the request body: %v", err)
	}
	return nil
}

type handler func(s *Service, q *request) (any, error)

// handlers are the operations served, by name.
var handlers = map[string]handler{
	"CreateTrail":    (*Service).createTrail,
	"DescribeTrails": (*Service).describeTrails,
	"GetTrail":       (*Service).getTrail,
	"ListTrails":     (*Service).listTrails,
	"StartLogging":   (*Service).startLogging,
	"StopLogging":    (*Service).stopLogging,
	"GetTrailStatus": (*Service).getTrailStatus,
	"DeleteTrail":    (*Service).deleteTrail,
	"LookupEvents":   (*Service).lookupEvents,
	"ListPublicKeys": (*Service).listPublicKeys,
}

// epoch is a JSON 1.1 timestamp: seconds since the epoch, with a fraction.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	return []byte(fmt.Sprintf("%.3f", float64(tt.UnixNano())/1e9)), nil
}

func (t *epoch) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return err
		}
		tt, perr := time.Parse(time.RFC3339, s)
		if perr != nil {
			return err
		}
		*t = epoch(tt)
		return nil
	}
	// A float64 of today's epoch seconds holds about seven decimals: round the fraction
	// to the microsecond, so that 1772618400.123 is 123 ms and not 122.999906 ms.
	sec, frac := math.Modf(f)
	*t = epoch(time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC())
	return nil
}
