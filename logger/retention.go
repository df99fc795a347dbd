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
// logger's clock. A record still to be delivered to S3 is never pruned (once in a delivered
// file it may be): retention empties the tables, never what the log files are owed. It returns how many records went.
func (l *Logger) Prune() (int, error) {
	cutoff := l.clock.Now().Add(-l.retention)
	l.Sync()
	pruned := 0
	for _, logType := range LogTypes {
		delivered := l.deliveredUpTo(logType)
		var keys [][]byte
		err := l.space.Scan([]byte(keyRecords+logType+"/"), func(key, val []byte) error {
			var h recordHead
			if err := json.Unmarshal(val, &h); err != nil {
				return fmt.Errorf("decode %s record %s: %w", logType, key, err)
			}
			if !h.RecordTime.Before(cutoff) {
				return errStopScan
			}
			seq, err := seqOfRecordKey(key)
			if err != nil {
				return err
			}
			if !h.Deliver || seq <= delivered {
				keys = append(keys, append([]byte(nil), key...))
				if logType == UserActivityLog && h.QueryID != 0 {
					keys = append(keys, completionKey(h.QueryID))
				}
			}
			return nil
		})
		if err != nil && err != errStopScan {
			return pruned, err
		}
		if len(keys) == 0 {
			continue
		}
		if err := l.space.Update(func(tx *store.Tx) error {
			for _, k := range keys {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return pruned, fmt.Errorf("prune %s records: %w", logType, err)
		}
		for _, k := range keys {
			if string(k[:len(keyRecords)]) == keyRecords {
				pruned++
			}
		}
	}
	return pruned, nil
}

// errStopScan ends a scan early; records are in time order, so the first one inside the
// retention period ends the pruning of its log.
var errStopScan = errors.New("stop scan")
