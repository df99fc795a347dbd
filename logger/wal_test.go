package logger

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/store"
)

func walRecords(n, from int) []store.KV {
	var recs []store.KV
	for i := range n {
		recs = append(recs, store.KV{Key: []byte(fmt.Sprintf("rec/useractivitylog/%020d", from+i)),
			Val: []byte(fmt.Sprintf(`{"text":"select %d"}`, from+i))})
	}
	return recs
}

func keysOf(recs []store.KV) []string {
	var out []string
	for _, r := range recs {
		out = append(out, string(r.Key)+"="+string(r.Val))
	}
	return out
}

// appendAll writes recs to w and syncs them, as sessions do.
func appendAll(t *testing.T, w *wal, recs []store.KV) {
	t.Helper()
	var pos int64
	for _, r := range recs {
		w.mu.Lock()
		p, err := w.write([]store.KV{r})
		w.mu.Unlock()
		require.NoError(t, err)
		pos = p
	}
	require.NoError(t, w.waitSynced(pos))
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
	appendAll(t, w, first)
	appendAll(t, w, second)
	require.NoError(t, w.close())

	w, recs, err = openWAL(dir, "c1")
	require.NoError(t, err)
	require.Equal(t, keysOf(append(append([]store.KV{}, first...), second...)), keysOf(recs))

	// A checkpoint: the entries are still in the file, but of the old epoch.
	require.NoError(t, w.checkpoint())
	third := walRecords(1, 6)
	appendAll(t, w, third)
	require.NoError(t, w.close())
	w, recs, err = openWAL(dir, "c1")
	require.NoError(t, err)
	require.Equal(t, keysOf(third), keysOf(recs), "only the new epoch's entry")

	// A torn write: the last entry's bytes are damaged; replay stops before it.
	require.NoError(t, w.checkpoint())
	appendAll(t, w, walRecords(2, 7))
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
	seqs, _ := recordSeqs(t, l) // Sync: the writer has put them in the store
	require.Len(t, seqs, 20)
	require.Positive(t, l.wal.syncN.Load())

	// Records the store never got (as if the process died before the writer ran):
	// appended to the log directly.
	lost := walRecords(3, 1000)
	appendAll(t, l.wal, lost)
	require.NoError(t, l.Close()) // closes with a checkpoint: lost is forgotten
	l2, err := Open(Options{Store: db, ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	seqs, _ = recordSeqs(t, l2)
	require.Len(t, seqs, 20, "a clean close leaves nothing to replay")
	appendAll(t, l2.wal, lost)
	// A crash: the file as it is, no checkpoint (the goroutines of l2 are left to the test's end).
	w, recs, err := openWAL(walDir, "c1")
	require.NoError(t, err)
	require.Equal(t, keysOf(lost), keysOf(recs))
	require.NoError(t, w.close())
	require.NoError(t, l2.Close())
}

// TestWALLargeRecord: a record larger than the preallocated log (a long query) grows the
// file, and comes back after a crash.
func TestWALLargeRecord(t *testing.T) {
	dir := t.TempDir()
	w, _, err := openWAL(dir, "c1")
	require.NoError(t, err)
	require.NoError(t, w.checkpoint())
	big := []store.KV{{Key: []byte("rec/useractivitylog/00000000000000000001"), Val: make([]byte, walFileSize+10)}}
	w.mu.Lock()
	require.True(t, w.full(big))
	require.NoError(t, w.checkpoint())
	w.mu.Unlock()
	appendAll(t, w, big)
	require.Greater(t, w.size, int64(walFileSize))
	require.NoError(t, w.close())
	w, recs, err := openWAL(dir, "c1")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Len(t, recs[0].Val, walFileSize+10)
	require.NoError(t, w.close())
}

// TestWALSharedSyncs: each waiter returns only once a sync covers its record; sessions
// whose records were appended before a sync began share it (here, in rounds where every
// session appends before any waits, one sync a round); a checkpoint, which syncs
// everything, releases the waiters.
func TestWALSharedSyncs(t *testing.T) {
	w, _, err := openWAL(t.TempDir(), "c1")
	require.NoError(t, err)
	t.Cleanup(func() { w.close() })
	require.NoError(t, w.checkpoint())
	const sessions, rounds = 8, 20
	for r := range rounds {
		var appended, wg sync.WaitGroup
		appended.Add(sessions)
		for c := range sessions {
			wg.Go(func() {
				w.mu.Lock()
				pos, err := w.write([]store.KV{{Key: []byte(fmt.Sprintf("k/%d/%d", r, c)), Val: []byte("v")}})
				w.mu.Unlock()
				appended.Done()
				appended.Wait()
				if err == nil {
					err = w.waitSynced(pos)
				}
				if err != nil {
					t.Error(err)
					return
				}
				w.smu.Lock()
				synced := w.synced
				w.smu.Unlock()
				if synced < pos {
					t.Errorf("waitSynced(%d) returned at %d", pos, synced)
				}
			})
		}
		wg.Wait()
	}
	require.Equal(t, int64(rounds), w.syncN.Load(), "one sync a round")

	w.mu.Lock()
	pos, err := w.write([]store.KV{{Key: []byte("k/last"), Val: []byte("v")}})
	require.NoError(t, err)
	require.NoError(t, w.checkpoint())
	w.mu.Unlock()
	require.NoError(t, w.waitSynced(pos))
	require.Equal(t, int64(rounds), w.syncN.Load(), "the checkpoint's sync covered the record")
}
