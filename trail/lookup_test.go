package trail

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
)

// lookupDirect runs LookupEvents for key's account without keeping a record of the call
// (so that lookups do not find each other).
func (h *harness) lookupDirect(k auth.Key, in map[string]any) ([]lookupEvent, string, error) {
	h.t.Helper()
	body, err := json.Marshal(in)
	require.NoError(h.t, err)
	res, err := h.svc.lookupEvents(&request{principal: auth.AccountPrincipal(k), account: k.AccountID, body: body,
		r: httptest.NewRequest(http.MethodPost, "/", nil)})
	if err != nil {
		return nil, "", err
	}
	m := res.(map[string]any)
	next, _ := m["NextToken"].(string)
	return m["Events"].([]lookupEvent), next, nil
}

func attr(key, value string) map[string]any {
	return map[string]any{"LookupAttributes": []map[string]string{{"AttributeKey": key, "AttributeValue": value}}}
}

func names(evs []lookupEvent, byID map[string]string) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, byID[e.EventID])
	}
	return out
}

// TestLookupAttributes: each lookup attribute finds the records it names in the caller's
// account, newest first, and nothing of another account.
func TestLookupAttributes(t *testing.T) {
	h := newHarness(t)
	other, ok := h.dir.Key(auth.SecondAccessKeyID)
	require.True(t, ok)
	byID := map[string]string{}
	step := func(label string, ev Event) {
		byID[ev.EventID] = label
		h.clk.Advance(time.Second)
	}
	step("create-c1", h.record(h.root, "CreateCluster", `{"clusterIdentifier":"c1","masterUserPassword":"****"}`))
	describe := h.record(h.admin, "DescribeClusters", `{"clusterIdentifier":"c1"}`)
	step("describe-c1", describe)
	step("modify-pg1", h.record(h.admin, "ModifyClusterParameterGroup", `{"parameterGroupName":"pg1"}`))
	s3ev, err := h.svc.Record(Call{Source: "s3.amazonaws.com", Name: "PutBucketPolicy", Principal: auth.AccountPrincipal(h.root),
		RequestParameters: json.RawMessage(`{"bucketName":"b1"}`),
		Resources:         []Resource{{AccountID: testAccount, Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::b1"}}})
	require.NoError(t, err)
	step("policy-b1", s3ev)
	step("enable-c2", h.record(h.root, "EnableLogging", `{"clusterIdentifier":"c2","bucketName":"b1"}`))
	otherEv := h.record(other, "CreateCluster", `{"clusterIdentifier":"c1"}`)
	step("other-create-c1", otherEv)

	for _, tc := range []struct {
		key, value string
		want       []string
	}{
		{"EventName", "CreateCluster", []string{"create-c1"}},
		{"EventName", "createcluster", []string{}},
		{"EventName", "NoSuchCall", []string{}},
		{"EventSource", "s3.amazonaws.com", []string{"policy-b1"}},
		{"EventSource", "redshift.amazonaws.com", []string{"enable-c2", "modify-pg1", "describe-c1", "create-c1"}},
		{"ReadOnly", "true", []string{"describe-c1"}},
		{"ReadOnly", "false", []string{"enable-c2", "policy-b1", "modify-pg1", "create-c1"}},
		{"Username", "Admin", []string{"modify-pg1", "describe-c1"}},
		{"Username", "root", []string{"enable-c2", "policy-b1", "create-c1"}},
		{"ResourceName", "c1", []string{"describe-c1", "create-c1"}},
		{"ResourceName", "b1", []string{"policy-b1"}},
		{"ResourceName", "pg1", []string{"modify-pg1"}},
		{"ResourceType", "AWS::Redshift::Cluster", []string{"enable-c2", "describe-c1", "create-c1"}},
		{"ResourceType", "AWS::Redshift::ClusterParameterGroup", []string{"modify-pg1"}},
		{"ResourceType", "AWS::S3::Bucket", []string{"policy-b1"}},
		{"AccessKeyId", "AKIAADMINEXAMPLE", []string{"modify-pg1", "describe-c1"}},
		{"AccessKeyId", auth.DefaultAccessKeyID, []string{"enable-c2", "policy-b1", "create-c1"}},
		{"AccessKeyId", auth.SecondAccessKeyID, []string{}},
		{"EventId", describe.EventID, []string{"describe-c1"}},
		{"EventId", otherEv.EventID, []string{}},
	} {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			evs, next, err := h.lookupDirect(h.root, attr(tc.key, tc.value))
			require.NoError(t, err)
			require.Empty(t, next)
			require.Equal(t, tc.want, names(evs, byID))
		})
	}

	t.Run("no attribute", func(t *testing.T) {
		evs, _, err := h.lookupDirect(h.root, map[string]any{})
		require.NoError(t, err)
		require.Equal(t, []string{"enable-c2", "policy-b1", "modify-pg1", "describe-c1", "create-c1"}, names(evs, byID))
		evs, _, err = h.lookupDirect(other, map[string]any{})
		require.NoError(t, err)
		require.Equal(t, []string{"other-create-c1"}, names(evs, byID))
	})

	t.Run("event shape", func(t *testing.T) {
		evs, _, err := h.lookupDirect(h.root, attr("EventId", describe.EventID))
		require.NoError(t, err)
		require.Len(t, evs, 1)
		e := evs[0]
		require.Equal(t, "DescribeClusters", e.EventName)
		require.Equal(t, "true", e.ReadOnly)
		require.Equal(t, "AKIAADMINEXAMPLE", e.AccessKeyID)
		require.Equal(t, "Admin", e.Username)
		require.Equal(t, "redshift.amazonaws.com", e.EventSource)
		require.Equal(t, []lookupResource{{ResourceType: "AWS::Redshift::Cluster", ResourceName: "c1"}}, e.Resources)
		require.True(t, time.Date(2026, 3, 4, 10, 0, 1, 0, time.UTC).Equal(time.Time(e.EventTime)))
		var rec Event
		require.NoError(t, json.Unmarshal([]byte(e.CloudTrailEvent), &rec))
		require.Equal(t, describe, rec, "CloudTrailEvent is the record's JSON")
	})
}

// TestLookupPaging: MaxResults pages through NextToken newest first, with no duplicate and
// no gap, the last page without a token; a token survives records made meanwhile.
func TestLookupPaging(t *testing.T) {
	h := newHarness(t)
	var want []string // newest first
	for i := range 11 {
		ev := h.record(h.root, "DescribeClusters", `{"clusterIdentifier":"c`+string(rune('a'+i))+`"}`)
		want = append([]string{ev.EventID}, want...)
		h.clk.Advance(1500 * time.Millisecond)
	}
	var late []string
	for _, size := range []int{1, 3, 5, 10, 11, 50} {
		var got []string
		token := ""
		pages := 0
		for {
			in := map[string]any{"MaxResults": size}
			if token != "" {
				in["NextToken"] = token
			}
			evs, next, err := h.lookupDirect(h.root, in)
			require.NoError(t, err)
			require.LessOrEqual(t, len(evs), size)
			pages++
			for _, e := range evs {
				got = append(got, e.EventID)
			}
			if next == "" {
				break
			}
			require.Len(t, evs, size, "only the last page is short")
			token = next
			if pages == 2 {
				// A record made between pages does not shift the pages already promised.
				late = append(late, h.record(h.root, "DescribeClusters", `{}`).EventID)
			}
		}
		require.Equal(t, want, got, "page size %d", size)
		require.Equal(t, (len(want)+size-1)/size, pages, "page size %d", size)
		for _, id := range late {
			want = append([]string{id}, want...)
		}
		late = nil
	}
}

// TestLookupSameInstant: records made at one instant (a pinned clock) are listed newest
// first too, and pages through them lose and repeat nothing.
func TestLookupSameInstant(t *testing.T) {
	h := newHarness(t)
	var want []string
	h.record(h.root, "DescribeClusters", `{}`) // an older instant
	h.clk.Advance(time.Second)
	for i := range 7 {
		want = append([]string{h.record(h.root, "DescribeClusters", `{}`).EventID}, want...)
		if i == 3 {
			h.record(h.admin, "CreateCluster", `{}`) // one that a filter passes over
		}
	}
	for _, size := range []int{1, 2, 3, 7, 50} {
		var got []string
		token := ""
		for {
			in := attr("AccessKeyId", auth.DefaultAccessKeyID)
			in["MaxResults"] = size
			in["StartTime"] = h.clk.Now().Unix()
			if token != "" {
				in["NextToken"] = token
			}
			evs, next, err := h.lookupDirect(h.root, in)
			require.NoError(t, err)
			for _, e := range evs {
				got = append(got, e.EventID)
			}
			if next == "" {
				break
			}
			token = next
		}
		require.Equal(t, want, got, "page size %d", size)
	}
}

// TestLookupTimeRange: StartTime and EndTime are inclusive and compared with the records'
// eventTime (whole seconds); the window reaches back 90 days and no further.
func TestLookupTimeRange(t *testing.T) {
	h := newHarness(t)
	t0 := h.clk.Now()
	for range 5 { // at t0, t0+10s, ... t0+40s, each 300 ms into its second
		h.clk.Advance(300 * time.Millisecond)
		h.record(h.root, "DescribeClusters", `{}`)
		h.clk.Advance(10*time.Second - 300*time.Millisecond)
	}
	sec := func(d int) float64 { return float64(t0.Add(time.Duration(d) * time.Second).Unix()) }
	for _, tc := range []struct {
		name       string
		start, end any
		want       int
	}{
		{"all", nil, nil, 5},
		{"start inclusive", sec(10), nil, 4},
		{"start after", sec(11), nil, 3},
		{"end inclusive", nil, sec(30), 4},
		{"end before", nil, sec(29), 3},
		{"end with a fraction before", nil, sec(29) + 0.5, 3},
		{"start within a second before", sec(10) + 0.2, nil, 3},
		{"end within the second", nil, sec(30) + 0.2, 4},
		{"both", sec(10), sec(30), 3},
		{"one second", sec(20), sec(20), 1},
		{"RFC 3339 strings", t0.Add(10 * time.Second).Format(time.RFC3339), t0.Add(30 * time.Second).Format(time.RFC3339), 3},
		{"before all", nil, sec(-1), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]any{}
			if tc.start != nil {
				in["StartTime"] = tc.start
			}
			if tc.end != nil {
				in["EndTime"] = tc.end
			}
			evs, _, err := h.lookupDirect(h.root, in)
			require.NoError(t, err)
			require.Len(t, evs, tc.want)
		})
	}

	h.clk.Advance(89 * 24 * time.Hour)
	evs, _, err := h.lookupDirect(h.root, map[string]any{})
	require.NoError(t, err)
	require.Len(t, evs, 5, "89 days on")
	h.clk.Advance(24*time.Hour - 35*time.Second) // t0 + 90 days + 15 s
	evs, _, err = h.lookupDirect(h.root, map[string]any{"StartTime": sec(-3600)})
	require.NoError(t, err)
	require.Len(t, evs, 3, "90 days after the second record, the first two are out of reach even with an older StartTime")
}

// TestLookupErrors: CloudTrail's error types, through the API.
func TestLookupErrors(t *testing.T) {
	h := newHarness(t)
	h.record(h.root, "DescribeClusters", `{}`)
	two := map[string]any{"LookupAttributes": []map[string]string{
		{"AttributeKey": "EventName", "AttributeValue": "DescribeClusters"},
		{"AttributeKey": "ReadOnly", "AttributeValue": "true"}}}
	for _, tc := range []struct {
		name, errType string
		in            map[string]any
	}{
		{"two attributes", "InvalidLookupAttributesException", two},
		{"unknown key", "InvalidLookupAttributesException", attr("UserName", "root")},
		{"empty value", "InvalidLookupAttributesException", attr("EventName", "")},
		{"zero results", "InvalidMaxResultsException", map[string]any{"MaxResults": 0}},
		{"51 results", "InvalidMaxResultsException", map[string]any{"MaxResults": 51}},
		{"token not base64", "InvalidNextTokenException", map[string]any{"NextToken": "not a token!"}},
		{"token of another account", "InvalidNextTokenException", map[string]any{
			"NextToken": base64.RawURLEncoding.EncodeToString([]byte(keyLookup + auth.SecondAccountID + "/x"))}},
		{"start after end", "InvalidTimeRangeException", map[string]any{"StartTime": 2000000000, "EndTime": 1900000000}},
		{"event category", "InvalidEventCategoryException", map[string]any{"EventCategory": "management"}},
		{"not JSON", "SerializationException", map[string]any{"MaxResults": "many"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.fails(tc.errType, "LookupEvents", tc.in)
		})
	}

	// A failed lookup is recorded with its error; a good one, read-only, without response.
	res := h.ok("LookupEvents", attr("EventName", "LookupEvents"))
	evs := res["Events"].([]any)
	require.Len(t, evs, 10, "the ten failed lookups")
	var rec Event
	require.NoError(t, json.Unmarshal([]byte(evs[0].(map[string]any)["CloudTrailEvent"].(string)), &rec))
	require.Equal(t, "cloudtrail.amazonaws.com", rec.EventSource)
	require.Equal(t, "SerializationException", rec.ErrorCode, "the newest failure first")
	require.NotEmpty(t, rec.ErrorMessage)
	require.True(t, rec.ReadOnly)
	require.JSONEq(t, "null", string(rec.ResponseElements))
	require.Equal(t, "req-LookupEvents", rec.RequestID)
	require.Equal(t, "true", evs[0].(map[string]any)["ReadOnly"])
	require.IsType(t, float64(0), evs[0].(map[string]any)["EventTime"], "EventTime is epoch seconds")
	require.Equal(t, "root", evs[0].(map[string]any)["Username"])
}

func TestLookupTrailResource(t *testing.T) {
	h := newHarness(t)
	h.bucketFor("ct-res")
	h.ok("CreateTrail", map[string]any{"Name": "res-trail", "S3BucketName": "ct-res"})
	out := h.ok("LookupEvents", map[string]any{"LookupAttributes": []map[string]string{
		{"AttributeKey": "ResourceType", "AttributeValue": "AWS::CloudTrail::Trail"}}})
	events := out["Events"].([]any)
	require.Len(t, events, 1)
	ev := events[0].(map[string]any)
	require.Equal(t, "CreateTrail", ev["EventName"])
	require.Equal(t, []any{map[string]any{"ResourceType": "AWS::CloudTrail::Trail", "ResourceName": "res-trail"}}, ev["Resources"])
}
