package trail

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/store"
)

// lookupWindow is how far back LookupEvents reaches.
const lookupWindow = 90 * 24 * time.Hour

// lookupKeys are LookupEvents' attribute keys.
var lookupKeys = map[string]bool{
	"EventId": true, "EventName": true, "ReadOnly": true, "Username": true, "ResourceType": true,
	"ResourceName": true, "EventSource": true, "AccessKeyId": true,
}

type lookupInput struct {
	LookupAttributes []struct {
		AttributeKey   string
		AttributeValue string
	}
	StartTime     *epoch
	EndTime       *epoch
	EventCategory string
	MaxResults    *int
	NextToken     string
}

// lookupEvent is LookupEvents' Event shape.
type lookupEvent struct {
	EventID         string           `json:"EventId"`
	EventName       string           `json:"EventName"`
	ReadOnly        string           `json:"ReadOnly"`
	AccessKeyID     string           `json:"AccessKeyId,omitempty"`
	EventTime       epoch            `json:"EventTime"`
	EventSource     string           `json:"EventSource"`
	Username        string           `json:"Username,omitempty"`
	Resources       []lookupResource `json:"Resources"`
	CloudTrailEvent string           `json:"CloudTrailEvent"`
}

type lookupResource struct {
	ResourceType string `json:"ResourceType"`
	ResourceName string `json:"ResourceName"`
}

func (s *Service) lookupEvents(q *request) (any, error) {
	var in lookupInput
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if len(in.LookupAttributes) > 1 {
		return nil, apiError("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
	}
	var attrKey, attrValue string
	if len(in.LookupAttributes) == 1 {
		attrKey, attrValue = in.LookupAttributes[0].AttributeKey, in.LookupAttributes[0].AttributeValue
		if !lookupKeys[attrKey] {
			return nil, apiError("InvalidLookupAttributesException", "The lookup attribute key %s is not valid.", attrKey)
		}
		if attrValue == "" {
			return nil, apiError("InvalidLookupAttributesException", "The lookup attribute value cannot be empty.")
		}
	}
	if in.EventCategory != "" {
		if in.EventCategory != "insight" {
			return nil, apiError("InvalidEventCategoryException", "The event category %s is not valid.", in.EventCategory)
		}
		// fakeshift makes no Insights events.
		return map[string]any{"Events": []lookupEvent{}}, nil
	}
	limit := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, apiError("InvalidMaxResultsException", "The maximum results value must be between 1 and 50.")
		}
		limit = *in.MaxResults
	}
	now := s.cfg.Clock.Now()
	start, end := now.Add(-lookupWindow), now
	if in.StartTime != nil && time.Time(*in.StartTime).After(start) {
		start = time.Time(*in.StartTime)
	}
	if in.EndTime != nil {
		end = time.Time(*in.EndTime)
	}
	if in.StartTime != nil && in.EndTime != nil && time.Time(*in.StartTime).After(time.Time(*in.EndTime)) {
		return nil, apiError("InvalidTimeRangeException", "Start time must be before end time.")
	}
	// The range applies to eventTime, which has whole seconds, while the index keeps the
	// call's instant: a record is in range when its second is.
	if t := start.Truncate(time.Second); t.Before(start) {
		start = t.Add(time.Second)
	}
	end = end.Truncate(time.Second).Add(time.Second - time.Nanosecond)
	prefix := []byte(keyLookup + q.account + "/")
	from := lookupKey(q.account, end, math.MaxInt64) // the newest key of end's instant
	if in.NextToken != "" {
		tok, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || !bytes.HasPrefix(tok, prefix) {
			return nil, apiError("InvalidNextTokenException", "Invalid NextToken.")
		}
		from = tok // a token is the first key not served yet
	}
	stopKey := lookupKey(q.account, start, 0) // the oldest key of start's instant
	events := []lookupEvent{}
	var next string
	errEnd := errors.New("end")
	err := s.space.View(func(tx *store.Tx) error {
		return tx.ScanFrom(prefix, from, func(k, _ []byte) error {
			if bytes.Compare(k, stopKey) > 0 {
				return errEnd
			}
			inv, ok := lastNumber(k)
			if !ok {
				return nil
			}
			seq := math.MaxInt64 - inv
			body, err := tx.Get(eventKey(seq))
			if errors.Is(err, store.ErrNotFound) {
				return nil // an index key whose record Reset has just deleted (it deletes the index next)
			}
			if err != nil {
				return fmt.Errorf("read record %d: %w", seq, err)
			}
			var head lookupHead
			if err := json.Unmarshal(body, &head); err != nil {
				return fmt.Errorf("decode record %d: %w", seq, err)
			}
			// The resources are worked out once: for the match when it is on them, and
			// for the answer.
			var res []lookupResource
			if attrKey == "ResourceType" || attrKey == "ResourceName" {
				res = head.resources()
			}
			if attrKey != "" && !matches(&head, res, attrKey, attrValue) {
				return nil
			}
			if len(events) == limit {
				next = base64.RawURLEncoding.EncodeToString(k)
				return errEnd
			}
			if res == nil {
				res = head.resources()
			}
			events = append(events, toLookup(&head, body, res))
			return nil
		})
	})
	if err != nil && !errors.Is(err, errEnd) {
		return nil, fmt.Errorf("look up events: %w", err)
	}
	out := map[string]any{"Events": events}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// lookupHead is what LookupEvents reads of a record.
type lookupHead struct {
	EventID           string          `json:"eventID"`
	EventName         string          `json:"eventName"`
	EventSource       string          `json:"eventSource"`
	EventTime         string          `json:"eventTime"`
	ReadOnly          bool            `json:"readOnly"`
	UserIdentity      UserIdentity    `json:"userIdentity"`
	Resources         []Resource      `json:"resources"`
	RequestParameters json.RawMessage `json:"requestParameters"`
}

// toLookup is a record as LookupEvents lists it, with its resources (h.resources()).
func toLookup(h *lookupHead, body []byte, resources []lookupResource) lookupEvent {
	t, _ := time.Parse(timeFormat, h.EventTime)
	return lookupEvent{EventID: h.EventID, EventName: h.EventName, ReadOnly: strconv.FormatBool(h.ReadOnly),
		AccessKeyID: h.UserIdentity.AccessKeyID, EventTime: epoch(t), EventSource: h.EventSource,
		Username: username(h.UserIdentity), Resources: resources, CloudTrailEvent: string(body)}
}

// resources are the record's resources as LookupEvents names them: those it carries (a
// bucket by its name), and for a Redshift call those its parameters name.
func (h *lookupHead) resources() []lookupResource {
	out := []lookupResource{}
	for _, r := range h.Resources {
		name := r.ARN
		if i := strings.Index(name, ":::"); i >= 0 { // arn:aws:s3:::bucket
			name = name[i+3:]
		}
		out = append(out, lookupResource{ResourceType: r.Type, ResourceName: name})
	}
	return append(out, lookupResources(h)...)
}

// username is the user name LookupEvents shows: the IAM user's name, the role session's
// name, or "root".
func username(u UserIdentity) string {
	switch u.Type {
	case "Root":
		return "root"
	case "IAMUser":
		return u.UserName
	case "AssumedRole":
		if i := strings.LastIndexByte(u.ARN, '/'); i >= 0 {
			return u.ARN[i+1:]
		}
	}
	return ""
}

// lookupResources are the resources LookupEvents derives from a call's parameters: a
// Redshift cluster or parameter group, a CloudTrail trail (S3 records carry theirs).
func lookupResources(h *lookupHead) []lookupResource {
	if len(h.RequestParameters) == 0 || (h.EventSource != "redshift.amazonaws.com" && h.EventSource != "cloudtrail.amazonaws.com") {
		return nil
	}
	var p struct {
		ClusterIdentifier  string `json:"clusterIdentifier"`
		ParameterGroupName string `json:"parameterGroupName"`
		Name               string `json:"name"` // a trail's name or ARN
	}
	if json.Unmarshal(h.RequestParameters, &p) != nil {
		return nil
	}
	var out []lookupResource
	if h.EventSource == "cloudtrail.amazonaws.com" {
		if p.Name != "" {
			out = append(out, lookupResource{ResourceType: "AWS::CloudTrail::Trail", ResourceName: p.Name})
		}
		return out
	}
	if p.ClusterIdentifier != "" {
		out = append(out, lookupResource{ResourceType: "AWS::Redshift::Cluster", ResourceName: p.ClusterIdentifier})
	}
	if p.ParameterGroupName != "" {
		out = append(out, lookupResource{ResourceType: "AWS::Redshift::ClusterParameterGroup", ResourceName: p.ParameterGroupName})
	}
	return out
}

// matches applies LookupEvents' one attribute; resources are h.resources() when key is
// ResourceType or ResourceName.
func matches(h *lookupHead, resources []lookupResource, key, value string) bool {
	switch key {
	case "EventId":
		return h.EventID == value
	case "EventName":
		return h.EventName == value
	case "ReadOnly":
		return strconv.FormatBool(h.ReadOnly) == value
	case "Username":
		return username(h.UserIdentity) == value
	case "EventSource":
		return h.EventSource == value
	case "AccessKeyId":
		return h.UserIdentity.AccessKeyID == value
	case "ResourceType", "ResourceName":
		for _, r := range resources {
			if (key == "ResourceType" && r.ResourceType == value) || (key == "ResourceName" && r.ResourceName == value) {
				return true
			}
		}
	}
	return false
}
