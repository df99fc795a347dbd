package logger

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
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

	keyRecords     = "recs/"  // recs/<log type>/<seq of the chunk's last record> (chunk.go)
	keyCompletions = "comps/" // comps/<the chunk's number, from seq/completions>
)

// Logger is one cluster's audit log. It is safe for concurrent use.
//
// The write path (write.go): a session's record is in the store's hands before the statement
// it describes runs, and nothing on that path wakes another goroutine.
//   - In memory, records and completions are queued for the writer, which puts each batch in
//     the store in one transaction; readers of the records (Sync) have the queue written
//     first. A kill loses everything anyway, so nothing waits.
//   - On disk, the session appends its record to the cluster's write-ahead log of audit
//     records (wal.go) before it queues it: one write to a file, which the operating system
//     keeps when the process is killed. With --fsync the session then waits until a sync of
//     the log covers its record; concurrent sessions share their syncs (group commit).
//
// What is known only after a statement (its completion) is queued for the writer's batches
// in every mode; nobody waits for it.
type Logger struct {
	space   *store.Space
	clock   clock.Clock
	log     *slog.Logger
	version string

	seq, pids, xids, queries *store.Counter
	chunkIDs                 *store.Counter // numbers the chunks of completions

	retention time.Duration

	// wal is the write-ahead log of records, on disk; nil in memory.
	wal *wal

	// The queue of the writer: records (in sequence order) and completions for its next
	// batch (see batchLinger).
	qmu         sync.Mutex
	queue       []queued
	completions []Completion
	closed      atomic.Bool // set with qmu (and the log's lock) held: callers write themselves

	// The writer goroutine.
	first     chan struct{} // capacity 1: the first thing of a batch is queued
	full      chan struct{} // capacity 1: a batch is full
	syncReq   chan chan struct{}
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	// storeFailed is set when a batch could not be written: the write-ahead log then keeps
	// its records (no checkpoint) for a restart to replay.
	storeFailed atomic.Bool

	// delivers decides, when a record is made, whether it will be delivered to S3.
	deliverMu sync.RWMutex
	delivers  func(logType string) bool
	// deliverLock serialises deliveries.
	deliverLock sync.Mutex
}

// Options configure Open. Store and ClusterID are required, and WALDir with a store on
// disk.
type Options struct {
	Store     *store.DB
	ClusterID string
	// Version is the Redshift build SYS_QUERY_HISTORY reports.
	Version string
	Clock   clock.Clock  // nil: the wall clock
	Logger  *slog.Logger // nil: slog.Default()
	// Retention is how long records stay in the system tables; 0 means DefaultRetention.
	Retention time.Duration
	// WALDir is where the write-ahead log of records goes (see Logger); required when the
	// store is on disk, unused in memory. When the store syncs every commit (--fsync), so
	// does the log.
	WALDir string
}

// DefaultRetention is how long the system tables keep records: Redshift keeps STL logs for
// about seven days.
const DefaultRetention = 7 * 24 * time.Hour

// Open opens a cluster's audit log, puts in the store what its write-ahead log holds of a
// run that ended without a checkpoint (a crash), and starts its writer.
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
	if space.Durable() && o.WALDir == "" {
		return nil, errors.New("logger: Options.WALDir is required with a store on disk")
	}
	l := &Logger{
		space:    space,
		clock:    o.Clock,
		version:  o.Version,
		log:      o.Logger.With("subsystem", "logger", "cluster", o.ClusterID),
		seq:      space.Counter("seq/record", 1, idBlock),
		pids:     space.Counter("seq/pid", firstPID+1, idBlock),
		xids:     space.Counter("seq/xid", firstXID, idBlock),
		queries:  space.Counter("seq/query", firstQueryID, idBlock),
		chunkIDs: space.Counter("seq/completions", 1, idBlock),
		first:    make(chan struct{}, 1),
		full:     make(chan struct{}, 1),
		syncReq:  make(chan chan struct{}),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	l.retention = o.Retention
	if l.retention <= 0 {
		l.retention = DefaultRetention
	}
	if space.Durable() {
		if err := l.upgrade(); err != nil {
			return nil, err
		}
		if err := l.openWAL(o.WALDir, o.ClusterID, space.Syncs()); err != nil {
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

// recordKey is the key of the chunk of logType whose last record is seq.
func recordKey(logType string, seq int64) []byte { return typedKey(keyRecords, logType, seq) }

// entryKey names one record, rec/<log type>/<seq>, in the write-ahead log (and in the store
// of a fakeshift from before chunks: upgrade.go).
func entryKey(logType string, seq int64) []byte { return typedKey(legacyRecords, logType, seq) }

// completionEntryKey names a completion in the write-ahead log, done/<query id>, as it named
// one in the store before chunks.
func completionEntryKey(queryID int64) []byte {
	return appendPadded(append(make([]byte, 0, len(legacyCompletions)+20), legacyCompletions...), queryID)
}

func typedKey(prefix, logType string, seq int64) []byte {
	k := make([]byte, 0, len(prefix)+len(logType)+1+20)
	k = append(append(append(k, prefix...), logType...), '/')
	return appendPadded(k, seq)
}

// keyNumber is the 20-digit number at the end of a key: a record's sequence number, a
// completion's query id.
func keyNumber(key []byte) (int64, error) {
	if len(key) < 20 {
		return 0, fmt.Errorf("key %q: no number at its end", key)
	}
	n, err := strconv.ParseInt(string(key[len(key)-20:]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("key %q: %w", key, err)
	}
	return n, nil
}

func completionKey(chunk int64) []byte {
	return appendPadded(append(make([]byte, 0, len(keyCompletions)+20), keyCompletions...), chunk)
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

// scan calls fn for every record of one log type, oldest first.
func (l *Logger) scan(logType string, fn func(val []byte) error) error {
	l.Sync()
	return l.space.Scan([]byte(keyRecords+logType+"/"), func(_, chunk []byte) error {
		return eachInChunk(chunk, func(_ int64, val []byte) error { return fn(val) })
	})
}

// completionsByQuery reads every stored completion.
func (l *Logger) completionsByQuery() (map[int64]Completion, error) {
	out := map[int64]Completion{}
	err := l.space.Scan([]byte(keyCompletions), func(_, chunk []byte) error {
		return eachInChunk(chunk, func(_ int64, val []byte) error {
			var c Completion
			if err := json.Unmarshal(val, &c); err != nil {
				return fmt.Errorf("decode completion: %w", err)
			}
			out[c.QueryID] = c
			return nil
		})
	})
	return out, err
}

// DeleteData removes every record and counter of a cluster's audit log from the store, for
// DeleteCluster. No Logger of that cluster may be open.
func DeleteData(db *store.DB, clusterID, walDir string) error {
	if _, err := db.Space("logger/" + clusterID).DeletePrefix(nil); err != nil {
		return fmt.Errorf("delete audit log of %s: %w", clusterID, err)
	}
	if walDir != "" {
		if err := os.Remove(walPath(walDir, clusterID)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete audit write-ahead log of %s: %w", clusterID, err)
		}
	}
	return nil
}
