package store

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestScanFrom(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func() *DB) {
		db := open()
		defer db.Close()
		s := db.Space("scan")
		for _, k := range []string{"a/1", "a/2", "a/3", "b/1", "a"} {
			require.NoError(t, s.Put([]byte(k), []byte("v"+k)))
		}
		require.NoError(t, db.Space("scan/a").Put([]byte("a/0"), []byte("other space")))

		for _, tc := range []struct {
			name, prefix, start string
			want                []string
		}{
			{"no start", "a/", "", []string{"a/1", "a/2", "a/3"}},
			{"start before prefix", "a/", "a", []string{"a/1", "a/2", "a/3"}},
			{"start is a key", "a/", "a/2", []string{"a/2", "a/3"}},
			{"start between keys", "a/", "a/1\x00", []string{"a/2", "a/3"}},
			{"start after the last key", "a/", "a/4", nil},
			{"start after the prefix", "a/", "b", nil},
			{"empty prefix", "", "a/3", []string{"a/3", "b/1"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				require.NoError(t, s.View(func(tx *Tx) error {
					return tx.ScanFrom([]byte(tc.prefix), []byte(tc.start), func(k, v []byte) error {
						require.Equal(t, "v"+string(k), string(v))
						got = append(got, string(k))
						return nil
					})
				}))
				require.Equal(t, tc.want, got)
			})
		}

		t.Run("fn stops the scan", func(t *testing.T) {
			stop := errors.New("stop")
			var got []string
			err := s.View(func(tx *Tx) error {
				return tx.ScanFrom([]byte("a/"), nil, func(k, _ []byte) error {
					got = append(got, string(k))
					if len(got) == 2 {
						return stop
					}
					return nil
				})
			})
			require.ErrorIs(t, err, stop)
			require.Equal(t, []string{"a/1", "a/2"}, got)
		})
	})
}
