package store

import (
	"bytes"

	"github.com/dgraph-io/badger/v4"
)

// ScanFrom calls fn for every key under prefix that is not before start, in key order, until
// fn returns an error, which ScanFrom returns as is. A start before prefix (an empty one, say)
// means from the first key under prefix; a start after every key under prefix finds nothing.
// It is how an owner pages through a long run of keys, or skips a stretch of them: stop the
// scan with an error of its own and scan again from further on. The key and value passed to
// fn are valid only during the call.
func (tx *Tx) ScanFrom(prefix, start []byte, fn func(key, val []byte) error) error {
	full := tx.space.key(prefix)
	seek := full
	if bytes.Compare(start, prefix) > 0 {
		seek = tx.space.key(start)
	}
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: full, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Seek(seek); it.ValidForPrefix(full); it.Next() {
		item := it.Item()
		err := item.Value(func(val []byte) error {
			return fn(item.Key()[len(tx.space.prefix):], val)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
