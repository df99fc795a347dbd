package pgwire

import (
	"errors"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Error is an error the server sends as an ErrorResponse. Engines may return it, or any error
// whose chain holds a value with a SQLState() string method (its optional ErrorDetail,
// ErrorHint, ErrorPosition and ErrorSeverity methods fill the other fields).
type Error struct {
	Severity string // ERROR (default), FATAL, PANIC
	Code     string // SQLSTATE
	Message  string
	Detail   string
	Hint     string
	Position int
	File     string
	Line     int
	Routine  string
}

func (e *Error) Error() string { return e.Message }

// SQLState returns the error's SQLSTATE.
func (e *Error) SQLState() string { return e.Code }

// Fatal returns a FATAL error with the given SQLSTATE.
func Fatal(code, msg string) *Error { return &Error{Severity: "FATAL", Code: code, Message: msg} }

// Errors of the protocol layer itself.
var (
	errCanceled      = &Error{Code: "57014", Message: "canceling statement due to user request"}
	errAdminShutdown = Fatal("57P01", "terminating connection due to administrator command")
)

type sqlStater interface{ SQLState() string }

// toWire turns any error into the Error that is sent. Errors that carry no SQLSTATE become
// the generic internal error; ok is false for them so that the caller logs the original.
func toWire(err error) (e *Error, ok bool) {
	if errors.As(err, &e) {
		return e, true
	}
	var s sqlStater
	if !errors.As(err, &s) {
		return &Error{Severity: "ERROR", Code: "XX000", Message: "internal error in fakeshift; its log has the details"}, false
	}
	e = &Error{Code: s.SQLState(), Message: err.Error()}
	if m, ok := s.(interface{ Error() string }); ok {
		e.Message = m.Error()
	}
	if d, ok := s.(interface{ ErrorDetail() string }); ok {
		e.Detail = d.ErrorDetail()
	}
	if h, ok := s.(interface{ ErrorHint() string }); ok {
		e.Hint = h.ErrorHint()
	}
	if p, ok := s.(interface{ ErrorPosition() int }); ok {
		e.Position = p.ErrorPosition()
	}
	if v, ok := s.(interface{ ErrorSeverity() string }); ok {
		e.Severity = v.ErrorSeverity()
	}
	return e, true
}

func (e *Error) response() *pgproto3.ErrorResponse {
	sev := e.Severity
	if sev == "" {
		sev = "ERROR"
	}
	code := e.Code
	if code == "" {
		code = "XX000"
	}
	r := &pgproto3.ErrorResponse{
		Severity: sev,
		Code:     code,
		Message:  e.Message,
		Detail:   e.Detail,
		Hint:     e.Hint,
		Position: int32(e.Position),
		File:     e.File,
		Routine:  e.Routine,
	}
	if e.Line > 0 {
		r.Line = int32(e.Line)
	}
	return r
}

func (e *Error) fatal() bool { return e.Severity == "FATAL" || e.Severity == "PANIC" }
