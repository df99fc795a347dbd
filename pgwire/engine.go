package pgwire

import (
	"context"
	"net"
	"time"
)

// Engine decides who may log in and runs what sessions send. Package cluster implements it.
type Engine interface {
	// Startup is called once a connection's startup message has been read. It returns the
	// authentication exchange to run, or an error to refuse the connection (sent as FATAL).
	Startup(ctx context.Context, conn *ConnInfo) (Handshake, error)
}

// ConnInfo holds the facts of one connection, as the audit records need them.
type ConnInfo struct {
	RemoteAddr net.Addr
	LocalAddr  net.Addr
	// TLSVersion and TLSCipher are in OpenSSL's spelling ("TLSv1.2",
	// "ECDHE-RSA-AES256-GCM-SHA384"); both are empty for a plain connection.
	TLSVersion string
	TLSCipher  string
	// ProtocolVersion is the negotiated protocol version (196608 for 3.0).
	ProtocolVersion uint32
	// Params holds every startup parameter the client sent, known or not.
	Params map[string]string
	// Start is when the connection was accepted, by the server's clock.
	Start time.Time
	// Client sends notices and parameter statuses to this connection. Use it only from
	// within a call the server made into the engine for this connection.
	Client Client
}

// Client is the way back to the connected client for notices and ParameterStatus messages.
// What is sent is buffered and flushed with the server's next reply.
type Client interface {
	Notice(n Notice)
	ParameterStatus(name, value string)
}

// Notice is a NoticeResponse.
type Notice struct {
	Severity string // NOTICE, WARNING, INFO, LOG, DEBUG
	Code     string // SQLSTATE, "00000" when empty
	Message  string
	Detail   string
}

// AuthKind is the authentication request the server sends.
type AuthKind int

// The authentication requests fakeshift can make.
const (
	AuthNone      AuthKind = iota // AuthenticationOk at once
	AuthCleartext                 // code 3
	AuthMD5                       // code 5, with a 4-byte salt
	AuthDigest                    // code 13, Redshift's SHA-256 digest exchange
)

// Challenge is what the server asks of the client.
type Challenge struct {
	Kind  AuthKind
	Salt  []byte // MD5: 4 bytes; digest: the password's salt
	Nonce []byte // digest: the server nonce
}

// Response is the client's answer to a Challenge.
type Response struct {
	// Password is the password message's text: the clear password, or "md5" + 32 hex.
	Password string
	// Digest and ClientNonce are the digest exchange's answer.
	Digest      []byte
	ClientNonce []byte
}

// Handshake is one connection's authentication, from the challenge to the session.
type Handshake interface {
	Challenge() Challenge
	// Complete checks the answer (a zero Response for AuthNone) and opens the session, or
	// returns the error that refuses the login (sent as FATAL).
	Complete(ctx context.Context, r Response) (Session, error)
}

// Param is one ParameterStatus.
type Param struct{ Name, Value string }

// TxStatus is the transaction status reported in ReadyForQuery.
type TxStatus byte

// Transaction statuses.
const (
	TxIdle   TxStatus = 'I'
	TxActive TxStatus = 'T'
	TxFailed TxStatus = 'E'
)

// Session is one logged-in connection's state in the engine. The server calls its methods
// from the connection's goroutine only.
type Session interface {
	// Parameters are the ParameterStatus messages sent after login, in order.
	Parameters() []Param
	// PID is the process id reported in BackendKeyData.
	PID() int32
	// Split breaks a simple-query string into its statements; none for an empty query.
	Split(query string) []string
	// Prepare parses one statement. paramOIDs are the types the client named (0 = let the
	// engine infer).
	Prepare(ctx context.Context, query string, paramOIDs []uint32) (Statement, error)
	// TxStatus reports the session's transaction status.
	TxStatus() TxStatus
	// Close ends the session.
	Close(end End)
}

// EndReason says why a session ended.
type EndReason int

// Reasons a session ends.
const (
	EndTerminate  EndReason = iota // the client sent Terminate
	EndClientGone                  // the connection closed or broke without Terminate
	EndShutdown                    // the server is shutting down (FATAL 57P01 was sent)
	EndProtocol                    // the client broke the protocol (FATAL 08P01 was sent)
	EndFatal                       // a statement ended the session with a FATAL error
)

func (r EndReason) String() string {
	switch r {
	case EndTerminate:
		return "terminate"
	case EndClientGone:
		return "client gone"
	case EndShutdown:
		return "shutdown"
	case EndProtocol:
		return "protocol violation"
	case EndFatal:
		return "fatal error"
	}
	return "unknown"
}

// End describes a session's end.
type End struct {
	Reason EndReason
	At     time.Time // by the server's clock
}

// Statement is a prepared statement.
type Statement interface {
	// ParamOIDs are the parameter types, one per $n.
	ParamOIDs() []uint32
	// Columns describe the result rows; empty when the statement returns none.
	Columns() []Column
	// Execute runs the statement with decoded parameter values. ctx is cancelled by a
	// CancelRequest for the session.
	Execute(ctx context.Context, params []any) (Result, error)
	Close()
}

// Result is one execution's outcome.
type Result interface {
	// Next fills dest with the next row and returns io.EOF after the last one. Values are
	// nil, bool, integers, floats, string, []byte, time.Time or a fmt.Stringer giving the
	// PostgreSQL text form.
	Next(dest []any) error
	// Tag is the command tag, valid once Next has returned io.EOF.
	Tag() string
	Close() error
}

// Column describes a result column.
type Column struct {
	Name     string
	TableOID uint32
	AttNum   int16
	TypeOID  uint32
	TypeSize int16
	TypeMod  int32
}
