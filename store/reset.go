package store

import (
	"bytes"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// deleteBatch is how many keys DeletePrefix removes per transaction.
const deleteBatch = 1000

// DeletePrefix removes every key of the space under prefix (an empty prefix: every key of
// the space) and returns how many it removed. It deletes in transactions of its own (badger's
// DropPrefix would refuse every write of the database meanwhile), so the other owners go on
// writing; a key written under prefix while it runs may stay.
func (s *Space) DeletePrefix(prefix []byte) (int, error) {
	full := s.key(prefix)
	removed := 0
	for {
		var keys [][]byte
		err := s.db.bdb.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: full, PrefetchValues: false})
			defer it.Close()
			for it.Seek(full); it.ValidForPrefix(full) && len(keys) < deleteBatch; it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			return nil
		})
		if err != nil {
			return removed, fmt.Errorf("store list %q: %w", s.name(), err)
		}
		if len(keys) == 0 {
			return removed, nil
		}
		err = s.db.bdb.Update(func(txn *badger.Txn) error {
			for _, k := range keys {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return removed, fmt.Errorf("store delete under %q in %q: %w", prefix, s.name(), err)
		}
		removed += len(keys)
	}
}

// CountPrefix returns how many keys of the space are under prefix.
func (s *Space) CountPrefix(prefix []byte) (int, error) {
	full := s.key(prefix)
	n := 0
	err := s.db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: full, PrefetchValues: false})
		defer it.Close()
		for it.Seek(full); it.ValidForPrefix(full); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store count %q: %w", s.name(), err)
	}
	return n, nil
}

// name is the space's owner, for messages.
func (s *Space) name() string { return string(bytes.TrimSuffix(s.prefix, []byte{0})) }
