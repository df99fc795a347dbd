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
	records, err := l.convertLegacy(legacyRecords, func(old []store.KV) ([]store.KV, error) {
		recs := make([]queued, 0, len(old))
		for _, kv := range old {
			logType, seq, err := parseEntryKey(kv.Key)
			if err != nil {
				return nil, err
			}
			recs = append(recs, queued{logType: logType, seq: seq, val: kv.Val})
		}
		return chunkRecords(nil, recs), nil
	})
	if err != nil {
		return fmt.Errorf("convert audit records to chunks: %w", err)
	}
	completions, err := l.convertLegacy(legacyCompletions, func(old []store.KV) ([]store.KV, error) {
		var out []store.KV
		c := chunker{kvs: &out, key: l.completionChunkKey}
		for _, kv := range old {
			qid, err := seqOfRecordKey(kv.Key)
			if err != nil {
				return nil, err
			}
			c.add(qid, kv.Val)
		}
		c.flush()
		return out, nil
	})
	if err != nil {
		return fmt.Errorf("convert statement completions to chunks: %w", err)
	}
	if records+completions > 0 {
		l.log.Info("audit log converted to chunks", "records", records, "completions", completions)
	}
	return nil
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
