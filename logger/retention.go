package logger

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fakeshift/fakeshift/store"
)

// pruneEvery is how often the pruner looks for records past retention.
const pruneEvery = 10 * time.Minute

func (l *Logger) pruner() {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if n, err := l.Prune(); err != nil {
				l.log.Error("prune audit records", "err", err)
			} else if n > 0 {
				l.log.Debug("pruned audit records", "count", n)
			}
		case <-l.stop:
			return
		}
	}
}

// recordHead is what pruning needs of any record.
type recordHead struct {
	RecordTime time.Time `json:"t"`
	Deliver    bool      `json:"deliver,omitempty"`
	QueryID    int64     `json:"q,omitempty"`
}

// Prune removes from the system tables the records older than the retention period, by the
// logger's clock, and the completions of the statements among them. A record still to be
// delivered to S3 is never pruned (once in a delivered file it may be): retention empties the
// tables, never what the log files are owed. It returns how many records went. A chunk that
// keeps some of its records is written again with those (under the same key, which still
// sorts it in its place); one that keeps none is deleted. Prune holds the delivery lock, as
// Reset does, so that it never writes back a chunk that Reset removed.
func (l *Logger) Prune() (int, error) {
	l.deliverLock.Lock()
	defer l.deliverLock.Unlock()
	cutoff := l.clock.Now().Add(-l.retention)
	l.Sync()
	pruned := 0
	queries := map[int64]bool{} // the statements whose completions go too
	for _, logType := range LogTypes {
		delivered := l.deliveredUpTo(logType)
		var edits []store.KV // chunks to write again with what they keep; nil Val: to delete
		n := 0
		err := l.space.Scan([]byte(keyRecords+logType+"/"), func(key, chunk []byte) error {
			var keep []byte
			inside, dropped := false, 0
			err := eachInChunk(chunk, func(seq int64, val []byte) error {
				if !inside {
					var h recordHead
					if err := json.Unmarshal(val, &h); err != nil {
						return fmt.Errorf("decode %s record %d: %w", logType, seq, err)
					}
					inside = !h.RecordTime.Before(cutoff)
					if !inside && (!h.Deliver || seq <= delivered) {
						dropped++
						if logType == UserActivityLog && h.QueryID != 0 {
							queries[h.QueryID] = true
						}
						return nil
					}
				}
				keep = appendChunkEntry(keep, seq, val)
				return nil
			})
			if err != nil {
				return err
			}
			if dropped > 0 {
				edits = append(edits, store.KV{Key: append([]byte(nil), key...), Val: keep})
				n += dropped
			}
			if inside {
				return errStopScan
			}
			return nil
		})
		if err != nil && err != errStopScan {
			return pruned, err
		}
		if err := l.applyEdits(edits); err != nil {
			return pruned, fmt.Errorf("prune %s records: %w", logType, err)
		}
		pruned += n
	}
	if len(queries) == 0 {
		return pruned, nil
	}
	var edits []store.KV
	err := l.space.Scan([]byte(keyCompletions), func(key, chunk []byte) error {
		var keep []byte
		dropped := false
		err := eachInChunk(chunk, func(q int64, val []byte) error {
			if queries[q] {
				dropped = true
				return nil
			}
			keep = appendChunkEntry(keep, q, val)
			return nil
		})
		if err == nil && dropped {
			edits = append(edits, store.KV{Key: append([]byte(nil), key...), Val: keep})
		}
		return err
	})
	if err == nil {
		err = l.applyEdits(edits)
	}
	if err != nil {
		return pruned, fmt.Errorf("prune statement completions: %w", err)
	}
	return pruned, nil
}

// applyEdits writes chunks again, or deletes those with no value, in one transaction.
func (l *Logger) applyEdits(edits []store.KV) error {
	if len(edits) == 0 {
		return nil
	}
	return l.space.Update(func(tx *store.Tx) error {
		for _, e := range edits {
			var err error
			if e.Val == nil {
				err = tx.Delete(e.Key)
			} else {
				err = tx.Put(e.Key, e.Val)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// errStopScan ends a scan early; records are in time order, so the first one inside the
// retention period ends the pruning of its log.
var errStopScan = errors.New("stop scan")
