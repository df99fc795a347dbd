// Package clock owns fakeshift's notion of time: every record, file name, delivery and expiry
// reads it through a Clock, so that tests and the control API can fix and advance it.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock, in UTC.
type Real struct{}

// Now returns the current wall-clock time in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

// Manual is a clock that moves only when told to, or, once Advance has been called with
// Run, moves with the wall clock from a fixed origin. The zero value is not usable: use
// NewManual.
type Manual struct {
	mu     sync.Mutex
	now    time.Time
	offset time.Duration // when running: the difference between the clock and the wall clock
	run    bool
}

// NewManual returns a clock fixed at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t.UTC()} }

// NewOffset returns a clock that runs with the wall clock, so that Advance can jump it
// forward (for credential expiry and delivery windows) while time still passes.
func NewOffset() *Manual { return &Manual{run: true} }

// Now returns the clock's time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.run {
		return time.Now().UTC().Add(m.offset)
	}
	return m.now
}

// Advance moves the clock forward by d (a negative d is ignored: time does not go back).
func (m *Manual) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.run {
		m.offset += d
		return
	}
	m.now = m.now.Add(d)
}
