package logger

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/fakeshift/fakeshift/store"
)

// A fakeshift from before chunks stored each record as an entry of its own, rec/<log
// type>/<seq> holding the record, and each completion as done/<query id>. Open converts what
// it finds of those to chunks, a batch of entries per transaction that deletes them and puts
// their chunks, so a conversion cut short by a crash goes on at the next Open and no record is
// ever in neither form or in both.
const (
	legacyRecords     = "rec/"
	legacyCompletions = "done/"
	// upgradeBatch is about how many bytes of old entries one transaction converts: with the
	// chunks it puts, well within badger's transaction size.
	upgradeBatch = 512 << 10
)

// upgrade converts the records and completions of a log from before chunks, if there are
// any.
func (l *Logger) upgrade() error {
	convert := func(old []store.KV) ([]store.KV, error) {
		recs, kvs, err := l.chunkEntries(old)
		return chunkRecords(kvs, recs), err
	}
	records, err := l.convertLegacy(legacyRecords, convert)
	if err != nil {
		return fmt.Errorf("convert audit records to chunks: %w", err)
	}
	completions, err := l.convertLegacy(legacyCompletions, convert)
	if err != nil {
		return fmt.Errorf("convert statement completions to chunks: %w", err)
	}
	if records+completions > 0 {
		l.log.Info("audit log converted to chunks", "records", records, "completions", completions)
	}
	return nil
}

// chunkEntries reads entries of one record or completion each, keyed rec/<type>/<seq> and
// done/<query id> (the write-ahead log's entries, and a store's from before chunks): it
// returns the records, to be chunked with chunkRecords once the caller chose which to keep,
// and the completions already in chunks.
func (l *Logger) chunkEntries(entries []store.KV) ([]queued, []store.KV, error) {
	recs := make([]queued, 0, len(entries))
	var kvs []store.KV
	comps := chunker{kvs: &kvs, key: l.completionChunkKey}
	for _, e := range entries {
		if bytes.HasPrefix(e.Key, []byte(legacyCompletions)) {
			qid, err := keyNumber(e.Key)
			if err != nil {
				return nil, nil, err
			}
			comps.add(qid, e.Val)
			continue
		}
		logType, seq, err := parseEntryKey(e.Key)
		if err != nil {
			return nil, nil, err
		}
		recs = append(recs, queued{logType: logType, seq: seq, val: e.Val})
	}
	comps.flush()
	return recs, kvs, nil
}

// convertLegacy converts the entries under prefix with convert, a batch per transaction, and
// returns how many it converted.
func (l *Logger) convertLegacy(prefix string, convert func(old []store.KV) ([]store.KV, error)) (int, error) {
	total := 0
	for {
		var old []store.KV
		size := 0
		err := l.space.Scan([]byte(prefix), func(k, v []byte) error {
			old = append(old, store.KV{Key: bytes.Clone(k), Val: bytes.Clone(v)})
			if size += len(k) + len(v); size >= upgradeBatch {
				return errStopScan
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopScan) {
			return total, err
		}
		if len(old) == 0 {
			return total, nil
		}
		chunks, err := convert(old)
		if err != nil {
			return total, err
		}
		err = l.space.Update(func(tx *store.Tx) error {
			for _, kv := range old {
				if err := tx.Delete(kv.Key); err != nil {
					return err
				}
			}
			for _, kv := range chunks {
				if err := tx.Put(kv.Key, kv.Val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(old)
	}
}
