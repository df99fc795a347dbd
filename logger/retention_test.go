package logger

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/store"
)

func TestPruneKeepsRecentAndUndelivered(t *testing.T) {
	db, err := store.Open(store.Options{})
	require.NoError(t, err)
	defer db.Close()
	clk := clock.NewManual(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	l, err := Open(Options{Store: db, ClusterID: "c", Clock: clk, Retention: 24 * time.Hour})
	require.NoError(t, err)
	defer l.Close()

	deliverConnections := false
	l.SetDelivery(func(logType string) bool { return deliverConnections && logType == ConnectionLog })
	require.NoError(t, l.Connection(Connection{Event: EventAuthenticated, RecordTime: clk.Now()}))
	require.NoError(t, l.Activity(Activity{QueryID: 1, RecordTime: clk.Now(), Text: "select 1"}))
	l.Complete(Completion{QueryID: 1, End: clk.Now(), Status: StatusSuccess})
	deliverConnections = true
	require.NoError(t, l.Connection(Connection{Event: EventInitiating, RecordTime: clk.Now()}))

	clk.Advance(25 * time.Hour)
	require.NoError(t, l.Activity(Activity{QueryID: 2, RecordTime: clk.Now(), Text: "select 2"}))
	l.Sync()

	n, err := l.Prune()
	require.NoError(t, err)
	require.Equal(t, 2, n, "the old connection record and the old statement")

	count := func(table string) (out []any) {
		require.NoError(t, l.ScanSystemTable(context.Background(), table, func(row []any) error {
			out = append(out, row[0])
			return nil
		}))
		return out
	}
	require.Equal(t, []any{EventInitiating}, count("stl_connection_log"), "a record still to be delivered stays")
	history := count("sys_query_history")
	require.Len(t, history, 1)
	done, err := l.completionsByQuery()
	require.NoError(t, err)
	require.NotContains(t, done, int64(1), "the pruned statement's completion went with it")
}
