package trail

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
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
	from := lookupKey(q.account, end, 0)
	// The index orders the records of one instant oldest first (by sequence): each
	// instant's keys are read whole and served newest first. A token is the first key not
	// served; the next page starts with it, in its instant.
	var resumeInstant string
	resumeSeq := int64(-1)
	if in.NextToken != "" {
		tok, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		instant, seq, ok := splitLookupKey(tok, prefix)
		if err != nil || !ok {
			return nil, apiError("InvalidNextTokenException", "Invalid NextToken.")
		}
		resumeInstant, resumeSeq = instant, seq
		from = []byte(string(prefix) + instant + "/")
	}
	stopKey := lookupKey(q.account, start, 1<<62)
	events := []lookupEvent{}
	var next string
	errEnd, errFull := errors.New("end of range"), errors.New("page full")
	var group [][]byte // keys of one instant, oldest first
	groupInstant := ""
	serve := func(tx *store.Tx) error {
		for i := len(group) - 1; i >= 0; i-- {
			k := group[i]
			seq, err := seqOf(k)
			if err != nil {
				continue
			}
			body, err := tx.Get(eventKey(seq))
			if err != nil {
				continue // pruned
			}
			var ev Event
			if err := json.Unmarshal(body, &ev); err != nil {
				return fmt.Errorf("decode record %d: %w", seq, err)
			}
			le := toLookup(ev, body)
			if attrKey != "" && !matches(le, attrKey, attrValue) {
				continue
			}
			if len(events) == limit {
				next = base64.RawURLEncoding.EncodeToString(k)
				return errFull
			}
			events = append(events, le)
		}
		group = group[:0]
		return nil
	}
	err := s.space.View(func(tx *store.Tx) error {
		err := tx.ScanFrom(prefix, from, func(k, _ []byte) error {
			if string(k) > string(stopKey) {
				return errEnd
			}
			instant, seq, ok := splitLookupKey(k, prefix)
			if !ok {
				return nil
			}
			if instant == resumeInstant && seq > resumeSeq {
				return nil // served on an earlier page
			}
			if len(group) > 0 && instant != groupInstant {
				if err := serve(tx); err != nil {
					return err
				}
			}
			groupInstant = instant
			group = append(group, bytes.Clone(k))
			return nil
		})
		if err == nil || errors.Is(err, errEnd) {
			err = serve(tx)
		}
		return err
	})
	if err != nil && !errors.Is(err, errFull) {
		return nil, fmt.Errorf("look up events: %w", err)
	}
	out := map[string]any{"Events": events}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// splitLookupKey splits an index key of the account whose index prefix is given into its
// instant (the inverted time) and sequence number.
func splitLookupKey(k, prefix []byte) (string, int64, bool) {
	rest, ok := bytes.CutPrefix(k, prefix)
	if !ok {
		return "", 0, false
	}
	instant, seq, ok := strings.Cut(string(rest), "/")
	if !ok || len(instant) != 20 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil || n < 0 {
		return "", 0, false
	}
	return instant, n, true
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
