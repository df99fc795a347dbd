package logger

import "time"

// Log types, as Redshift names them in log file names and LogExports.
const (
	ConnectionLog   = "connectionlog"
	UserLog         = "userlog"
	UserActivityLog = "useractivitylog"
)

// Connection events, as Redshift writes them.
const (
	EventAuthFailure   = "authentication failure"
	EventAuthenticated = "authenticated"
	EventInitiating    = "initiating session"
	EventSetAppName    = "set application_name"
	EventDisconnecting = "disconnecting session"
)

// Connection is one connection log record (STL_CONNECTION_LOG's columns, in its order).
type Connection struct {
	Event           string    `json:"event"`
	RecordTime      time.Time `json:"t"`
	RemoteHost      string    `json:"rhost"`
	RemotePort      string    `json:"rport"`
	PID             int32     `json:"pid"`
	DBName          string    `json:"db"`
	UserName        string    `json:"user"`
	AuthMethod      string    `json:"auth"`
	Duration        int64     `json:"dur"` // µs; the session's length on "disconnecting session"
	SSLVersion      string    `json:"sslv,omitempty"`
	SSLCipher       string    `json:"sslc,omitempty"`
	MTU             int32     `json:"mtu"`
	SSLCompression  string    `json:"sslz,omitempty"`
	SSLExpansion    string    `json:"sslx,omitempty"`
	IAMAuthGUID     string    `json:"iam,omitempty"`
	ApplicationName string    `json:"app,omitempty"`
	OSVersion       string    `json:"os,omitempty"`
	DriverVersion   string    `json:"drv,omitempty"`
	PluginName      string    `json:"plugin,omitempty"`
	ProtocolVersion int32     `json:"proto"`
	SessionID       string    `json:"sid"`
	Deliver         bool      `json:"deliver,omitempty"` // decided when the record is made
}

// User actions, as STL_USERLOG writes them.
const (
	ActionCreate = "create"
	ActionAlter  = "alter"
	ActionRename = "rename"
	ActionDrop   = "drop"
)

// UserChange is one user log record (STL_USERLOG's columns, in its order).
type UserChange struct {
	UserID      int32      `json:"userid"`
	UserName    string     `json:"user"`
	OldUserName string     `json:"old,omitempty"`
	Action      string     `json:"action"`
	CreateDB    int32      `json:"createdb"`
	Super       int32      `json:"super"`
	CatUpdate   int32      `json:"catupd"`
	ValidUntil  *time.Time `json:"valuntil,omitempty"` // nil: no expiry
	PID         int32      `json:"pid"`
	XID         int64      `json:"xid"`
	RecordTime  time.Time  `json:"t"`
	Deliver     bool       `json:"deliver,omitempty"`
}

// Statement kinds (SVL_STATEMENTTEXT's type column).
const (
	KindQuery   = "QUERY"
	KindDDL     = "DDL"
	KindUtility = "UTILITY"
)

// Activity is one user activity record: a statement as it was sent (passwords masked),
// written before it runs.
type Activity struct {
	QueryID    int64     `json:"q"`
	RecordTime time.Time `json:"t"`
	DB         string    `json:"db"`
	UserName   string    `json:"user"`
	PID        int32     `json:"pid"`
	UserID     int32     `json:"userid"`
	XID        int64     `json:"xid"`
	Label      string    `json:"label,omitempty"` // query_group; "default" when empty
	Kind       string    `json:"kind"`            // QUERY, DDL or UTILITY
	QueryType  string    `json:"qtype"`           // SYS_QUERY_HISTORY's query_type
	Text       string    `json:"text"`
	Deliver    bool      `json:"deliver,omitempty"`
}

// Statement statuses (SYS_QUERY_HISTORY's status column).
const (
	StatusRunning  = "running"
	StatusSuccess  = "success"
	StatusFailed   = "failed"
	StatusCanceled = "canceled"
)

// Completion is what is known when a statement ends.
type Completion struct {
	QueryID int64     `json:"q"`
	End     time.Time `json:"t"`
	Status  string    `json:"status"`
	Rows    int64     `json:"rows"`
	Error   string    `json:"err,omitempty"`
}
