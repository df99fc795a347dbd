package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Syncs reports whether every commit waits for the disk: Options.Sync on a store on disk.
// Owners that write on behalf of many concurrent callers use it to decide whether grouping
// their writes (one commit, hence one sync, for many) is worth a hand-off.
func (db *DB) Syncs() bool { return db.sync }

// Syncs reports whether the space's database syncs every commit (see DB.Syncs).
func (s *Space) Syncs() bool { return s.db.sync }

// KV is one key and its value, for PutMany.
type KV struct {
	Key, Val []byte
}

// PutMany stores kvs, in order, in as few transactions as the store allows: one, unless they
// exceed badger's transaction size (a few MB with fakeshift's memtables), in which case they
// are split into consecutive transactions. With Sync each transaction costs one sync, so one
// PutMany is one sync for all of kvs in the usual case. It returns how many of kvs are
// committed: kvs[:n] are durable even when err is not nil, kvs[n:] are not written.
//
// The transactions only write, so they never conflict with concurrent ones.
func (s *Space) PutMany(kvs []KV) (n int, err error) {
	for n < len(kvs) {
		txn := s.db.bdb.NewTransaction(true)
		in := 0
		for _, kv := range kvs[n:] {
			err := txn.Set(s.key(kv.Key), kv.Val)
			if errors.Is(err, badger.ErrTxnTooBig) && in > 0 {
				break // commit what fits, go on in a new transaction
			}
			if err != nil {
				txn.Discard()
				return n, fmt.Errorf("store put %q: %w", kv.Key, err)
			}
			in++
		}
		if err := txn.Commit(); err != nil {
			return n, fmt.Errorf("store commit of %d keys: %w", in, err)
		}
		n += in
	}
	return n, nil
}

// Durable reports whether the database outlives the process (it has a directory).
func (db *DB) Durable() bool { return db.durable }

// Durable reports whether the space's database outlives the process (see DB.Durable).
func (s *Space) Durable() bool { return s.db.durable }
