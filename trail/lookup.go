package trail

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
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
	prefix := []byte(keyLookup + q.account + "/")
	from := lookupKey(q.account, end.Add(time.Second), 0)
	if in.NextToken != "" {
		tok, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || !strings.HasPrefix(string(tok), string(prefix)) {
			return nil, apiError("InvalidNextTokenException", "Invalid NextToken.")
		}
		from = append(tok, 0) // just after the last one returned
	}
	stopKey := lookupKey(q.account, start, 1<<62)
	events := []lookupEvent{}
	var prev []byte
	var next string
	errStop := errors.New("stop")
	err := s.space.View(func(tx *store.Tx) error {
		return tx.ScanFrom(prefix, from, func(k, _ []byte) error {
			if string(k) > string(stopKey) {
				return errStop
			}
			seq, err := seqOf(k)
			if err != nil {
				return nil
			}
			body, err := tx.Get(eventKey(seq))
			if err != nil {
				return nil // pruned
			}
			var ev Event
			if err := json.Unmarshal(body, &ev); err != nil {
				return fmt.Errorf("decode record %d: %w", seq, err)
			}
			le := toLookup(ev, body)
			if attrKey != "" && !matches(le, attrKey, attrValue) {
				return nil
			}
			if len(events) == limit {
				next = base64.RawURLEncoding.EncodeToString(prev)
				return errStop
			}
			events = append(events, le)
			prev = append(prev[:0], k...)
			return nil
		})
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, fmt.Errorf("look up events: %w", err)
	}
	out := map[string]any{"Events": events}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// toLookup is a record as LookupEvents lists it.
func toLookup(ev Event, body []byte) lookupEvent {
	t, _ := time.Parse(timeFormat, ev.EventTime)
	le := lookupEvent{EventID: ev.EventID, EventName: ev.EventName, ReadOnly: fmt.Sprint(ev.ReadOnly),
		AccessKeyID: ev.UserIdentity.AccessKeyID, EventTime: epoch(t), EventSource: ev.EventSource,
		Username: username(ev.UserIdentity), Resources: []lookupResource{}, CloudTrailEvent: string(body)}
	for _, r := range ev.Resources {
		name := r.ARN
		if i := strings.Index(name, ":::"); i >= 0 { // arn:aws:s3:::bucket
			name = name[i+3:]
		}
		le.Resources = append(le.Resources, lookupResource{ResourceType: r.Type, ResourceName: name})
	}
	for _, r := range lookupResources(ev) {
		le.Resources = append(le.Resources, r)
	}
	return le
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

// lookupResources are the resources LookupEvents derives from a Redshift call's
// parameters (a cluster, a parameter group); S3 and CloudTrail records carry theirs.
func lookupResources(ev Event) []lookupResource {
	if ev.EventSource != "redshift.amazonaws.com" || len(ev.RequestParameters) == 0 {
		return nil
	}
	var p map[string]any
	if json.Unmarshal(ev.RequestParameters, &p) != nil {
		return nil
	}
	var out []lookupResource
	if v, ok := p["clusterIdentifier"].(string); ok && v != "" {
		out = append(out, lookupResource{ResourceType: "AWS::Redshift::Cluster", ResourceName: v})
	}
	if v, ok := p["parameterGroupName"].(string); ok && v != "" {
		out = append(out, lookupResource{ResourceType: "AWS::Redshift::ClusterParameterGroup", ResourceName: v})
	}
	return out
}

// matches applies LookupEvents' one attribute.
func matches(le lookupEvent, key, value string) bool {
	switch key {
	case "EventId":
		return le.EventID == value
	case "EventName":
		return le.EventName == value
	case "ReadOnly":
		return le.ReadOnly == value
	case "Username":
		return le.Username == value
	case "EventSource":
		return le.EventSource == value
	case "AccessKeyId":
		return le.AccessKeyID == value
	case "ResourceType", "ResourceName":
		for _, r := range le.Resources {
			if (key == "ResourceType" && r.ResourceType == value) || (key == "ResourceName" && r.ResourceName == value) {
				return true
			}
		}
	}
	return false
}
