package trail

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
)

func TestValidateName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string // a part of the message; "" means valid
	}{
		{"abc", ""},
		{"My.trail_1-x", ""},
		{"9lives", ""},
		{strings.Repeat("a", 128), ""},
		{"ab", "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters."},
		{"", "too short"},
		{strings.Repeat("a", 129), "Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters."},
		{"-abc", "must starts with a letter or number"},
		{"abc.", "ends with a letter or number"},
		{"a b", "can only contain letters, numbers, periods, underscores and dashes"},
		{"a/b", "can only contain letters"},
		{"a..b", "non-adjacent periods, underscores and dashes"},
		{"a_-b", "non-adjacent"},
		{"192.168.1.1", "cannot be formatted as an IP address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := validateName(tc.name)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, "InvalidTrailNameException", e.Type)
			require.Equal(t, http.StatusBadRequest, e.Status)
			require.Contains(t, e.Message, tc.want)
		})
	}
}

func TestEpochJSON(t *testing.T) {
	base := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	t.Run("marshal", func(t *testing.T) {
		for _, tc := range []struct {
			in   time.Time
			want string
		}{
			{base, "1772618400.000"},
			{base.Add(123 * time.Millisecond), "1772618400.123"},
			{base.Add(999 * time.Millisecond), "1772618400.999"},
			{time.Unix(0, 0), "0.000"},
		} {
			b, err := json.Marshal(epoch(tc.in))
			require.NoError(t, err)
			require.Equal(t, tc.want, string(b))
		}
	})
	t.Run("unmarshal", func(t *testing.T) {
		for _, tc := range []struct {
			in      string
			want    time.Time
			wantErr bool
		}{
			{in: "1772618400", want: base},
			{in: "1772618400.0", want: base},
			{in: "1772618400.123", want: base.Add(123 * time.Millisecond)},
			{in: "1772618400.001", want: base.Add(time.Millisecond)},
			{in: "1772618400.999", want: base.Add(999 * time.Millisecond)},
			{in: "1.7726184e9", want: base},
			{in: `"2026-03-04T10:00:00Z"`, want: base},
			{in: `"2026-03-04T11:00:00+01:00"`, want: base},
			{in: `"yesterday"`, wantErr: true},
			{in: `true`, wantErr: true},
			{in: `{}`, wantErr: true},
		} {
			var e epoch
			err := json.Unmarshal([]byte(tc.in), &e)
			if tc.wantErr {
				require.Error(t, err, tc.in)
				continue
			}
			require.NoError(t, err, tc.in)
			require.True(t, tc.want.Equal(time.Time(e)), "%s: got %s want %s", tc.in, time.Time(e).Format(time.RFC3339Nano), tc.want.Format(time.RFC3339Nano))
		}
	})
	t.Run("round trip in a struct", func(t *testing.T) {
		in := struct {
			At *epoch `json:"At,omitempty"`
		}{}
		e := epoch(base.Add(250 * time.Millisecond))
		in.At = &e
		b, err := json.Marshal(in)
		require.NoError(t, err)
		require.JSONEq(t, `{"At":1772618400.25}`, string(b))
		in.At = nil
		require.NoError(t, json.Unmarshal(b, &in))
		require.True(t, base.Add(250*time.Millisecond).Equal(time.Time(*in.At)))
		require.NoError(t, json.Unmarshal([]byte(`{"At":null}`), &in))
		require.Nil(t, in.At)
	})
}

// TestRequestParameters: a CloudTrail call's requestParameters and responseElements are its
// JSON members in lowerCamelCase at every depth; an empty request is null; readOnly follows
// the operation.
func TestRequestParameters(t *testing.T) {
	for _, tc := range []struct {
		op, body, want string
		readOnly       bool
	}{
		{"CreateTrail", `{"Name":"t","S3BucketName":"b","TagsList":[{"Key":"k","Value":"v"}]}`,
			`{"name":"t","s3BucketName":"b","tagsList":[{"key":"k","value":"v"}]}`, false},
		{"LookupEvents", `{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"X"}],"MaxResults":5}`,
			`{"lookupAttributes":[{"attributeKey":"EventName","attributeValue":"X"}],"maxResults":5}`, true},
		{"DescribeTrails", `{"trailNameList":["a"]}`, `{"trailNameList":["a"]}`, true},
		{"StartLogging", `{"Name":"t"}`, `{"name":"t"}`, false},
		{"GetTrailStatus", `{}`, ``, true},
		{"ListPublicKeys", `not json`, ``, true},
	} {
		t.Run(tc.op, func(t *testing.T) {
			got, readOnly := requestParameters(tc.op, []byte(tc.body))
			require.Equal(t, tc.readOnly, readOnly)
			if tc.want == "" {
				require.Nil(t, got)
				return
			}
			require.JSONEq(t, tc.want, string(got))
		})
	}
	require.JSONEq(t, `{"trailARN":"arn","nested":{"isLogging":true}}`,
		string(responseElements([]byte(`{"TrailARN":"arn","Nested":{"IsLogging":true}}`))))
	require.Nil(t, responseElements([]byte(`{}`)))
}

// TestListTrails: ListTrails names the caller's trails with their ARN and home region (one
// page: an account has at most 5), and nothing of another account's.
func TestListTrails(t *testing.T) {
	h := newHarness(t)
	other, ok := h.dir.Key("other")
	require.True(t, ok)
	h.bucketFor("ct-list")
	list := func(k auth.Key) []any {
		code, res := h.call(k, "ListTrails", map[string]any{})
		require.Equal(t, http.StatusOK, code, "%v", res)
		require.NotContains(t, res, "NextToken")
		return res["Trails"].([]any)
	}
	require.Empty(t, list(h.root))
	for _, name := range []string{"beta", "alpha"} {
		h.ok("CreateTrail", map[string]any{"Name": name, "S3BucketName": "ct-list"})
	}
	want := []any{}
	for _, name := range []string{"alpha", "beta"} {
		want = append(want, map[string]any{"Name": name, "HomeRegion": "us-east-1",
			"TrailARN": "arn:aws:cloudtrail:us-east-1:" + testAccount + ":trail/" + name})
	}
	require.Equal(t, want, list(h.root))
	require.Empty(t, list(other), "another account's trails")
	h.ok("DeleteTrail", map[string]any{"Name": "alpha"})
	require.Equal(t, want[1:], list(h.root))
	require.Equal(t, "ListTrails", h.last.EventName)
	require.True(t, h.last.ReadOnly)
	require.JSONEq(t, "null", string(h.last.ResponseElements), "a read-only call's record has no responseElements")
	h.fails("InvalidTokenException", "ListTrails", map[string]any{"NextToken": "x"})
}
