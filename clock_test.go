package fakeshift_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/clock"
)

type stoppedClock struct{}

func (stoppedClock) Now() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }

// TestClockControl: GET /_fakeshift/clock and POST /_fakeshift/clock/advance, with the
// default clock, a manual one, and one that cannot move.
func TestClockControl(t *testing.T) {
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		clock  clock.Clock
		body   string
		status int
		want   func(t *testing.T, before, after time.Time, body map[string]any)
	}{
		{"default clock", nil, `{"duration": "48h"}`, http.StatusOK, func(t *testing.T, before, after time.Time, _ map[string]any) {
			require.WithinDuration(t, before.Add(48*time.Hour), after, time.Minute)
		}},
		{"manual clock", clock.NewManual(t0), `{"duration": "90m"}`, http.StatusOK, func(t *testing.T, before, after time.Time, _ map[string]any) {
			require.Equal(t, t0, before)
			require.Equal(t, t0.Add(90*time.Minute), after)
		}},
		{"clock that cannot move", stoppedClock{}, `{"duration": "1h"}`, http.StatusConflict, func(t *testing.T, _, _ time.Time, body map[string]any) {
			require.Contains(t, body["error"], "the clock cannot be advanced")
		}},
		{"backwards", nil, `{"duration": "-1h"}`, http.StatusBadRequest, func(t *testing.T, _, _ time.Time, body map[string]any) {
			require.Contains(t, body["error"], "time does not go back")
		}},
		{"not a duration", nil, `{"duration": "soon"}`, http.StatusBadRequest, func(t *testing.T, _, _ time.Time, body map[string]any) {
			require.Contains(t, body["error"], `duration "soon"`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := fakeshift.Start(context.Background(), fakeshift.Config{PGAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
				ClusterPorts: "0", Clock: tc.clock, Logger: slog.New(slog.DiscardHandler)})
			require.NoError(t, err)
			defer srv.Close()
			now := func() time.Time {
				resp, err := http.Get(srv.Endpoints().HTTP + "/_fakeshift/clock")
				require.NoError(t, err)
				defer resp.Body.Close()
				var out struct{ Now time.Time }
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
				return out.Now
			}
			before := now()
			resp, err := http.Post(srv.Endpoints().HTTP+"/_fakeshift/clock/advance", "application/json", strings.NewReader(tc.body))
			require.NoError(t, err)
			defer resp.Body.Close()
			var body map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			require.Equal(t, tc.status, resp.StatusCode, "%v", body)
			tc.want(t, before, now(), body)
		})
	}
}
