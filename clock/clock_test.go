package clock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestManual(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	m := NewManual(start)
	require.Equal(t, start, m.Now())
	m.Advance(90 * time.Second)
	require.Equal(t, start.Add(90*time.Second), m.Now())
	m.Advance(-time.Hour)
	require.Equal(t, start.Add(90*time.Second), m.Now(), "time never goes back")
}

func TestOffsetRunsAndJumps(t *testing.T) {
	m := NewOffset()
	before := time.Now().UTC()
	m.Advance(time.Hour)
	got := m.Now()
	require.True(t, got.Sub(before) >= time.Hour, "advanced clock %v is not an hour past %v", got, before)
	require.True(t, got.Sub(before) < time.Hour+time.Minute)
}
