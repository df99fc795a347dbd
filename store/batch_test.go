package store

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSyncs(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want bool
	}{
		{"memory", Options{}, false},
		{"memory with Sync", Options{Sync: true}, false}, // nothing to sync
		{"disk", Options{Dir: t.TempDir()}, false},
		{"disk with Sync", Options{Dir: t.TempDir(), Sync: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(tc.opts)
			require.NoError(t, err)
			defer db.Close()
			require.Equal(t, tc.want, db.Syncs())
			require.Equal(t, tc.want, db.Space("x").Syncs())
		})
	}
}

func TestPutMany(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func() *DB) {
		db := open()
		defer db.Close()
		s := db.Space("logger/a")
		n, err := s.PutMany(nil)
		require.NoError(t, err)
		require.Zero(t, n)

		var kvs []KV
		for i := range 100 {
			kvs = append(kvs, KV{Key: fmt.Appendf(nil, "rec/%05d", i), Val: fmt.Appendf(nil, "v%d", i)})
		}
		n, err = s.PutMany(kvs)
		require.NoError(t, err)
		require.Equal(t, 100, n)
		i := 0
		require.NoError(t, s.Scan([]byte("rec/"), func(k, v []byte) error {
			require.Equal(t, kvs[i].Key, k)
			require.Equal(t, kvs[i].Val, v)
			i++
			return nil
		}))
		require.Equal(t, 100, i)
		_, err = db.Space("logger/b").Get(kvs[0].Key)
		require.ErrorIs(t, err, ErrNotFound, "PutMany writes in its own space")
	})
}

// TestPutManySplitsBigBatches writes more than one badger transaction holds (15% of the
// 16 MB memtable): PutMany commits them in several transactions, all of them.
func TestPutManySplitsBigBatches(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func() *DB) {
		db := open()
		defer db.Close()
		s := db.Space("big")
		val := bytes.Repeat([]byte("x"), 64<<10)
		var kvs []KV
		for i := range 100 { // 6.4 MB
			kvs = append(kvs, KV{Key: fmt.Appendf(nil, "k/%03d", i), Val: val})
		}
		n, err := s.PutMany(kvs)
		require.NoError(t, err)
		require.Equal(t, len(kvs), n)
		count := 0
		require.NoError(t, s.Scan([]byte("k/"), func(k, v []byte) error {
			require.Len(t, v, len(val))
			count++
			return nil
		}))
		require.Equal(t, len(kvs), count)
	})
}

// BenchmarkPutSync is the cost of one synced commit on this machine's disk (one Put, one
// fsync), alone and with eight concurrent writers, against PutMany of eight keys (what a
// group commit of eight callers costs).
func BenchmarkPutSync(b *testing.B) {
	val := bytes.Repeat([]byte("v"), 300) // about an activity record
	open := func(b *testing.B, syncs bool) *Space {
		db, err := Open(Options{Dir: b.TempDir(), Sync: syncs})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db.Space("bench")
	}
	for _, syncs := range []bool{false, true} {
		b.Run(fmt.Sprintf("sync=%v/put", syncs), func(b *testing.B) {
			s := open(b, syncs)
			i := 0
			for b.Loop() {
				i++
				if err := s.Put(fmt.Appendf(nil, "k/%020d", i), val); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("sync=%v/put-8-writers", syncs), func(b *testing.B) {
			s := open(b, syncs)
			var mu sync.Mutex
			i := 0
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					mu.Lock()
					i++
					k := fmt.Appendf(nil, "k/%020d", i)
					mu.Unlock()
					if err := s.Put(k, val); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
		b.Run(fmt.Sprintf("sync=%v/putmany-8", syncs), func(b *testing.B) {
			s := open(b, syncs)
			i := 0
			for b.Loop() {
				kvs := make([]KV, 8)
				for j := range kvs {
					i++
					kvs[j] = KV{Key: fmt.Appendf(nil, "k/%020d", i), Val: val}
				}
				if _, err := s.PutMany(kvs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(8*b.N), "ns/key")
		})
	}
}
