package logger

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/store"
)

// Ids start where real Redshift's are seen: pids near 2^30 (2022 logs), transaction and query
// ids in the thousands.
const (
	firstPID     = 1 << 30
	firstXID     = 1000
	firstQueryID = 100
	idBlock      = 1000

	keyRecords     = "rec/"  // rec/<log type>/<seq>
	keyCompletions = "done/" // done/<query id>
)

// Logger is one cluster's audit log. It is safe for concurrent use.
type Logger struct {
	space   *store.Space
	clock   clock.Clock
	log     *slog.Logger
	version string

	seq, pids, xids, queries *store.Counter

	// batched: the store is in memory, records are queued for the writer's batches and
	// nobody waits for them (see putBatched); readers have them written first (Sync).
	batched bool

	retention time.Duration

	// The writer: the single writer of completions, and the committer of records when the
	// store syncs. What it is to write is queued under qmu.
	syncReq   chan chan struct{}
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	wake      chan struct{} // capacity 1: write what is queued now
	linger    chan struct{} // capacity 1: a first completion is queued; write it soon

	qmu         sync.Mutex
	completions []Completion    // handed to Complete, not yet written
	queue       []pendingRecord // records waiting for a group commit
	closed      bool            // the writer has stopped taking records and completions

	// Group commit, when the store syncs every commit (--fsync): put queues its record and
	// waits; the writer takes everything queued (records and completions), writes it in one
	// store transaction (one sync) and acks every waiter. Records are queued in the order of
	// their sequence numbers, so a group never commits a record before one numbered below it.
	group  bool
	groups atomic.Int64 // group commits made (for tests)

	// With a write-ahead log (group commit with Options.WALDir), a group is durable once it
	// is in the log; the behind goroutine then puts it in the store (see wal.go).
	wal        *wal
	behindMu   sync.Mutex
	behind     []store.KV // for the store, in order
	behindWake chan struct{}
	behindReq  chan chan struct{} // drain, then ack
	behindDone chan struct{}
	walReset   chan chan struct{} // checkpoint the log now (Reset)

	// delivers decides, when a record is made, whether it will be delivered to S3.
	deliverMu sync.RWMutex
	delivers  func(logType string) bool
	// deliverLock serialises deliveries.
	deliverLock sync.Mutex
}

// Options configure Open. Store and ClusterID are required.
type Options struct {
	Store     *store.DB
	ClusterID string
	// Version is the Redshift build SYS_QUERY_HISTORY reports.
	Version string
	Clock   clock.Clock  // nil: the wall clock
	Logger  *slog.Logger // nil: slog.Default()
	// Retention is how long records stay in the system tables; 0 means DefaultRetention.
	Retention time.Duration
	// WALDir is where the write-ahead log of records goes when the store syncs every commit
	// (empty: records are committed to the store in groups, one sync each).
	WALDir string
}

// DefaultRetention is how long the system tables keep records: Redshift keeps STL logs for
// about seven days.
const DefaultRetention = 7 * 24 * time.Hour

// Open opens a cluster's audit log and starts its writer.
func Open(o Options) (*Logger, error) {
	if o.Store == nil || o.ClusterID == "" {
		return nil, errors.New("logger: Options.Store and Options.ClusterID are required")
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	space := o.Store.Space("logger/" + o.ClusterID)
	l := &Logger{
		space:    space,
		clock:    o.Clock,
		version:  o.Version,
		log:      o.Logger.With("subsystem", "logger", "cluster", o.ClusterID),
		seq:      space.Counter("seq/record", 1, idBlock),
		pids:     space.Counter("seq/pid", firstPID+1, idBlock),
		xids:     space.Counter("seq/xid", firstXID, idBlock),
		queries:  space.Counter("seq/query", firstQueryID, idBlock),
		syncReq:  make(chan chan struct{}),
		walReset: make(chan chan struct{}),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		wake:     make(chan struct{}, 1),
		linger:   make(chan struct{}, 1),
		group:    space.Syncs(),
		batched:  !space.Durable(),
	}
	l.retention = o.Retention
	if l.retention <= 0 {
		l.retention = DefaultRetention
	}
	if l.group && o.WALDir != "" {
		if err := l.openWAL(o.WALDir, o.ClusterID); err != nil {
			return nil, err
		}
	}
	go l.writer()
	go l.pruner()
	return l, nil
}

// SetDelivery sets the rule that decides, when a record is made, whether it is to be
// delivered (logging enabled with that log type exported). nil delivers nothing.
func (l *Logger) SetDelivery(rule func(logType string) bool) {
	l.deliverMu.Lock()
	defer l.deliverMu.Unlock()
	l.delivers = rule
}

func (l *Logger) deliver(logType string) bool {
	l.deliverMu.RLock()
	defer l.deliverMu.RUnlock()
	return l.delivers != nil && l.delivers(logType)
}

// NextPID, NextXID and NextQueryID hand out the audit identifiers.
func (l *Logger) NextPID() (int32, error) {
	id, err := l.pids.Next()
	return int32(id), err
}

// NextXID hands out a transaction id.
func (l *Logger) NextXID() (int64, error) { return l.xids.Next() }

// NextQueryID hands out a query id.
func (l *Logger) NextQueryID() (int64, error) { return l.queries.Next() }

// Now is the logger's clock.
func (l *Logger) Now() time.Time { return l.clock.Now() }

func recordKey(logType string, seq int64) []byte {
	k := make([]byte, 0, len(keyRecords)+len(logType)+1+20)
	k = append(append(append(k, keyRecords...), logType...), '/')
	return appendPadded(k, seq)
}

func completionKey(queryID int64) []byte {
	return appendPadded(append(make([]byte, 0, len(keyCompletions)+20), keyCompletions...), queryID)
}

// appendPadded appends n (not negative) in 20 digits, zero-padded, so that keys sort as
// numbers.
func appendPadded(b []byte, n int64) []byte {
	var d [20]byte
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:]...)
}

// pendingRecord is a record queued for the next group commit.
type pendingRecord struct {
	key, val []byte
	done     chan error // receives the outcome once
}

// put writes one record and returns once it is in the store (on disk, with --fsync). Without
// sync that is one store transaction of its own, the lowest latency; when the store syncs
// every commit, the record joins the writer's next group commit, so that concurrent sessions
// share one sync instead of waiting for one each.
func (l *Logger) put(logType string, rec any) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", logType, err)
	}
	if l.group {
		return l.putGrouped(logType, b)
	}
	if l.batched {
		return l.putBatched(logType, b)
	}
	seq, err := l.seq.Next()
	if err != nil {
		return fmt.Errorf("audit %s record: %w", logType, err)
	}
	if err := l.space.Put(recordKey(logType, seq), b); err != nil {
		return fmt.Errorf("write %s record: %w", logType, err)
	}
	return nil
}

// putBatched queues a record for the writer's next batch and returns at once: in memory a
// kill loses everything anyway, so the statement need not wait for any commit. Records and
// completions made within completionLinger go to the store in one transaction, so that a
// statement wakes no goroutine of the writer's or the store's; readers of the records
// (Sync) have the batch written first.
func (l *Logger) putBatched(logType string, val []byte) error {
	queued, n, err := l.enqueue(logType, val, nil)
	if err == nil && queued {
		l.nudge(n)
	}
	return err
}

// enqueue queues a record for the writer (with done, for a waiter) and reports how many
// records and completions are queued then. With the writer gone (after Close) the record is
// written at once instead, and queued is false. The sequence number is taken under qmu so
// that queue order is sequence order.
func (l *Logger) enqueue(logType string, val []byte, done chan error) (queued bool, n int, err error) {
	l.qmu.Lock()
	seq, err := l.seq.Next()
	if err != nil {
		l.qmu.Unlock()
		return false, 0, fmt.Errorf("audit %s record: %w", logType, err)
	}
	if l.closed {
		l.qmu.Unlock()
		if err := l.space.Put(recordKey(logType, seq), val); err != nil {
			return false, 0, fmt.Errorf("write %s record: %w", logType, err)
		}
		return false, 0, nil
	}
	l.queue = append(l.queue, pendingRecord{key: recordKey(logType, seq), val: val, done: done})
	n = len(l.queue) + len(l.completions)
	l.qmu.Unlock()
	return true, n, nil
}

// nudge tells the writer of a batch of n things queued: the first arms the linger timer, a
// full batch is written at once.
func (l *Logger) nudge(n int) {
	switch {
	case n >= completionBatch:
		signal(l.wake)
	case n == 1:
		signal(l.linger)
	}
}

// putGrouped queues a record for the writer's next group commit and waits for it.
func (l *Logger) putGrouped(logType string, val []byte) error {
	done := make(chan error, 1)
	queued, _, err := l.enqueue(logType, val, done)
	if err != nil || !queued {
		return err
	}
	signal(l.wake)
	if err := <-done; err != nil {
		return fmt.Errorf("write %s record: %w", logType, err)
	}
	return nil
}

// Connection records a connection event.
func (l *Logger) Connection(rec Connection) error {
	rec.Deliver = l.deliver(ConnectionLog)
	return l.put(ConnectionLog, &rec)
}

// User records a user change.
func (l *Logger) User(rec UserChange) error {
	rec.Deliver = l.deliver(UserLog)
	return l.put(UserLog, &rec)
}

// Activity records a statement before it runs.
func (l *Logger) Activity(rec Activity) error {
	rec.Deliver = l.deliver(UserActivityLog)
	return l.put(UserActivityLog, &rec)
}

// Completions are written in batches, by the writer. In memory, records and completions
// wait together for completionLinger after the first of them (or completionBatch of them)
// and go to the store in one transaction: a statement then wakes no goroutine, which on the
// 2-CPU VM of the benchmarks halved the "select 1" round trip (from about 87 to 48 µs).
// On disk without sync, records are written by their sessions and the writer is woken by
// each completion. When the store syncs, completions wait instead for the next group commit
// of records, which they join at no extra sync, or for completionLinger after the first of
// them, or for completionBatch of them, whichever comes first. Nobody waits for completions;
// reading the system tables (Sync) writes them first.
const (
	completionLinger = 2 * time.Millisecond
	completionBatch  = 256
)

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
	if l.closed {
		l.qmu.Unlock()
		l.log.Warn("completion after close dropped", "query", c.QueryID)
		return
	}
	l.completions = append(l.completions, c)
	n := len(l.completions)
	if l.batched {
		n += len(l.queue)
	}
	l.qmu.Unlock()
	switch {
	case l.batched:
		l.nudge(n)
	case !l.group || n == completionBatch:
		signal(l.wake)
	case n == 1:
		signal(l.linger)
	}
}

// writer writes completions in batches, one store transaction each. When the store syncs,
// it is also the committer of records: each group (the records put queued while the
// previous group was being written, with the completions waiting) is one transaction, so
// one sync, after which every waiter of the group is told.
func (l *Logger) writer() {
	defer close(l.done)
	var (
		batch []Completion
		recs  []pendingRecord
		kvs   []store.KV
		// expect is the size the next group commit waits for (see gather).
		expect int
	)
	flush := func() {
		l.qmu.Lock()
		batch, l.completions = l.completions, batch[:0]
		recs, l.queue = l.queue, recs[:0]
		l.qmu.Unlock()
		if len(batch) == 0 && len(recs) == 0 {
			return
		}
		kvs = kvs[:0]
		for _, r := range recs { // first, in sequence order: callers wait for them
			kvs = append(kvs, store.KV{Key: r.key, Val: r.val})
		}
		for i := range batch {
			b, err := json.Marshal(&batch[i])
			if err != nil {
				l.log.Error("encode statement completion", "query", batch[i].QueryID, "err", err)
				continue
			}
			kvs = append(kvs, store.KV{Key: completionKey(batch[i].QueryID), Val: b})
		}
		if l.wal != nil {
			l.commitToWAL(recs, kvs)
			if len(recs) > 0 {
				l.groups.Add(1)
				l.qmu.Lock()
				expect = len(recs) + len(l.queue)
				l.qmu.Unlock()
			}
			clear(recs)
			clear(kvs)
			recs, batch = recs[:0], batch[:0]
			return
		}
		n, err := l.space.PutMany(kvs)
		for i, r := range recs {
			switch {
			case r.done == nil: // batched: nobody waits; readers sync first
				if i >= n {
					l.log.Error("write audit record", "key", string(r.key), "err", err)
				}
			case i < n:
				r.done <- nil
			default:
				r.done <- err
			}
		}
		if err != nil && len(batch) > 0 { // completions come last: they were not all written
			l.log.Error("write statement completions", "count", len(batch), "err", err)
		}
		if len(recs) > 0 && l.group {
			l.groups.Add(1)
			// The sessions of this group come back one statement later; the records queued
			// while it was written (sessions that missed it) join them.
			l.qmu.Lock()
			expect = len(recs) + len(l.queue)
			l.qmu.Unlock()
		}
		clear(recs) // no references to waiters' records while the slice waits for reuse
		clear(kvs)
		recs, batch = recs[:0], batch[:0]
	}
	timer := time.NewTimer(completionLinger)
	timer.Stop()
	for {
		select {
		case <-l.linger:
			timer.Reset(completionLinger)
		case <-timer.C:
			flush()
		case <-l.wake:
			if l.group {
				l.gather(expect)
			}
			flush()
		case ack := <-l.syncReq:
			flush()
			l.drainBehind()
			close(ack)
		case ack := <-l.walReset:
			flush()
			l.checkpointWAL()
			close(ack)
		case <-l.stop:
			timer.Stop()
			l.qmu.Lock()
			l.closed = true // from now on callers write their records themselves
			l.qmu.Unlock()
			flush()
			l.closeWAL()
			return
		}
	}
}

// groupDelay bounds how long a group commit waits for its members (see gather).
const groupDelay = 200 * time.Microsecond

// gather waits, before a group commit, until target records are queued (the size of the
// last group plus the records that queued while it was written), or groupDelay at most.
// Sessions that wrote in one group come back at about the same time, one statement later;
// without the wait the first to come back would be committed alone while the others queue
// behind its sync, the sessions would settle into two groups taking turns, and every
// statement would pay for more syncs, each of which costs CPU as well as time. One session
// alone (groups of one) never waits; when fewer sessions come back, the wait ends at
// groupDelay and the next group expects fewer.
func (l *Logger) gather(target int) {
	if target <= 1 {
		return
	}
	deadline := time.NewTimer(groupDelay)
	defer deadline.Stop()
	for {
		l.qmu.Lock()
		n := len(l.queue)
		l.qmu.Unlock()
		if n >= target {
			return
		}
		select {
		case <-l.wake: // one more record queued
		case <-deadline.C:
			return
		case <-l.stop:
			return // the main loop sees stop (closed) next
		}
	}
}

// Sync waits until every completion handed to Complete before it is in the store (and every
// record queued for a batch or a group commit). The writer takes one request at a time: the
// flush it makes for this one starts after any flush under way, and writes all that was
// queued before Sync was called.
func (l *Logger) Sync() {
	ack := make(chan struct{})
	select {
	case l.syncReq <- ack:
		<-ack
	case <-l.done:
	}
}

// settle has the records queued for a batch, or behind the write-ahead log, written to the
// store, and waits for them.
func (l *Logger) settle() {
	if l.batched || l.wal != nil {
		l.Sync()
	}
}

// Close writes what is queued and stops the writer. It is safe to call more than once.
func (l *Logger) Close() error {
	l.closeOnce.Do(func() { close(l.stop) })
	<-l.done
	return nil
}

// scan calls fn for every record of one log type, oldest first.
func (l *Logger) scan(logType string, fn func(val []byte) error) error {
	l.settle()
	return l.space.Scan([]byte(keyRecords+logType+"/"), func(_, val []byte) error { return fn(val) })
}

// completionsByQuery reads every stored completion.
func (l *Logger) completionsByQuery() (map[int64]Completion, error) {
	out := map[int64]Completion{}
	err := l.space.Scan([]byte(keyCompletions), func(_, val []byte) error {
		var c Completion
		if err := json.Unmarshal(val, &c); err != nil {
			return fmt.Errorf("decode completion: %w", err)
		}
		out[c.QueryID] = c
		return nil
	})
	return out, err
}

// DeleteData removes every record and counter of a cluster's audit log from the store, for
// DeleteCluster. No Logger of that cluster may be open.
func DeleteData(db *store.DB, clusterID, walDir string) error {
	if err := db.Space("logger/" + clusterID).DeleteAll(); err != nil {
		return fmt.Errorf("delete audit log of %s: %w", clusterID, err)
	}
	if walDir != "" {
		if err := os.Remove(walPath(walDir, clusterID)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete audit write-ahead log of %s: %w", clusterID, err)
		}
	}
	return nil
}
