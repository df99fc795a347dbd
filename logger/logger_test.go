package logger

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/store"
)

func openStore(t testing.TB, o store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(o)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func openLogger(t testing.TB, db *store.DB) *Logger {
	t.Helper()
	o := Options{Store: db, ClusterID: "c1", Version: "1.0.1"}
	if db.Durable() {
		o.WALDir = t.TempDir()
	}
	l, err := Open(o)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

// activity is a statement record of client c, its i-th.
func activity(c, i int) Activity {
	return Activity{QueryID: int64(c*100000 + i), RecordTime: time.Unix(1700000000, 0).UTC(), DB: "dev",
		UserName: "awsuser", PID: int32(1000 + c), UserID: 100, XID: int64(i), Kind: KindQuery,
		QueryType: "SELECT", Text: fmt.Sprintf("select 1 /* client %d statement %d */", c, i)}
}

// eachStored calls fn for every record in the store's chunks, chunk by chunk in key order,
// checking that each chunk's key is its log type and the sequence number of its last record.
func eachStored(tx *store.Tx, fn func(logType string, seq int64, val []byte) error) error {
	return tx.Scan([]byte(keyRecords), func(k, chunk []byte) error {
		logType, last, err := parseTypedKey(keyRecords, k)
		if err != nil {
			return err
		}
		var seq int64
		if err := eachInChunk(chunk, func(s int64, v []byte) error {
			if s <= seq {
				return fmt.Errorf("chunk %s: record %d after %d", k, s, seq)
			}
			seq = s
			return fn(logType, s, v)
		}); err != nil {
			return err
		}
		if seq != last {
			return fmt.Errorf("chunk %s ends with record %d", k, seq)
		}
		return nil
	})
}

// recordSeqs returns the sequence numbers of every record in the store, in key order per
// log type, and the activity texts in sequence order.
func recordSeqs(t *testing.T, l *Logger) (seqs []int64, texts []string) {
	t.Helper()
	l.Sync()
	type act struct {
		seq  int64
		text string
	}
	var acts []act
	require.NoError(t, l.space.View(func(tx *store.Tx) error {
		return eachStored(tx, func(logType string, seq int64, v []byte) error {
			seqs = append(seqs, seq)
			if logType == UserActivityLog {
				var a Activity
				require.NoError(t, jsonUnmarshal(v, &a))
				acts = append(acts, act{seq, a.Text})
			}
			return nil
		})
	}))
	slices.Sort(seqs)
	for _, a := range acts {
		texts = append(texts, a.text)
	}
	return seqs, texts
}

// TestGroupCommitConcurrentCallers puts records from many goroutines into a store that syncs
// every commit: every record is there once, numbered without gaps, each caller's records in
// the order it made them, and every completion.
func TestGroupCommitConcurrentCallers(t *testing.T) {
	db := openStore(t, store.Options{Dir: t.TempDir(), Sync: true})
	l := openLogger(t, db)
	require.True(t, l.wal.syncs, "a syncing store means a synced write-ahead log")

	const clients, each = 16, 40
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range each {
				if err := l.Activity(activity(c, i)); err != nil {
					t.Error(err)
					return
				}
				l.Complete(Completion{QueryID: int64(c*100000 + i), End: time.Unix(1700000001, 0).UTC(), Status: StatusSuccess})
			}
		})
	}
	wg.Wait()

	seqs, texts := recordSeqs(t, l)
	require.Len(t, seqs, clients*each)
	for i, s := range seqs {
		require.Equal(t, seqs[0]+int64(i), s, "sequence numbers without gaps or duplicates")
	}
	next := make([]int, clients)
	for _, text := range texts {
		var c, i int
		_, err := fmt.Sscanf(text, "select 1 /* client %d statement %d */", &c, &i)
		require.NoError(t, err)
		require.Equal(t, next[c], i, "client %d's records are in the order it put them", c)
		next[c]++
	}
	t.Logf("%d records in %d syncs", clients*each, l.wal.syncN.Load()) // how many share one: TestWALSharedSyncs

	var rows int
	require.NoError(t, l.ScanSystemTable(context.Background(), "stl_query", func([]any) error { rows++; return nil }))
	require.Equal(t, clients*each, rows, "every statement has its completion")
}

// TestGroupCommitPrefixVisible reads the records while they are being written: a reader
// always sees sequence numbers 1..n for some n, never a later record without an earlier one.
func TestGroupCommitPrefixVisible(t *testing.T) {
	db := openStore(t, store.Options{Dir: t.TempDir(), Sync: true})
	l := openLogger(t, db)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				if i%3 == 0 {
					err = l.Connection(Connection{Event: EventAuthenticated, PID: int32(c), UserName: "awsuser"})
				} else {
					err = l.Activity(activity(c, i))
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	deadline := time.Now().Add(500 * time.Millisecond)
	reads := 0
	for time.Now().Before(deadline) {
		var seqs []int64
		require.NoError(t, l.space.View(func(tx *store.Tx) error { // one snapshot
			return eachStored(tx, func(_ string, seq int64, _ []byte) error {
				seqs = append(seqs, seq)
				return nil
			})
		}))
		slices.Sort(seqs)
		for i, s := range seqs {
			require.Equal(t, int64(i+1), s, "a snapshot holds records 1..%d without gaps", len(seqs))
		}
		reads++
	}
	close(stop)
	wg.Wait()
	t.Logf("%d snapshots checked", reads)
}

// TestGroupCommitSurvivesReopen closes the logger and the store after group-committed
// writes, and after Close (the caller then writes itself), and finds every record again.
func TestGroupCommitSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(store.Options{Dir: dir, Sync: true})
	require.NoError(t, err)
	l, err := Open(Options{Store: db, ClusterID: "c1", WALDir: t.TempDir()})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Go(func() {
			for i := range 10 {
				if err := l.Activity(activity(c, i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, l.Close())
	require.NoError(t, l.User(UserChange{UserID: 101, UserName: "late", Action: ActionCreate}), "a record after Close is still written")
	require.NoError(t, db.Close())

	db = openStore(t, store.Options{Dir: dir})
	l = openLogger(t, db)
	seqs, texts := recordSeqs(t, l)
	require.Len(t, seqs, 41)
	require.Len(t, texts, 40)
	require.False(t, l.wal.syncs, "no syncs without --fsync")
}

// TestWritesWithoutSync: without sync every record is appended to the write-ahead log (on
// disk) and joins the writer's next batch, and all are there; nothing was synced.
func TestWritesWithoutSync(t *testing.T) {
	for _, o := range []store.Options{{}, {Dir: t.TempDir()}} {
		l := openLogger(t, openStore(t, o))
		require.Equal(t, o.Dir != "", l.wal != nil, "a write-ahead log on disk only")
		var wg sync.WaitGroup
		for c := range 8 {
			wg.Go(func() {
				for i := range 25 {
					if err := l.Activity(activity(c, i)); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		seqs, _ := recordSeqs(t, l)
		require.Len(t, seqs, 200)
		if l.wal != nil {
			require.False(t, l.wal.syncs)
			require.Zero(t, l.wal.syncN.Load())
		}
	}
}

// BenchmarkRecordStatement is what recording costs a statement: its activity record (written
// before it runs, waited for, carrying the previous statement's completion) and its
// completion (handed to the writer). ns/op is the
// caller's wait; cpu-ns/op is the process's CPU time per statement (the writer's included),
// from getrusage. With parallel=8, eight goroutines record at once, as eight sessions do.
func BenchmarkRecordStatement(b *testing.B) {
	for _, mode := range []struct {
		name string
		opts func(b *testing.B) store.Options
	}{
		{"memory", func(*testing.B) store.Options { return store.Options{} }},
		{"disk", func(b *testing.B) store.Options { return store.Options{Dir: b.TempDir()} }},
		{"disk-fsync", func(b *testing.B) store.Options { return store.Options{Dir: b.TempDir(), Sync: true} }},
	} {
		for _, par := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/parallel=%d", mode.name, par), func(b *testing.B) {
				db := openStore(b, mode.opts(b))
				l := openLogger(b, db)
				a := activity(1, 1)
				a.Text = "select v from kv where k = $1"
				cpu0 := cpuTime()
				b.ReportAllocs()
				if par == 1 {
					var ended []Completion
					for b.Loop() {
						ended = record(b, l, a, ended)
					}
				} else {
					b.SetParallelism(max(1, 8/runtimeProcs()))
					b.RunParallel(func(pb *testing.PB) {
						var ended []Completion
						for pb.Next() {
							ended = record(b, l, a, ended)
						}
					})
				}
				l.Sync() // the writer's share of the work is done before the CPU is read
				b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
				if l.wal != nil && l.wal.syncs {
					b.ReportMetric(float64(l.wal.syncN.Load())/float64(b.N), "syncs/op")
				}
			})
		}
	}
}

// record records a statement as a session does: its activity record, carrying the previous
// statement's completion (ended), then its own completion, which it returns for the next.
func record(b *testing.B, l *Logger, a Activity, ended []Completion) []Completion {
	qid, err := l.NextQueryID()
	if err != nil {
		b.Fatal(err)
	}
	a.QueryID = qid
	a.RecordTime = l.Now()
	if err := l.Activity(a, ended...); err != nil {
		b.Fatal(err)
	}
	c := Completion{QueryID: qid, End: l.Now(), Status: StatusSuccess, Rows: 1}
	l.Complete(c)
	return append(ended[:0], c)
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestKeys(t *testing.T) {
	require.Equal(t, fmt.Sprintf("recs/useractivitylog/%020d", 1234567), string(recordKey(UserActivityLog, 1234567)))
	require.Equal(t, fmt.Sprintf("rec/useractivitylog/%020d", 1234567), string(entryKey(UserActivityLog, 1234567)))
	require.Equal(t, fmt.Sprintf("comps/%020d", int64(1)<<62), string(completionKey(1<<62)))
	require.Equal(t, "comps/00000000000000000000", string(completionKey(0)))
	seq, err := keyNumber(recordKey(UserLog, 98765))
	require.NoError(t, err)
	require.Equal(t, int64(98765), seq)
	_, err = keyNumber([]byte("rec/userlog/short"))
	require.Error(t, err)
}
