package logger

import "fmt"

// Reset empties the audit log: every record of every log type, the statement completions
// and the delivery state (cursors and the manifests of deliveries under way). The
// identifiers (pids, transaction and query ids, record numbers) keep increasing: a record
// made after the reset is never numbered like one before it. It waits for a delivery under
// way and for the writes in flight, and returns how many records it removed.
//
// A record written while Reset runs (by a session the caller did not end first) may stay.
func (l *Logger) Reset() (int, error) {
	l.deliverLock.Lock()
	defer l.deliverLock.Unlock()
	l.Sync() // the records in flight and the completions queued are in the store now
	removed := 0
	err := l.space.Scan([]byte(keyRecords), func(_, chunk []byte) error {
		return eachInChunk(chunk, func(int64, []byte) error {
			removed++
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("reset audit log: count records: %w", err)
	}
	if _, err := l.space.DeletePrefix([]byte(keyRecords)); err != nil {
		return 0, fmt.Errorf("reset audit log: %w", err)
	}
	for _, prefix := range []string{keyCompletions, keyCursor, keyManifest} {
		if _, err := l.space.DeletePrefix([]byte(prefix)); err != nil {
			return removed, fmt.Errorf("reset audit log: %w", err)
		}
	}
	l.resetWAL() // a restart must not replay what was removed
	return removed, nil
}
