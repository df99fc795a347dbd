package logger

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/store"
)

func TestEachInChunk(t *testing.T) {
	valid := appendChunkEntry(appendChunkEntry(nil, 7, []byte("seven")), 300, nil)
	for _, tc := range []struct {
		name  string
		chunk []byte
		want  []string
		err   bool
	}{
		{"empty", nil, nil, false},
		{"two entries", valid, []string{"7=seven", "300="}, false},
		{"id cut short", []byte{0x80}, nil, true},
		{"length cut short", []byte{7, 0x80}, nil, true},
		{"value cut short", []byte{7, 5, 's', 'e'}, nil, true},
		{"good entry then garbage", append(appendChunkEntry(nil, 1, []byte("a")), 2, 9), []string{"1=a"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			err := eachInChunk(tc.chunk, func(id int64, val []byte) error {
				got = append(got, fmt.Sprintf("%d=%s", id, val))
				return nil
			})
			require.Equal(t, tc.want, got)
			if tc.err {
				require.ErrorIs(t, err, errBadChunk)
			} else {
				require.NoError(t, err)
			}
		})
	}
}

// TestChunkRecords: one chunk per log type, keyed by its last record; a type whose records
// pass chunkMax is cut into several, each within it (but a record larger by itself).
func TestChunkRecords(t *testing.T) {
	big := bytes.Repeat([]byte("x"), chunkMax/3)
	huge := bytes.Repeat([]byte("y"), chunkMax+1)
	recs := []queued{
		{UserActivityLog, 1, big}, {ConnectionLog, 2, []byte("c")}, {UserActivityLog, 3, big},
		{UserActivityLog, 4, big}, {UserActivityLog, 5, huge}, {UserActivityLog, 6, []byte("s")},
		{ConnectionLog, 7, []byte("d")},
	}
	kvs := chunkRecords(nil, recs)
	var got []string
	for _, kv := range kvs {
		require.LessOrEqual(t, len(kv.Val), chunkMax+len(huge))
		logType, last, err := parseTypedKey(keyRecords, kv.Key)
		require.NoError(t, err)
		var ids []int64
		require.NoError(t, eachInChunk(kv.Val, func(id int64, _ []byte) error {
			ids = append(ids, id)
			return nil
		}))
		require.Equal(t, last, ids[len(ids)-1], "a chunk's key is its last record's")
		got = append(got, fmt.Sprint(logType, ids))
	}
	require.Equal(t, []string{ // a full chunk is added at once, the last of each type at the end
		"useractivitylog[1 3]", "useractivitylog[4]", "useractivitylog[5]",
		"connectionlog[2 7]", "useractivitylog[6]",
	}, got)
}

func TestParseEntryKey(t *testing.T) {
	logType, seq, err := parseEntryKey(entryKey(UserLog, 42))
	require.NoError(t, err)
	require.Equal(t, UserLog, logType)
	require.Equal(t, int64(42), seq)
	for _, bad := range []string{
		"", "rec/", "rec/userlog/42", "done/00000000000000000042", "recs/userlog/00000000000000000042",
		"rec/otherlog/00000000000000000042", "rec/userlog-00000000000000000042", "rec/userlog/0000000000000000004x",
	} {
		_, _, err := parseEntryKey([]byte(bad))
		require.Error(t, err, bad)
	}
}

// TestReplaySkipsStored: after a crash the write-ahead log holds records that the writer had
// put in the store already (its batches ran; no checkpoint followed) and some it had not. The
// next Open puts only the latter: no record is stored twice.
func TestReplaySkipsStored(t *testing.T) {
	walDir := t.TempDir()
	db := openStore(t, store.Options{Dir: t.TempDir()})
	l, err := Open(Options{Store: db, ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	for i := range 10 {
		require.NoError(t, l.Activity(activity(0, i)))
	}
	require.NoError(t, l.Connection(Connection{Event: EventAuthenticated}))
	seqs, _ := recordSeqs(t, l) // Sync: in the store, and still in the log
	require.Len(t, seqs, 11)
	lost := walRecords(3, 1000) // in the log only
	appendAll(t, l.wal, lost)

	// A crash: the next Open finds the log as it is (l's goroutines are left to the test's end).
	l2, err := Open(Options{Store: db, ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	seqs, texts := recordSeqs(t, l2)
	require.Len(t, seqs, 14, "the 11 stored once, and the 3 the store lacked")
	require.Equal(t, int64(1002), seqs[len(seqs)-1])
	require.Len(t, texts, 13)
	require.NoError(t, l2.Close())
	require.NoError(t, l.Close())
}

// TestCompletionChunksNeverCollide: a completion recorded again in a later batch, alone,
// does not replace the chunk that holds the others of its first batch.
func TestCompletionChunksNeverCollide(t *testing.T) {
	l := openLogger(t, openStore(t, store.Options{}))
	for q := int64(1); q <= 3; q++ {
		l.Complete(Completion{QueryID: q, Status: StatusSuccess})
	}
	l.Sync()
	l.Complete(Completion{QueryID: 3, Status: StatusFailed})
	l.Sync()
	done, err := l.completionsByQuery()
	require.NoError(t, err)
	require.Len(t, done, 3)
	require.Equal(t, StatusFailed, done[3].Status, "the later completion wins")
}

// TestCompletionRidesInTheLog: on disk, the completion a record carries is in the
// write-ahead log with it, and a replay puts it in the store.
func TestCompletionRidesInTheLog(t *testing.T) {
	walDir := t.TempDir()
	l, err := Open(Options{Store: openStore(t, store.Options{Dir: t.TempDir()}), ClusterID: "c1", WALDir: walDir})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	first, second := activity(0, 1), activity(0, 2)
	require.NoError(t, l.Activity(first))
	ended := Completion{QueryID: first.QueryID, End: first.RecordTime.Add(time.Second), Status: StatusFailed, Error: "boom"}
	l.Complete(ended)
	require.NoError(t, l.Activity(second, ended))

	w, recs, err := openWAL(walDir, "c1") // the log as a crash would leave it
	require.NoError(t, err)
	require.NoError(t, w.close())
	require.Len(t, recs, 2+1, "two records and the completion")
	require.Equal(t, string(completionEntryKey(first.QueryID)), string(recs[2].Key))

	other := openLogger(t, openStore(t, store.Options{Dir: t.TempDir()}))
	n, err := other.replay(recs)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	done, err := other.completionsByQuery()
	require.NoError(t, err)
	require.Equal(t, map[int64]Completion{first.QueryID: ended}, done)
}
