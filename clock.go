package fakeshift

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrFixedClock is returned by Advance when the configured clock cannot be moved (a
// Config.Clock without an Advance method). Use errors.Is.
var ErrFixedClock = errors.New("the clock cannot be advanced")

// Advance moves the emulator's clock forward by d (not back): audit records, log file
// names, deliveries, credential expiry, record retention and CloudTrail read it; SigV4
// checks read the wall clock. It returns the clock's time after the move.
func (s *Server) Advance(d time.Duration) (time.Time, error) {
	a, ok := s.cfg.Clock.(interface{ Advance(time.Duration) })
	if !ok {
		return time.Time{}, fmt.Errorf("advance the clock: %w (%T)", ErrFixedClock, s.cfg.Clock)
	}
	if d < 0 {
		return time.Time{}, fmt.Errorf("advance the clock by %s: time does not go back", d)
	}
	a.Advance(d)
	return s.cfg.Clock.Now().UTC(), nil
}

// clockNow serves GET /_fakeshift/clock: the emulator's time.
func (s *Server) clockNow(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"now": s.cfg.Clock.Now().UTC()})
}

// clockAdvance serves POST /_fakeshift/clock/advance {"duration": "90m"}.
func (s *Server) clockAdvance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Duration string `json:"duration"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want a JSON body {"duration": "90m"}`})
		return
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("duration %q: %v", in.Duration, err)})
		return
	}
	now, err := s.Advance(d)
	switch {
	case errors.Is(err, ErrFixedClock):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"now": now})
	}
}
