package logger

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/store"
)

func walRecords(n, from int) []pendingRecord {
	var recs []pendingRecord
	for i := range n {
		recs = append(recs, pendingRecord{key: []byte(fmt.Sprintf("rec/useractivitylog/%020d", from+i)),
			val: []byte(fmt.Sprintf(`{"text":"select %d"}`, from+i))})
	}
	return recs
}

func keysOf(recs []pendingRecord) []string {
	var out []string
	for _, r := range recs {
		out = append(out, string(r.key)+"="+string(r.val))
	}
	return out
}

// TestWALReplay: what was appended and not checkpointed comes back, in order, after a
// "crash" (the file closed without a checkpoint); after a checkpoint nothing does, even
// though the old entries are still in the file; a torn last entry ends the replay.
func TestWALReplay(t *testing.T) {
	dir := t.TempDir()
	w, recs, err := openWAL(dir, "c1")
	require.NoError(t, err)
	require.Empty(t, recs)
	require.NoError(t, w.checkpoint())
	first, second := walRecords(3, 1), walRecords(2, 4)
	require.NoError(t, w.append(first))
	require.NoError(t, w.append(second))
	require.NoError(t, w.close())

	w, recs, err = openWAL(dir, "c1")
	require.NoError(t, err)
	require.Equal(t, keysOf(append(append([]pendingRecord{}, first...), second...)), keysOf(recs))

	// A checkpoint: the entries are still in the file, but of the old epoch.
	require.NoError(t, w.checkpoint())
	third := walRecords(1, 6)
	require.NoError(t, w.append(third))
	require.NoError(t, w.close())
	w, recs, err = openWAL(dir, "c1")
	require.NoError(t, err)
	require.Equal(t, keysOf(third), keysOf(recs), "only the new epoch's entry")

	// A torn write: the last entry's bytes are damaged; replay stops before it.
	require.NoError(t, w.checkpoint())
	require.NoError(t, w.append(walRecords(2, 7)))
	torn := w.off - 3
	require.NoError(t, w.close())
	f, err := os.OpenFile(walPath(dir, "c1"), os.O_RDWR, 0)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte{0xff, 0xff, 0xff}, torn)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	w, recs, err = openWAL(dir, "c1")
	require.NoError(t, err)
	require.Equal(t, keysOf(walRecords(1, 7)), keysOf(recs))
	require.NoError(t, w.close())
}

// TestWALLogger: with --fsync and a WAL directory, records are acknowledged once in the log;
// a logger opened after one that was not closed (a crash) replays them into the store; a
// closed one leaves nothing to replay.
func TestWALLogger(t *testing.T) {
	dir, walDir := t.TempDir(), t.TempDir()
	db := openStore(t, store.Options{Dir: dir, Sync: true})
	l, err := Open(Options{Store: db, ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	require.NotNil(t, l.wal)
	for i := range 20 {
		require.NoError(t, l.Activity(activity(0, i)))
	}
	seqs, _ := recordSeqs(t, l) // Sync: the behind goroutine has put them in the store
	require.Len(t, seqs, 20)
	require.Positive(t, l.groups.Load())

	// Records the store never got (as if the process died before the behind goroutine ran):
	// appended to the log directly.
	lost := walRecords(3, 1000)
	require.NoError(t, l.wal.append(lost))
	require.NoError(t, l.Close()) // closes with a checkpoint: lost is forgotten
	l2, err := Open(Options{Store: db, ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	seqs, _ = recordSeqs(t, l2)
	require.Len(t, seqs, 20, "a clean close leaves nothing to replay")
	require.NoError(t, l2.wal.append(lost))
	// A crash: the file as it is, no checkpoint (the goroutines of l2 are left to the test's end).
	w, recs, err := openWAL(walDir, "c1")
	require.NoError(t, err)
	require.Equal(t, keysOf(lost), keysOf(recs))
	require.NoError(t, w.close())
	require.NoError(t, l2.Close())
}
