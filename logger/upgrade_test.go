package logger

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/store"
)

// TestUpgradeFromEntries: a store written before chunks (an entry per record, rec/<type>/<seq>,
// and per completion, done/<query id>) opens with every record and completion in the system
// tables, as chunks, with none of the old entries left; new records follow them; a second
// Open has nothing to convert.
func TestUpgradeFromEntries(t *testing.T) {
	dir, walDir := t.TempDir(), t.TempDir()
	db := openStore(t, store.Options{Dir: dir})
	space := db.Space("logger/c1")
	var old []store.KV
	const n = 3000 // more than one conversion batch
	for i := 1; i <= n; i++ {
		a := activity(0, i)
		a.QueryID = int64(100 + i)
		a.Text = fmt.Sprintf("select %d /* %0200d */", i, 0)
		b, err := json.Marshal(a)
		require.NoError(t, err)
		old = append(old, store.KV{Key: entryKey(UserActivityLog, int64(i)), Val: b})
		c, err := json.Marshal(Completion{QueryID: a.QueryID, End: a.RecordTime.Add(time.Second), Status: StatusSuccess, Rows: 1})
		require.NoError(t, err)
		old = append(old, store.KV{Key: appendPadded([]byte(legacyCompletions), a.QueryID), Val: c})
	}
	b, err := json.Marshal(Connection{Event: EventAuthenticated, RecordTime: time.Unix(1700000000, 0).UTC()})
	require.NoError(t, err)
	old = append(old, store.KV{Key: entryKey(ConnectionLog, n+1), Val: b})
	_, err = space.PutMany(old)
	require.NoError(t, err)
	require.NoError(t, space.Put([]byte("seq/record"), []byte("3002"))) // the old run took 1..3001

	l, err := Open(Options{Store: db, ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	left := 0
	for _, prefix := range []string{legacyRecords, legacyCompletions} {
		require.NoError(t, space.Scan([]byte(prefix), func(_, _ []byte) error {
			left++
			return nil
		}))
	}
	require.Zero(t, left, "no entry of the old layout is left")
	require.NoError(t, l.Activity(activity(1, 1)))
	seqs, texts := recordSeqs(t, l) // checks every chunk's key and order
	require.Len(t, seqs, n+2)
	require.Equal(t, "select 1 /* "+fmt.Sprintf("%0200d", 0)+" */", texts[0])
	done, err := l.completionsByQuery()
	require.NoError(t, err)
	require.Len(t, done, n)
	rows := 0
	require.NoError(t, l.ScanSystemTable(context.Background(), "stl_query", func(row []any) error {
		rows++
		return nil
	}))
	require.Equal(t, n, rows, "the old statements, ended; the new one has not")
	require.NoError(t, l.Close())

	l, err = Open(Options{Store: db, ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	seqs, _ = recordSeqs(t, l)
	require.Len(t, seqs, n+2)
	require.NoError(t, l.Close())
}
