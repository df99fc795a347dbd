package store

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// forEachStore runs a contract test against the in-memory and the on-disk store.
func forEachStore(t *testing.T, fn func(t *testing.T, open func() *DB)) {
	t.Run("memory", func(t *testing.T) {
		fn(t, func() *DB {
			db, err := Open(Options{})
			require.NoError(t, err)
			return db
		})
	})
	t.Run("disk", func(t *testing.T) {
		dir := t.TempDir()
		fn(t, func() *DB {
			db, err := Open(Options{Dir: dir})
			require.NoError(t, err)
			return db
		})
	})
}

func TestSpacesAreSeparate(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func() *DB) {
		db := open()
		defer db.Close()
		a, b := db.Space("cluster/a"), db.Space("cluster/ab")
		require.NoError(t, a.Put([]byte("user/alice"), []byte("1")))
		require.NoError(t, b.Put([]byte("user/bob"), []byte("2")))

		_, err := a.Get([]byte("user/bob"))
		require.True(t, errors.Is(err, ErrNotFound))

		var keys []string
		require.NoError(t, a.Scan([]byte("user/"), func(k, v []byte) error {
			keys = append(keys, string(k)+"="+string(v))
			return nil
		}))
		require.Equal(t, []string{"user/alice=1"}, keys, "a scan of space a sees nothing of space ab")
	})
}

func TestUpdateIsAtomic(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func() *DB) {
		db := open()
		defer db.Close()
		s := db.Space("x")
		boom := errors.New("boom")
		err := s.Update(func(tx *Tx) error {
			require.NoError(t, tx.Put([]byte("k1"), []byte("v")))
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = s.Get([]byte("k1"))
		require.ErrorIs(t, err, ErrNotFound, "a failed update leaves nothing behind")

		require.NoError(t, s.Put([]byte("k1"), []byte("v1")))
		require.NoError(t, s.Delete([]byte("k1")))
		require.NoError(t, s.Delete([]byte("k1")), "deleting an absent key is fine")
		_, err = s.Get([]byte("k1"))
		require.ErrorIs(t, err, ErrNotFound)
	})
}

func TestDiskSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir, Sync: true})
	require.NoError(t, err)
	require.NoError(t, db.Space("cluster/dev").Put([]byte("k"), []byte("v")))
	require.NoError(t, db.Close())

	db, err = Open(Options{Dir: dir})
	require.NoError(t, err)
	defer db.Close()
	v, err := db.Space("cluster/dev").Get([]byte("k"))
	require.NoError(t, err)
	require.Equal(t, "v", string(v))
}

func BenchmarkOpenMemory(b *testing.B) {
	for b.Loop() {
		db, err := Open(Options{})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

func TestCounterIncreasesAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	c := db.Space("x").Counter("seq/xid", 1000, 10)
	var last int64
	for i := range 25 {
		id, err := c.Next()
		require.NoError(t, err)
		require.Equal(t, int64(1000+i), id)
		last = id
	}
	require.NoError(t, db.Close())

	db, err = Open(Options{Dir: dir})
	require.NoError(t, err)
	defer db.Close()
	id, err := db.Space("x").Counter("seq/xid", 1000, 10).Next()
	require.NoError(t, err)
	require.Greater(t, id, last, "ids after a restart are above every id handed out before")
}
