package trail

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fakeshift/fakeshift/auth"
)

// EventVersion is the record format version fakeshift writes (the current one; Redshift's
// documentation samples show older ones, with the same fields).
const EventVersion = "1.11"

// Event is one CloudTrail record. Its fields are in the order CloudTrail writes them, and
// its JSON is the record as it appears in a trail file and in LookupEvents' CloudTrailEvent.
type Event struct {
	EventVersion        string          `json:"eventVersion"`
	UserIdentity        UserIdentity    `json:"userIdentity"`
	EventTime           string          `json:"eventTime"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	ErrorCode           string          `json:"errorCode,omitempty"`
	ErrorMessage        string          `json:"errorMessage,omitempty"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ResponseElements    json.RawMessage `json:"responseElements"`
	AdditionalEventData json.RawMessage `json:"additionalEventData,omitempty"`
	RequestID           string          `json:"requestID"`
	EventID             string          `json:"eventID"`
	ReadOnly            bool            `json:"readOnly"`
	Resources           []Resource      `json:"resources,omitempty"`
	EventType           string          `json:"eventType"`
	ManagementEvent     bool            `json:"managementEvent"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	SharedEventID       string          `json:"sharedEventID,omitempty"`
	EventCategory       string          `json:"eventCategory"`
}

// UserIdentity is the record's userIdentity: who made the call.
type UserIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId,omitempty"`
	ARN            string          `json:"arn,omitempty"`
	AccountID      string          `json:"accountId,omitempty"`
	AccessKeyID    string          `json:"accessKeyId,omitempty"`
	UserName       string          `json:"userName,omitempty"`
	SessionContext *SessionContext `json:"sessionContext,omitempty"`
	InvokedBy      string          `json:"invokedBy,omitempty"`
}

// SessionContext is the session of temporary credentials (an assumed role).
type SessionContext struct {
	SessionIssuer *SessionIssuer    `json:"sessionIssuer,omitempty"`
	Attributes    SessionAttributes `json:"attributes"`
}

// SessionIssuer is the role that issued an assumed role's session.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// SessionAttributes are when the session's credentials were made and whether with MFA.
type SessionAttributes struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

// Resource is a resource the call named (LookupEvents' Resources; S3 records carry them).
type Resource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
}

// Call is what the front door knows of one API call once its handler has answered: enough
// to make its record.
type Call struct {
	// Source is the service's event source ("redshift.amazonaws.com").
	Source string
	// Name is the API operation ("EnableLogging").
	Name      string
	Principal auth.Principal
	Time      time.Time
	Region    string
	SourceIP  string
	UserAgent string
	// RequestParameters and ResponseElements are JSON; nil is written as null.
	RequestParameters   json.RawMessage
	ResponseElements    json.RawMessage
	AdditionalEventData json.RawMessage
	// ErrorCode and ErrorMessage are set for a call that failed.
	ErrorCode, ErrorMessage string
	RequestID               string
	ReadOnly                bool
	Resources               []Resource
	// Identity is the caller's userIdentity when it is not the signing key's (a service
	// acting from its own account); zero means the one Principal gives.
	Identity *UserIdentity
	// RecipientAccountID is the account whose trail gets the record; empty means the
	// caller's.
	RecipientAccountID string
	// SharedEventID ties the records of one call that several accounts receive (a service
	// acting for a customer).
	SharedEventID string
}

// timeFormat is CloudTrail's eventTime layout.
const timeFormat = "2006-01-02T15:04:05Z"

// NewEvent makes the record of a call.
func NewEvent(c Call) Event {
	id := c.Identity
	if id == nil {
		u := IdentityOf(c.Principal, c.Time)
		id = &u
	}
	recipient := c.RecipientAccountID
	if recipient == "" {
		recipient = id.AccountID
	}
	return Event{
		EventVersion:        EventVersion,
		UserIdentity:        *id,
		EventTime:           c.Time.UTC().Format(timeFormat),
		EventSource:         c.Source,
		EventName:           c.Name,
		AWSRegion:           c.Region,
		SourceIPAddress:     c.SourceIP,
		UserAgent:           c.UserAgent,
		ErrorCode:           c.ErrorCode,
		ErrorMessage:        c.ErrorMessage,
		RequestParameters:   orNull(c.RequestParameters),
		ResponseElements:    orNull(c.ResponseElements),
		AdditionalEventData: c.AdditionalEventData,
		RequestID:           c.RequestID,
		EventID:             uuid.NewString(),
		ReadOnly:            c.ReadOnly,
		Resources:           c.Resources,
		EventType:           "AwsApiCall",
		ManagementEvent:     true,
		RecipientAccountID:  recipient,
		SharedEventID:       c.SharedEventID,
		EventCategory:       "Management",
	}
}

func orNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// IdentityOf is the userIdentity CloudTrail writes for a signed call: Root, IAMUser or
// AssumedRole as the access key's identity says. Temporary credentials (an assumed role)
// get a session context whose creation date is the call's hour.
func IdentityOf(p auth.Principal, at time.Time) UserIdentity {
	if p.Kind != auth.KindAccount || p.Key == nil {
		if p.Kind == auth.KindService {
			return UserIdentity{Type: "AWSService", InvokedBy: p.Service}
		}
		return UserIdentity{Type: "AWSAccount", AccountID: "anonymous"}
	}
	k := p.Key
	u := UserIdentity{
		Type:        string(k.Identity.Type),
		PrincipalID: k.Identity.PrincipalID,
		ARN:         k.Identity.ARN,
		AccountID:   k.AccountID,
		AccessKeyID: k.AccessKeyID,
	}
	switch k.Identity.Type {
	case auth.IdentityIAMUser:
		u.UserName = k.Identity.UserName
	case auth.IdentityAssumedRole:
		si, _ := k.Identity.SessionIssuer()
		u.SessionContext = &SessionContext{
			SessionIssuer: &SessionIssuer{Type: si.Type, PrincipalID: si.PrincipalID, ARN: si.ARN,
				AccountID: si.AccountID, UserName: si.UserName},
			Attributes: SessionAttributes{CreationDate: at.UTC().Truncate(time.Hour).Format(timeFormat),
				MFAAuthenticated: "false"},
		}
	}
	return u
}

// RedshiftServiceIdentity is the userIdentity of a call Redshift makes to another service
// for a cluster: an assumed role in Redshift's account of the region, as in the seed's KMS
// Decrypt example. The role and session names are fakeshift's (the real ones are
// Redshift's internal names); a region missing from the table uses us-east-1's account.
func RedshiftServiceIdentity(region, clusterID string, at time.Time) UserIdentity {
	acct, ok := auth.RedshiftCallerAccount(region)
	if !ok {
		acct, _ = auth.RedshiftCallerAccount("us-east-1")
	}
	const role = "fakeshift-redshift-service"
	roleID := "AROA" + strings.ToUpper(hex.EncodeToString([]byte(acct))[:17])
	session := "i-" + hex.EncodeToString([]byte(clusterID + "0000000000"))[:17]
	return UserIdentity{
		Type:        "AssumedRole",
		PrincipalID: roleID + ":" + session,
		ARN:         "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session,
		AccountID:   acct,
		AccessKeyID: "ASIA" + strings.ToUpper(hex.EncodeToString([]byte(clusterID + "00000000"))[:16]),
		SessionContext: &SessionContext{
			SessionIssuer: &SessionIssuer{Type: "Role", PrincipalID: roleID, ARN: "arn:aws:iam::" + acct + ":role/" + role,
				AccountID: acct, UserName: role},
			Attributes: SessionAttributes{CreationDate: at.UTC().Truncate(time.Hour).Format(timeFormat), MFAAuthenticated: "false"},
		},
	}
}
