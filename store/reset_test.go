package store

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeletePrefix: DeletePrefix removes the keys under its prefix, in batches, and only
// those of its own space; the other spaces can be written meanwhile.
func TestDeletePrefix(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func() *DB) {
		db := open()
		defer db.Close()
		a, b := db.Space("a"), db.Space("ab")
		var kvs []KV
		for i := range 2*deleteBatch + 7 {
			kvs = append(kvs, KV{Key: fmt.Appendf(nil, "rec/%06d", i), Val: []byte("v")})
		}
		_, err := a.PutMany(kvs)
		require.NoError(t, err)
		require.NoError(t, a.Put([]byte("keep/1"), []byte("v")))
		require.NoError(t, b.Put([]byte("rec/1"), []byte("v")))

		for _, tc := range []struct {
			prefix      string
			removed     int
			leftA, left int
		}{
			{"rec/", 2*deleteBatch + 7, 1, 1},
			{"rec/", 0, 1, 1},
			{"", 1, 0, 1},
		} {
			n, err := a.DeletePrefix([]byte(tc.prefix))
			require.NoError(t, err)
			require.Equal(t, tc.removed, n, "removed under %q", tc.prefix)
			left, err := a.CountPrefix(nil)
			require.NoError(t, err)
			require.Equal(t, tc.leftA, left)
			other, err := b.CountPrefix(nil)
			require.NoError(t, err)
			require.Equal(t, tc.left, other, "the other space keeps its keys")
		}
	})
}
