package logger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fakeshift/fakeshift/store"
)

// The write-ahead log of audit records, used when the store is on disk. A session appends
// its record here (one write to a file, kept by the operating system when the process is
// killed) before it queues the record for the store's batches, and with --fsync it waits
// until a sync of the log covers the record: one fdatasync of one file sized ahead (about
// 150 µs on the benchmark VM, against 250–390 µs for a badger commit, which syncs two
// files), shared by every session whose record was appended before the sync began. A
// checkpoint, once the store has every record of the log, starts the log again with a new
// epoch; a restart replays into the store what the log holds of the current epoch.
//
// Layout: a 4 KiB header (magic, epoch, its CRC), then entries, each
// [u32 payload length][u32 CRC-32C of epoch and payload][payload], the payload being
// [u16 key length][key][value]. An entry of another epoch fails its CRC, so replay stops at
// the end of the current epoch's entries whatever older ones follow in the file.
const (
	walMagic      = "FSWAL001"
	walHeaderSize = 4096
	walFileSize   = 64 << 20
	// walCheckpointAt is the fill at which the log is started again, once the store has
	// caught up with it.
	walCheckpointAt = walFileSize / 2
	// groupDelay bounds how long the leader of a sync waits for its group (see gather).
	groupDelay = 400 * time.Microsecond
)

var walTable = crc32.MakeTable(crc32.Castagnoli)

// wal is one cluster's write-ahead log of audit records. Appends and checkpoints hold mu.
// Positions (pos) count the bytes appended since the log was opened, across checkpoints,
// so that a session can wait for its record whatever checkpoint came in between.
type wal struct {
	mu    sync.Mutex
	f     *os.File
	path  string
	epoch uint64
	off   int64  // where the next entry goes in the file
	size  int64  // of the file: walFileSize, or more for a record that needs more
	buf   []byte // an entry being encoded
	// syncs: every append is to be synced before its writer goes on (--fsync).
	syncs bool
	// appended is the position after the last completed append. It is written under mu and
	// read, by syncs, without it.
	appended atomic.Int64

	smu      sync.Mutex
	synced   int64        // every append up to here is durable
	syncing  bool         // a sync is under way (or gathering its group)
	syncDone *sync.Cond   // on smu: a sync ended
	syncN    atomic.Int64 // syncs made (for tests and benchmarks)

	// Gathering a group (see gather): records counts the appends; a sync began when records
	// was lastStart, and covered expect records.
	records   atomic.Int64
	lastStart atomic.Int64
	expect    atomic.Int64
	gathered  chan struct{} // capacity 1: the group the leader waits for is complete
	gatherT   *time.Timer   // the leader's
}

// walPath is the log file of a cluster under dir.
func walPath(dir, clusterID string) string { return filepath.Join(dir, "audit-"+clusterID+".wal") }

// openWAL opens (or makes) the log and returns the entries of its current epoch, which the
// caller must put in the store before calling checkpoint.
func openWAL(dir, clusterID string) (*wal, []store.KV, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("make audit log directory: %w", err)
	}
	path := walPath(dir, clusterID)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open audit write-ahead log: %w", err)
	}
	w := &wal{f: f, path: path, off: walHeaderSize}
	w.syncDone = sync.NewCond(&w.smu)
	w.gathered = make(chan struct{}, 1)
	w.gatherT = time.NewTimer(groupDelay)
	w.gatherT.Stop()
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("stat audit write-ahead log: %w", err)
	}
	w.size = fi.Size()
	if w.size < walFileSize {
		if err := w.grow(walFileSize); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	var recs []store.KV
	if epoch, ok := w.readHeader(); ok {
		w.epoch = epoch
		recs, err = w.replay()
		if err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return w, recs, nil
}

func (w *wal) readHeader() (uint64, bool) {
	var h [20]byte
	if _, err := w.f.ReadAt(h[:], 0); err != nil {
		return 0, false
	}
	if string(h[:8]) != walMagic || crc32.Checksum(h[:16], walTable) != binary.LittleEndian.Uint32(h[16:]) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(h[8:16]), true
}

// replay reads the entries of the current epoch.
func (w *wal) replay() ([]store.KV, error) {
	var recs []store.KV
	var head [8]byte
	off := int64(walHeaderSize)
	for off+8 <= w.size {
		if _, err := w.f.ReadAt(head[:], off); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("read audit write-ahead log: %w", err)
		}
		n := int64(binary.LittleEndian.Uint32(head[:4]))
		if n < 2 || off+8+n > w.size {
			break
		}
		payload := make([]byte, n)
		if _, err := w.f.ReadAt(payload, off+8); err != nil {
			return nil, fmt.Errorf("read audit write-ahead log: %w", err)
		}
		if w.sum(payload) != binary.LittleEndian.Uint32(head[4:]) {
			break // the end of this epoch's entries (or a torn last write)
		}
		kl := int(binary.LittleEndian.Uint16(payload))
		if 2+kl > len(payload) {
			break
		}
		recs = append(recs, store.KV{Key: payload[2 : 2+kl], Val: payload[2+kl:]})
		off += 8 + n
	}
	w.off = off
	return recs, nil
}

func (w *wal) sum(payload []byte) uint32 {
	var e [8]byte
	binary.LittleEndian.PutUint64(e[:], w.epoch)
	return crc32.Update(crc32.Checksum(e[:], walTable), walTable, payload)
}

// full reports whether the log is to be started again before entries: it is past
// walCheckpointAt, or they would overrun the file.
func (w *wal) full(entries []store.KV) bool {
	return w.off > walCheckpointAt || w.off+entriesSize(entries) > w.size
}

// entriesSize is how many bytes entries take in the log.
func entriesSize(entries []store.KV) int64 {
	n := 0
	for _, e := range entries {
		n += 8 + 2 + len(e.Key) + len(e.Val)
	}
	return int64(n)
}

// grow makes the file size bytes long. The file is sparse: the blocks are allocated as
// entries are first written, and stay allocated for the epochs that follow.
func (w *wal) grow(size int64) error {
	if err := w.f.Truncate(size); err != nil {
		return fmt.Errorf("size audit write-ahead log: %w", err)
	}
	w.size = size
	return nil
}

// write appends entries, in one write, and returns the position after them. mu is held.
func (w *wal) write(entries []store.KV) (int64, error) {
	b := w.buf[:0]
	for _, e := range entries {
		start := len(b)
		b = binary.LittleEndian.AppendUint32(b, uint32(2+len(e.Key)+len(e.Val)))
		b = append(b, 0, 0, 0, 0) // the CRC, below
		b = binary.LittleEndian.AppendUint16(b, uint16(len(e.Key)))
		b = append(append(b, e.Key...), e.Val...)
		binary.LittleEndian.PutUint32(b[start+4:], w.sum(b[start+8:]))
	}
	w.buf = b
	if end := w.off + int64(len(b)); end > w.size { // a record larger than the log (a long query)
		if err := w.grow((end + 1<<20 - 1) &^ (1<<20 - 1)); err != nil {
			return 0, err
		}
	}
	if _, err := w.f.WriteAt(b, w.off); err != nil {
		return 0, fmt.Errorf("append to audit write-ahead log: %w", err)
	}
	w.off += int64(len(b))
	pos := w.appended.Load() + int64(len(b))
	w.appended.Store(pos)
	if e, n := w.expect.Load(), w.records.Add(1); e > 1 && n-w.lastStart.Load() == e {
		signal(w.gathered)
	}
	return pos, nil
}

// waitSynced returns once the log is durable up to pos. When a sync is under way it waits
// for its end; when the log is still not durable up to pos then, one of the waiters leads the
// next sync: it gathers its group, then syncs the log (every append made so far, its own and
// those of the sessions that wait for it).
func (w *wal) waitSynced(pos int64) error {
	w.smu.Lock()
	defer w.smu.Unlock()
	for w.synced < pos {
		if w.syncing {
			w.syncDone.Wait()
			continue
		}
		w.syncing = true
		w.smu.Unlock()
		w.gather()
		target := w.appended.Load() // at least pos: that append completed
		n := w.records.Load()
		w.expect.Store(n - w.lastStart.Load())
		w.lastStart.Store(n)
		err := fdatasync(w.f)
		w.syncN.Add(1)
		w.smu.Lock()
		w.syncing = false
		w.syncDone.Broadcast()
		if err != nil {
			return fmt.Errorf("sync audit write-ahead log: %w", err) // the waiters try their own
		}
		w.synced = max(w.synced, target)
	}
	return nil
}

// gather waits, before a sync, until as many records were appended since the last sync began
// as that sync covered, or groupDelay at most. The sessions of one group come back at about
// the same time, one statement later, and the records that came while a sync was under way
// are waiting for the next: without the wait, the first session back would be synced with
// only those, the others would queue behind its sync and make another group, and every
// statement would pay for more syncs, each of which costs CPU as well as time (about 60 µs
// of it on the benchmark VM). One session alone (groups of one) never waits; when fewer come
// back, the wait ends at groupDelay and the next sync expects fewer.
func (w *wal) gather() {
	e := w.expect.Load()
	complete := func() bool { return e <= 1 || w.records.Load()-w.lastStart.Load() >= e }
	if complete() {
		return
	}
	select {
	case <-w.gathered: // a signal left from an earlier group
	default:
	}
	if complete() {
		return
	}
	w.gatherT.Reset(groupDelay)
	select {
	case <-w.gathered:
	case <-w.gatherT.C:
	}
	w.gatherT.Stop()
}

// markSynced records that the log is durable up to everything appended (a checkpoint
// synced it). mu is held.
func (w *wal) markSynced() {
	w.smu.Lock()
	w.synced = max(w.synced, w.appended.Load())
	w.syncDone.Broadcast()
	w.smu.Unlock()
}

// checkpoint starts the log again, empty, with a new epoch, and syncs it. The caller holds
// mu (or has the log to itself) and makes sure the store has (durably, with --fsync) every
// record appended so far.
func (w *wal) checkpoint() error {
	var h [20]byte
	copy(h[:8], walMagic)
	binary.LittleEndian.PutUint64(h[8:16], w.epoch+1)
	binary.LittleEndian.PutUint32(h[16:], crc32.Checksum(h[:16], walTable))
	if _, err := w.f.WriteAt(h[:], 0); err != nil {
		return fmt.Errorf("start audit write-ahead log again: %w", err)
	}
	if err := fdatasync(w.f); err != nil {
		return fmt.Errorf("sync audit write-ahead log: %w", err)
	}
	w.epoch++
	w.off = walHeaderSize
	w.markSynced() // the sync was of everything appended, too
	return nil
}

func (w *wal) close() error { return w.f.Close() }

func fdatasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// openWAL opens the cluster's write-ahead log, puts in the store what it holds of a run
// that ended without a checkpoint (a crash), and starts it again.
func (l *Logger) openWAL(dir, clusterID string, syncs bool) error {
	w, recs, err := openWAL(dir, clusterID)
	if err != nil {
		return err
	}
	w.syncs = syncs
	if len(recs) > 0 {
		n, err := l.replay(recs)
		if err != nil {
			w.close()
			return fmt.Errorf("replay %d audit records of the write-ahead log: %w", len(recs), err)
		}
		l.log.Info("audit records replayed from the write-ahead log", "records", n, "in_store_already", len(recs)-n)
	}
	if err := w.checkpoint(); err != nil {
		w.close()
		return err
	}
	l.wal = w
	return nil
}

// replay puts in the store the records of the write-ahead log that it does not have yet (the
// writer put those of its batches that it finished), in chunks, and the completions the log
// holds, and returns how many records. A completion the store had already is stored twice:
// both say the same, and readers and Prune take either.
func (l *Logger) replay(entries []store.KV) (int, error) {
	todo, kvs, err := l.chunkEntries(entries)
	if err != nil {
		return 0, err
	}
	var from [3]int64 // per log type, the first sequence number in the log
	for _, q := range todo {
		if i := logTypeIndex(q.logType); from[i] == 0 {
			from[i] = q.seq
		}
	}
	stored := map[int64]bool{}
	for i, logType := range LogTypes {
		if from[i] == 0 {
			continue
		}
		err := l.space.View(func(tx *store.Tx) error {
			return tx.ScanFrom([]byte(keyRecords+logType+"/"), recordKey(logType, from[i]), func(_, chunk []byte) error {
				return eachInChunk(chunk, func(seq int64, _ []byte) error {
					stored[seq] = true
					return nil
				})
			})
		})
		if err != nil {
			return 0, fmt.Errorf("read stored %s records: %w", logType, err)
		}
	}
	todo = slices.DeleteFunc(todo, func(q queued) bool { return stored[q.seq] })
	if _, err := l.space.PutMany(chunkRecords(kvs, todo)); err != nil {
		return 0, err
	}
	return len(todo), nil
}

// checkpointLocked has the writer put every queued record in the store, then starts the
// log again. The caller holds the log's lock, so no record is appended meanwhile. When a
// batch could not be written, the log keeps its entries for a restart to replay, and the
// checkpoint fails.
func (l *Logger) checkpointLocked() error {
	l.Sync()
	if l.storeFailed.Load() {
		return errors.New("audit records could not be written to the store; the write-ahead log keeps them until a restart")
	}
	return l.wal.checkpoint()
}

// closeWAL starts the log again (the writer has stopped, having written everything) and
// closes it. The log's lock is held.
func (l *Logger) closeWAL() {
	if l.wal == nil {
		return
	}
	if err := l.checkpointLocked(); err != nil {
		l.log.Error("checkpoint audit write-ahead log", "err", err)
	}
	if err := l.wal.close(); err != nil {
		l.log.Error("close audit write-ahead log", "err", err)
	}
}

// resetWAL starts the write-ahead log again after Reset removed the records: a restart must
// not replay them.
func (l *Logger) resetWAL() {
	if l.wal == nil {
		return
	}
	l.wal.mu.Lock()
	defer l.wal.mu.Unlock()
	if err := l.checkpointLocked(); err != nil {
		l.log.Error("checkpoint audit write-ahead log", "err", err)
	}
}
