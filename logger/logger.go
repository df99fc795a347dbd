package logger

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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

	// The single writer of completions.
	completions chan Completion
	syncReq     chan chan struct{}
	stop        chan struct{}
	done        chan struct{}
	closeOnce   sync.Once

	// delivers decides, when a record is made, whether it will be delivered to S3.
	deliverMu sync.RWMutex
	delivers  func(logType string) bool
}

// Options configure Open. Store and ClusterID are required.
type Options struct {
	Store     *store.DB
	ClusterID string
	// Version is the Redshift build SYS_QUERY_HISTORY reports.
	Version string
	Clock   clock.Clock  // nil: the wall clock
	Logger  *slog.Logger // nil: slog.Default()
}

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
		space:       space,
		clock:       o.Clock,
		version:     o.Version,
		log:         o.Logger.With("subsystem", "logger", "cluster", o.ClusterID),
		seq:         space.Counter("seq/record", 1, idBlock),
		pids:        space.Counter("seq/pid", firstPID+1, idBlock),
		xids:        space.Counter("seq/xid", firstXID, idBlock),
		queries:     space.Counter("seq/query", firstQueryID, idBlock),
		completions: make(chan Completion, 1024),
		syncReq:     make(chan chan struct{}),
		stop:        make(chan struct{}),
		done:        make(chan struct{}),
	}
	go l.writer()
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
	return fmt.Appendf(nil, "%s%s/%020d", keyRecords, logType, seq)
}

// put writes one record: one store transaction.
func (l *Logger) put(logType string, rec any) error {
	seq, err := l.seq.Next()
	if err != nil {
		return fmt.Errorf("audit %s record: %w", logType, err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode %s record: %w", logType, err)
	}
	if err := l.space.Put(recordKey(logType, seq), b); err != nil {
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

// Complete records what is known after a statement ended. It does not wait for the store:
// the writer batches completions.
func (l *Logger) Complete(c Completion) {
	select {
	case l.completions <- c:
	case <-l.done:
		l.log.Warn("completion after close dropped", "query", c.QueryID)
	}
}

// writer is the single writer of completions: it writes what has queued up in one store
// transaction.
func (l *Logger) writer() {
	defer close(l.done)
	var batch []Completion
	flush := func() {
		if len(batch) == 0 {
			return
		}
		err := l.space.Update(func(tx *store.Tx) error {
			for _, c := range batch {
				b, err := json.Marshal(&c)
				if err != nil {
					return err
				}
				if err := tx.Put(fmt.Appendf(nil, "%s%020d", keyCompletions, c.QueryID), b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			l.log.Error("write statement completions", "count", len(batch), "err", err)
		}
		batch = batch[:0]
	}
	drain := func() {
		for {
			select {
			case c := <-l.completions:
				batch = append(batch, c)
			default:
				flush()
				return
			}
		}
	}
	for {
		select {
		case c := <-l.completions:
			batch = append(batch, c)
			drain()
		case ack := <-l.syncReq:
			drain()
			close(ack)
		case <-l.stop:
			drain()
			return
		}
	}
}

// Sync waits until every completion handed to Complete before it is in the store.
func (l *Logger) Sync() {
	ack := make(chan struct{})
	select {
	case l.syncReq <- ack:
		<-ack
	case <-l.done:
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
