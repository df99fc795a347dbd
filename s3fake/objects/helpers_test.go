package objects

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/store"
)

// testChunk is the chunk size of the contract suite: objects of a few MiB span many chunks
// and several write batches.
const testChunk = 512 << 10

var testStart = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// env is a backend over a store, in memory or on disk.
type env struct {
	t     testing.TB
	disk  bool
	dir   string
	db    *store.DB
	space *store.Space
	b     *Backend
	clock *clock.Manual
}

// forEachStore runs a contract test against a backend over an in-memory and an on-disk
// store.
func forEachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "disk"
		}
		t.Run(name, func(t *testing.T) {
			fn(t, newEnv(t, disk))
		})
	}
}

func newEnv(t testing.TB, disk bool) *env {
	e := &env{t: t, disk: disk, clock: clock.NewManual(testStart.Add(123 * time.Millisecond))}
	if disk {
		e.dir = t.TempDir()
	}
	e.openStore()
	e.open()
	t.Cleanup(func() {
		if e.db != nil {
			e.db.Close()
		}
	})
	return e
}

func (e *env) openStore() {
	db, err := store.Open(store.Options{Dir: e.dir, Logger: testLogger(e.t)})
	require.NoError(e.t, err)
	e.db, e.space = db, db.Space("s3")
}

func (e *env) open() {
	b, err := New(e.space, Options{Clock: e.clock, ChunkSize: testChunk, Logger: testLogger(e.t)})
	require.NoError(e.t, err)
	e.b = b
}

// restart is a process restart: on disk the store is closed and opened again, in memory
// (where closing loses everything) a new Backend opens the same space. Either way New runs
// on what the previous Backend left.
func (e *env) restart() {
	if e.disk {
		require.NoError(e.t, e.db.Close())
		e.db = nil
		e.openStore()
	}
	e.open()
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// keys counts the keys of the space under a prefix.
func (e *env) keys(prefix string) int {
	n := 0
	require.NoError(e.t, e.space.Scan([]byte(prefix), func(_, _ []byte) error { n++; return nil }))
	return n
}

// requireClean checks that no data is left but that of the objects, their versions and
// parts: every chunk belongs to a record, no marker remains.
func (e *env) requireClean() {
	e.t.Helper()
	want := map[string]int64{}
	for _, fam := range []string{famObject, famVersion} {
		require.NoError(e.t, e.space.Scan([]byte(fam), func(k, v []byte) error {
			o, err := decodeObject(v)
			require.NoError(e.t, err)
			for _, s := range o.Segs {
				want[s.ID] += s.chunks()
			}
			return nil
		}))
	}
	require.NoError(e.t, e.space.Scan([]byte(famPart), func(k, v []byte) error {
		p, err := decodePart(v)
		require.NoError(e.t, err)
		if _, err := e.space.Get([]byte(famUpload + string(k[len(famPart):len(k)-5]))); err == nil {
			want[p.Seg.ID] += p.Seg.chunks()
		}
		return nil
	}))
	var total int64
	for _, n := range want {
		total += n
	}
	got := map[string]int64{}
	require.NoError(e.t, e.space.Scan([]byte(famData), func(k, _ []byte) error {
		id := string(k[len(famData) : len(k)-9])
		got[id]++
		return nil
	}))
	require.Equal(e.t, want, got, "chunks stored are those of the records")
	require.Zero(e.t, e.keys(famMarker), "no marker left")
}

func (e *env) mustBucket(name string) {
	e.t.Helper()
	require.NoError(e.t, e.b.CreateBucket(name))
}

func (e *env) put(bucket, key string, data []byte, meta map[string]string) {
	e.t.Helper()
	_, err := e.b.PutObject(bucket, key, meta, bytes.NewReader(data), int64(len(data)), nil)
	require.NoError(e.t, err)
}

func (e *env) get(bucket, key string) []byte {
	e.t.Helper()
	obj, err := e.b.GetObject(bucket, key, nil)
	require.NoError(e.t, err)
	defer obj.Contents.Close()
	data, err := io.ReadAll(obj.Contents)
	require.NoError(e.t, err)
	require.Equal(e.t, obj.Size, int64(len(data)))
	return data
}

// randomData is n reproducible pseudo-random bytes.
func randomData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			out[i+j] = byte(v >> (8 * j))
		}
	}
	return out
}

func md5hex(p []byte) string {
	s := md5.Sum(p)
	return hex.EncodeToString(s[:])
}

// requireCode checks that err is a gofakes3 error with code, unwrapped as gofakes3 needs it.
func requireCode(t testing.TB, err error, code gofakes3.ErrorCode) {
	t.Helper()
	require.Error(t, err)
	e, ok := err.(gofakes3.Error)
	require.True(t, ok, "want a gofakes3 error %s unwrapped, got %T: %v", code, err, err)
	require.Equal(t, code, e.ErrorCode(), "error %v", err)
}

// failingReader returns data, then err (with the last bytes when withLast).
type failingReader struct {
	data     []byte
	err      error
	withLast bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	if len(r.data) == 0 && r.withLast {
		return n, r.err
	}
	return n, nil
}

// sigError is a rich error of the kind s3fake's checking readers return.
type sigError struct{ code string }

func (e *sigError) Error() string { return "signature check failed: " + e.code }

var errBoom = errors.New("boom")
