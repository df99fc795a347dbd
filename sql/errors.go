package sql

import "fmt"

// SQLSTATE codes fakeshift answers with. The names follow PostgreSQL's errcodes.
const (
	CodeSuccessfulCompletion      = "00000"
	CodeWarning                   = "01000"
	CodeFeatureNotSupported       = "0A000"
	CodeInvalidAuthorization      = "28000"
	CodeInvalidCatalogName        = "3D000"
	CodeSyntaxError               = "42601"
	CodeInsufficientPrivilege     = "42501"
	CodeUndefinedTable            = "42P01"
	CodeInvalidSchemaName         = "3F000"
	CodeUndefinedColumn           = "42703"
	CodeUndefinedFunction         = "42883"
	CodeUndefinedObject           = "42704"
	CodeDuplicateObject           = "42710"
	CodeDuplicateTable            = "42P07"
	CodeDatatypeMismatch          = "42804"
	CodeInvalidParameterValue     = "22023"
	CodeDivisionByZero            = "22012"
	CodeStringDataRightTruncation = "22001"
	CodeNumericValueOutOfRange    = "22003"
	CodeInvalidTextRepresentation = "22P02"
	CodeInvalidDatetimeFormat     = "22007"
	CodeNotNullViolation          = "23502"
	CodeUniqueViolation           = "23505"
	CodeInFailedTransaction       = "25P02"
	CodeActiveSQLTransaction      = "25001"
	CodeNoActiveSQLTransaction    = "25P01"
	CodeObjectInUse               = "55006"
	CodeQueryCanceled             = "57014"
	CodeAdminShutdown             = "57P01"
	CodeTooManyConnections        = "53300"
	CodeOutOfMemory               = "53200"
	CodeInternalError             = "XX000"
)

// Error is a statement error that carries a SQLSTATE. The wire layer renders any error whose
// chain holds one (it looks for the SQLState method), so packages that return *Error need not
// know the protocol.
type Error struct {
	Code     string // SQLSTATE, five characters
	Message  string // primary message, as Redshift words it where known
	Detail   string
	Hint     string
	Position int   // 1-based character position in the statement text; 0 when unknown
	Err      error // the underlying cause, if any; never shown to the client
}

// Errorf returns an *Error with the given SQLSTATE and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Message }

// SQLState returns the error's SQLSTATE code.
func (e *Error) SQLState() string { return e.Code }

// ErrorDetail, ErrorHint and ErrorPosition let the wire layer fill the optional fields.
func (e *Error) ErrorDetail() string { return e.Detail }
func (e *Error) ErrorHint() string   { return e.Hint }
func (e *Error) ErrorPosition() int  { return e.Position }

func (e *Error) Unwrap() error { return e.Err }
