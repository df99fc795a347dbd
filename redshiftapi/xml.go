package redshiftapi

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"
)

// Service is one Query-protocol service fakeshift answers: its XML namespace, its API
// version, and the actions whose output has no result wrapper in the model.
type Service struct {
	// Name is the SigV4 signing name ("redshift", "sts").
	Name string
	// Namespace is the xmlns of every response and error envelope (MODEL: metadata.xmlNamespace).
	Namespace string
	// Version is the one API version the service accepts ([Service.Action]).
	Version string

	// noResultWrapper holds the actions whose output has no resultWrapper in the model:
	// their response carries only ResponseMetadata.
	noResultWrapper map[string]bool
}

// Redshift is the Amazon Redshift Query API, version 2012-12-01 (MODEL).
var Redshift = Service{
	Name:      "redshift",
	Namespace: "http://redshift.amazonaws.com/doc/2012-12-01/",
	Version:   "2012-12-01",
	// Every Redshift operation without an output resultWrapper in botocore 1.43.11
	// (TestResultWrappersMatchModel checks this set against the model).
	noResultWrapper: map[string]bool{
		"CreateTags":                    true,
		"DeleteClusterParameterGroup":   true,
		"DeleteClusterSecurityGroup":    true,
		"DeleteClusterSubnetGroup":      true,
		"DeleteCustomDomainAssociation": true,
		"DeleteEventSubscription":       true,
		"DeleteHsmClientCertificate":    true,
		"DeleteHsmConfiguration":        true,
		"DeleteRedshiftIdcApplication":  true,
		"DeleteResourcePolicy":          true,
		"DeleteScheduledAction":         true,
		"DeleteSnapshotCopyGrant":       true,
		"DeleteSnapshotSchedule":        true,
		"DeleteTags":                    true,
		"DeleteUsageLimit":              true,
		"ModifyClusterSnapshotSchedule": true,
	},
}

// STS is the AWS Security Token Service Query API, version 2011-06-15 (MODEL), for the STS
// calls fakeshift answers (GetCallerIdentity).
var STS = Service{
	Name:            "sts",
	Namespace:       "https://sts.amazonaws.com/doc/2011-06-15/",
	Version:         "2011-06-15",
	noResultWrapper: map[string]bool{},
}

// HasResultWrapper reports whether action's response wraps its output in <{Action}Result>.
func (s Service) HasResultWrapper(action string) bool { return !s.noResultWrapper[action] }

// WriteResult writes a successful response for action: status 200, Content-Type text/xml,
// x-amzn-RequestId, and the body of [Service.MarshalResult].
func (s Service) WriteResult(w http.ResponseWriter, action, requestID string, result any) error {
	body, err := s.MarshalResult(action, requestID, result)
	if err != nil {
		return err
	}
	return write(w, http.StatusOK, requestID, body)
}

// WriteError writes e (nil is InternalFailure) with its status, Content-Type text/xml,
// x-amzn-RequestId and the body of [Service.MarshalError].
func (s Service) WriteError(w http.ResponseWriter, requestID string, e *Error) error {
	if e == nil {
		e = InternalFailure()
	}
	return write(w, e.Status, requestID, s.MarshalError(requestID, e))
}

func write(w http.ResponseWriter, status int, requestID string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

// MarshalResult renders the success envelope of action:
//
//	<{Action}Response xmlns="{Namespace}">
//	  <{Action}Result>…result's fields…</{Action}Result>
//	  <ResponseMetadata>
//	    <RequestId>{requestID}</RequestId>
//	  </ResponseMetadata>
//	</{Action}Response>
//
// result is a struct (or pointer to one) whose fields are the output shape's members, such
// as [ClusterResult] or [LoggingStatus]; nil renders an empty result element. For the
// actions without a result wrapper in the model there is no {Action}Result element and
// result must be nil.
//
// The layout is the real service's: two-space indentation, empty elements as <Tags/>, no
// XML declaration, a final newline.
func (s Service) MarshalResult(action, requestID string, result any) ([]byte, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Space: s.Namespace, Local: action + "Response"}}
	if err := enc.EncodeToken(root); err != nil {
		return nil, err
	}
	if s.HasResultWrapper(action) {
		start := xml.StartElement{Name: xml.Name{Local: action + "Result"}}
		if result == nil {
			if err := enc.EncodeToken(start); err != nil {
				return nil, err
			}
			if err := enc.EncodeToken(start.End()); err != nil {
				return nil, err
			}
		} else if err := enc.EncodeElement(result, start); err != nil {
			return nil, err
		}
	} else if result != nil {
		panic("redshiftapi: " + action + " has no result wrapper in the model; its result must be nil")
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return finish(buf.Bytes()), nil
}

// errorEnvelope is the body of a Query API error (VERIFIED, real boto3 log, research 1.3).
type errorEnvelope struct {
	Error struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// MarshalError renders the error envelope:
//
//	<ErrorResponse xmlns="{Namespace}">
//	  <Error>
//	    <Type>Sender</Type>
//	    <Code>ClusterNotFound</Code>
//	    <Message>Cluster c1 not found.</Message>
//	  </Error>
//	  <RequestId>{requestID}</RequestId>
//	</ErrorResponse>
//
// RequestId is a direct child of ErrorResponse, not inside ResponseMetadata.
func (s Service) MarshalError(requestID string, e *Error) []byte {
	var env errorEnvelope
	env.Error.Type = e.Type()
	env.Error.Code = e.Code
	env.Error.Message = e.Message
	env.RequestID = requestID
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	// Encoding strings into a bytes.Buffer cannot fail.
	_ = enc.EncodeElement(env, xml.StartElement{Name: xml.Name{Space: s.Namespace, Local: "ErrorResponse"}})
	_ = enc.Flush()
	return finish(buf.Bytes())
}

// finish writes empty elements as <X/> (the real service does: <Tags/>,
// <PendingModifiedValues/>) and appends the final newline. Character data never contains
// a raw '<', so every "<" in the encoder's output starts a tag.
func finish(b []byte) []byte {
	out := make([]byte, 0, len(b)+1)
	for i := 0; i < len(b); {
		if b[i] == '<' && i+1 < len(b) && b[i+1] != '/' {
			end := bytes.IndexByte(b[i:], '>')
			if end > 0 {
				tag := b[i+1 : i+end]
				closing := append(append([]byte("</"), tag...), '>')
				if bytes.IndexByte(tag, ' ') < 0 && bytes.HasPrefix(b[i+end+1:], closing) {
					out = append(out, '<')
					out = append(out, tag...)
					out = append(out, '/', '>')
					i += end + 1 + len(closing)
					continue
				}
			}
		}
		out = append(out, b[i])
		i++
	}
	return append(out, '\n')
}

// Timestamp is a time rendered as the Redshift Query API renders timestamps: UTC ISO 8601,
// with milliseconds when they are not zero ("2020-10-28T02:44:31.487Z") and without a
// fraction when they are ("2020-10-28T05:00:00Z"). Both forms are VERIFIED in one real
// DescribeClusters response (ClusterCreateTime and NextMaintenanceWindowStartTime, real
// boto3 log); every client parses either.
type Timestamp time.Time

// NewTimestamp returns a pointer to t as a Timestamp, for the optional timestamp fields.
func NewTimestamp(t time.Time) *Timestamp {
	ts := Timestamp(t)
	return &ts
}

// MarshalText implements encoding.TextMarshaler with [FormatTimestamp].
func (t Timestamp) MarshalText() ([]byte, error) {
	return []byte(FormatTimestamp(time.Time(t))), nil
}

// FormatTimestamp formats t like the Redshift Query API (see [Timestamp]): truncated to
// milliseconds, in UTC.
func FormatTimestamp(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// encodeList renders items as the children of start, each named member.
func encodeList[T any](e *xml.Encoder, start xml.StartElement, member string, items []T) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	item := xml.StartElement{Name: xml.Name{Local: member}}
	for i := range items {
		if err := e.EncodeElement(items[i], item); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}
