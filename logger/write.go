package logger

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fakeshift/fakeshift/store"
)

// Batches of the writer (see Logger): what is queued is written batchLinger after the first
// of it, or once batchSize things are queued, or when a reader asks (Sync). Large batches
// cost the least per record: in memory, writing records and completions of a few hundred
// statements in one transaction instead of one transaction each halved the "select 1" round
// trip on the 2-CPU VM of the benchmarks; on disk the records are in the write-ahead log
// already, and with --fsync every store commit costs a sync of its own, which rare ones keep
// away from the log's syncs that sessions wait for.
const (
	batchLinger = 50 * time.Millisecond
	batchSize   = 4096
)

// Connection records a connection event. ended, at most one, is a completion to carry to
// the write-ahead log with the record (see Activity).
func (l *Logger) Connection(rec Connection, ended ...Completion) error {
	rec.Deliver = l.deliver(ConnectionLog)
	val, err := json.Marshal(&rec)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", ConnectionLog, err)
	}
	return l.putValue(ConnectionLog, val, ended)
}

// User records a user change.
func (l *Logger) User(rec UserChange) error {
	rec.Deliver = l.deliver(UserLog)
	val, err := json.Marshal(&rec)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", UserLog, err)
	}
	return l.putValue(UserLog, val, nil)
}

// Activity records a statement before it runs. ended, at most one, is the completion of the
// session's previous statement: Complete queued it for the store, and on disk it also goes to
// the write-ahead log in the same write as this record, so that a killed process loses the
// end of a statement only while its session is idle after it (the session's disconnection
// record carries the last one).
func (l *Logger) Activity(rec Activity, ended ...Completion) error {
	rec.Deliver = l.deliver(UserActivityLog)
	val, err := encodeActivity(make([]byte, 0, 160+len(rec.Text)), &rec)
	if err != nil {
		return err
	}
	return l.putValue(UserActivityLog, val, ended)
}

// putValue records an encoded record: in memory it queues it for the writer; on disk it
// first appends it (and the completions carried with it) to the write-ahead log, and with
// --fsync waits until the log is synced past it.
func (l *Logger) putValue(logType string, val []byte, ended []Completion) error {
	if l.wal != nil {
		return l.putLogged(logType, val, ended)
	}
	l.qmu.Lock()
	seq, err := l.nextSeq(logType)
	if err != nil {
		l.qmu.Unlock()
		return err
	}
	if l.closed.Load() {
		l.qmu.Unlock()
		return l.putNow(logType, seq, val)
	}
	n := l.enqueueLocked(logType, seq, val)
	l.qmu.Unlock()
	l.nudge(n)
	return nil
}

// putLogged appends a record to the write-ahead log, queues it for the store, and waits, with
// --fsync, for a sync that covers it. The sequence number is taken, and the record queued,
// under the log's lock, so that the log, the queue and the store see records in sequence
// order: a reader of the store never finds a record without the ones numbered before it.
func (l *Logger) putLogged(logType string, val []byte, ended []Completion) error {
	var entries [2]store.KV // the record, and the completion it carries
	ne := 1
	if len(ended) > 0 {
		cv, err := encodeCompletion(make([]byte, 0, 96+len(ended[0].Error)), &ended[0])
		if err != nil {
			return fmt.Errorf("encode statement completion: %w", err)
		}
		entries[1] = store.KV{Key: completionEntryKey(ended[0].QueryID), Val: cv}
		ne = 2
	}
	w := l.wal
	w.mu.Lock()
	seq, err := l.nextSeq(logType)
	if err != nil {
		w.mu.Unlock()
		return err
	}
	if l.closed.Load() {
		w.mu.Unlock()
		return l.putNow(logType, seq, val)
	}
	entries[0] = store.KV{Key: entryKey(logType, seq), Val: val}
	if w.full(entries[:ne]) {
		if err := l.checkpointLocked(); err != nil {
			w.mu.Unlock()
			return fmt.Errorf("write %s record: %w", logType, err)
		}
	}
	pos, err := w.write(entries[:ne])
	if err != nil {
		w.mu.Unlock()
		return fmt.Errorf("write %s record: %w", logType, err)
	}
	l.qmu.Lock()
	n := l.enqueueLocked(logType, seq, val)
	l.qmu.Unlock()
	w.mu.Unlock()
	l.nudge(n)
	if w.syncs {
		if err := w.waitSynced(pos); err != nil {
			return fmt.Errorf("write %s record: %w", logType, err)
		}
	}
	return nil
}

// completionChunkKey numbers a new chunk of completions and returns its key.
func (l *Logger) completionChunkKey(int64) []byte {
	id, err := l.chunkIDs.Next()
	if err != nil { // the store refuses writes: the put of the chunk fails too, and says so
		l.log.Error("number a chunk of statement completions", "err", err)
	}
	return completionKey(id)
}

// nextSeq numbers a record of logType. The caller holds the lock that orders records: qmu
// in memory, the write-ahead log's on disk.
func (l *Logger) nextSeq(logType string) (int64, error) {
	seq, err := l.seq.Next()
	if err != nil {
		return 0, fmt.Errorf("audit %s record: %w", logType, err)
	}
	return seq, nil
}

// putNow writes a record to the store at once, as a chunk of its own: after Close, when the
// writer is gone.
func (l *Logger) putNow(logType string, seq int64, val []byte) error {
	if err := l.space.Put(recordKey(logType, seq), appendChunkEntry(nil, seq, val)); err != nil {
		return fmt.Errorf("write %s record: %w", logType, err)
	}
	return nil
}

// enqueueLocked queues a record for the writer and returns how many things are queued.
// qmu is held.
func (l *Logger) enqueueLocked(logType string, seq int64, val []byte) int {
	l.queue = append(l.queue, queued{logType: logType, seq: seq, val: val})
	return len(l.queue) + len(l.completions)
}

// nudge tells the writer of a batch of n things queued: the first arms its linger timer, a
// full batch is written at once. Only those two wake it.
func (l *Logger) nudge(n int) {
	switch n {
	case 1:
		signal(l.first)
	case batchSize:
		signal(l.full)
	}
}

// signal wakes the writer without blocking: a signal already pending is enough.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Complete records what is known after a statement ended. It does not wait for the store:
// the writer batches completions.
func (l *Logger) Complete(c Completion) {
	l.qmu.Lock()
	if l.closed.Load() {
		l.qmu.Unlock()
		l.log.Warn("completion after close dropped", "query", c.QueryID)
		return
	}
	l.completions = append(l.completions, c)
	n := len(l.queue) + len(l.completions)
	l.qmu.Unlock()
	l.nudge(n)
}

// writer is the single writer of the store's records and completions: it puts each batch
// in the store in one transaction, as chunks (chunk.go): the records of each log type, then
// the completions.
func (l *Logger) writer() {
	defer close(l.done)
	var (
		recs    []queued
		comps   []Completion
		kvs     []store.KV
		scratch []byte
	)
	flush := func() {
		l.qmu.Lock()
		recs, l.queue = l.queue, recs[:0]
		comps, l.completions = l.completions, comps[:0]
		l.qmu.Unlock()
		if len(recs) == 0 && len(comps) == 0 {
			return
		}
		kvs = chunkRecords(kvs[:0], recs)
		nrec := len(kvs)
		done := chunker{kvs: &kvs, key: l.completionChunkKey}
		for i := range comps {
			b, err := encodeCompletion(scratch[:0], &comps[i])
			if err != nil {
				l.log.Error("encode statement completion", "query", comps[i].QueryID, "err", err)
				continue
			}
			done.add(comps[i].QueryID, b)
			scratch = b
		}
		done.flush()
		n, err := l.space.PutMany(kvs)
		if err != nil {
			if n < nrec {
				l.storeFailed.Store(true)
				// On disk the records are in the write-ahead log, which a restart replays.
				l.log.Error("write audit records", "chunks", nrec-n, "in_write_ahead_log", l.wal != nil, "err", err)
			}
			if len(comps) > 0 {
				l.log.Error("write statement completions", "count", len(comps), "err", err)
			}
		}
		clear(recs) // no references to callers' records while the slices wait for reuse
		clear(comps)
		clear(kvs)
	}
	timer := time.NewTimer(batchLinger)
	timer.Stop()
	for {
		select {
		case <-l.first:
			timer.Reset(batchLinger)
		case <-timer.C:
			flush()
		case <-l.full:
			flush()
		case ack := <-l.syncReq:
			flush()
			close(ack)
		case <-l.stop:
			timer.Stop()
			flush()
			return
		}
	}
}

// Sync waits until every record and completion queued before it is in the store. The
// writer takes one request at a time: the flush it makes for this one starts after any
// flush under way, and writes all that was queued before Sync was called.
func (l *Logger) Sync() {
	ack := make(chan struct{})
	select {
	case l.syncReq <- ack:
		<-ack
	case <-l.done:
	}
}

// Close writes what is queued, stops the writer, and starts the write-ahead log again (the
// store has everything). From then on a record is written to the store by its caller. It is
// safe to call more than once.
func (l *Logger) Close() error {
	l.closeOnce.Do(func() {
		if l.wal != nil {
			l.wal.mu.Lock()
			defer l.wal.mu.Unlock()
		}
		l.qmu.Lock()
		l.closed.Store(true)
		l.qmu.Unlock()
		close(l.stop)
		<-l.done
		l.closeWAL()
	})
	<-l.done
	return nil
}
