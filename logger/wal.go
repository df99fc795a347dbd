package logger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/fakeshift/fakeshift/store"
)

// The write-ahead log of audit records, used when the store syncs every commit (--fsync):
// a group of records is durable once it is appended here and the file is fdatasync'ed, one
// sync of one preallocated file (about 150 µs on the benchmark VM, against 250–390 µs for a
// badger commit, which syncs two files). The records then go to the store behind the
// sessions' backs, in larger batches. A checkpoint, once the store has every record of the
// log, starts the log again with a new epoch; a restart replays into the store what the log
// holds of the current epoch.
//
// Layout: a 4 KiB header (magic, epoch, its CRC), then entries, each
// [u32 payload length][u32 CRC-32C of epoch and payload][payload], the payload being
// [u16 key length][key][value]. An entry of another epoch fails its CRC, so replay stops at
// the end of the current epoch's entries whatever older ones follow in the file.
const (
	walMagic      = "FSWAL001"
	walHeaderSize = 4096
	walFileSize   = 64 << 20 // preallocated: appends change no file metadata
	// walCheckpointAt is the fill at which the log is started again, once the store has
	// caught up with it.
	walCheckpointAt = walFileSize / 2
)

var walTable = crc32.MakeTable(crc32.Castagnoli)

// wal is one cluster's write-ahead log of audit records. Its methods are called by the
// logger's writer and, for checkpoints, by Reset; mu serialises them.
type wal struct {
	mu    sync.Mutex
	f     *os.File
	path  string
	epoch uint64
	off   int64
	buf   []byte
}

// walPath is the log file of a cluster under dir.
func walPath(dir, clusterID string) string { return filepath.Join(dir, "audit-"+clusterID+".wal") }

// openWAL opens (or makes) the log and returns the entries of its current epoch, which the
// caller must put in the store before calling checkpoint.
func openWAL(dir, clusterID string) (*wal, []pendingRecord, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("make audit log directory: %w", err)
	}
	path := walPath(dir, clusterID)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open audit write-ahead log: %w", err)
	}
	w := &wal{f: f, path: path, off: walHeaderSize}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("stat audit write-ahead log: %w", err)
	}
	if fi.Size() < walFileSize {
		if err := f.Truncate(walFileSize); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("preallocate audit write-ahead log: %w", err)
		}
	}
	var recs []pendingRecord
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
func (w *wal) replay() ([]pendingRecord, error) {
	var recs []pendingRecord
	var head [8]byte
	off := int64(walHeaderSize)
	for off+8 <= walFileSize {
		if _, err := w.f.ReadAt(head[:], off); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("read audit write-ahead log: %w", err)
		}
		n := int64(binary.LittleEndian.Uint32(head[:4]))
		if n < 2 || off+8+n > walFileSize {
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
		recs = append(recs, pendingRecord{key: payload[2 : 2+kl], val: payload[2+kl:]})
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

// full reports whether appending recs would overrun the file.
func (w *wal) full(recs []pendingRecord) bool {
	n := int64(0)
	for _, r := range recs {
		n += 8 + 2 + int64(len(r.key)+len(r.val))
	}
	return w.off+n > walFileSize
}

// append writes recs and makes them durable (one fdatasync).
func (w *wal) append(recs []pendingRecord) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.buf[:0]
	for _, r := range recs {
		start := len(b)
		b = append(b, make([]byte, 8)...)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(r.key)))
		b = append(append(b, r.key...), r.val...)
		payload := b[start+8:]
		binary.LittleEndian.PutUint32(b[start:], uint32(len(payload)))
		binary.LittleEndian.PutUint32(b[start+4:], w.sum(payload))
	}
	w.buf = b
	if _, err := w.f.WriteAt(b, w.off); err != nil {
		return fmt.Errorf("append to audit write-ahead log: %w", err)
	}
	if err := fdatasync(w.f); err != nil {
		return fmt.Errorf("sync audit write-ahead log: %w", err)
	}
	w.off += int64(len(b))
	return nil
}

// checkpoint starts the log again, empty, with a new epoch. The caller makes sure the
// store has (durably) every record appended so far.
func (w *wal) checkpoint() error {
	w.mu.Lock()
	defer w.mu.Unlock()
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
// that ended without a checkpoint (a crash), starts it again, and starts the behind
// goroutine.
func (l *Logger) openWAL(dir, clusterID string) error {
	w, recs, err := openWAL(dir, clusterID)
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		kvs := make([]store.KV, len(recs))
		for i, r := range recs {
			kvs[i] = store.KV{Key: r.key, Val: r.val}
		}
		if _, err := l.space.PutMany(kvs); err != nil {
			w.close()
			return fmt.Errorf("replay %d audit records of the write-ahead log: %w", len(recs), err)
		}
		l.log.Info("audit records replayed from the write-ahead log", "records", len(recs))
	}
	if err := w.checkpoint(); err != nil {
		w.close()
		return err
	}
	l.wal = w
	l.behindWake = make(chan struct{}, 1)
	l.behindReq = make(chan chan struct{})
	l.behindDone = make(chan struct{})
	go l.behindWriter()
	return nil
}

// commitToWAL is a group commit with the write-ahead log: recs are appended and synced,
// their waiters told, and kvs (recs first, then the completions) handed to the behind
// goroutine for the store. A full log is started again first, once the store has caught up.
func (l *Logger) commitToWAL(recs []pendingRecord, kvs []store.KV) {
	var err error
	if len(recs) > 0 {
		if l.wal.full(recs) || l.wal.off > walCheckpointAt {
			l.checkpointWAL()
		}
		err = l.wal.append(recs)
	}
	for _, r := range recs {
		if r.done != nil {
			r.done <- err
		}
	}
	if err != nil {
		l.log.Error("write audit records", "count", len(recs), "err", err)
		kvs = kvs[len(recs):] // the waiters were told; the completions still go
	}
	if len(kvs) == 0 {
		return
	}
	l.behindMu.Lock()
	l.behind = append(l.behind, kvs...)
	l.behindMu.Unlock()
	select {
	case l.behindWake <- struct{}{}:
	default:
	}
}

// checkpointWAL waits until the store has every record of the log, then starts the log
// again. A failure is logged: the log keeps its entries, which a restart replays again
// (putting a record twice writes the same value under the same key).
func (l *Logger) checkpointWAL() {
	if l.wal == nil {
		return
	}
	l.drainBehind()
	if err := l.wal.checkpoint(); err != nil {
		l.log.Error("checkpoint audit write-ahead log", "err", err)
	}
}

// behindWriter puts what the write-ahead log made durable in the store, in large batches:
// behindLinger after the first of them, or behindBatch of them, or when a reader or a
// checkpoint asks (drainBehind). Every store commit costs a sync of its own (the store syncs
// every commit): rare ones keep the disk free for the log's syncs, which sessions wait for.
func (l *Logger) behindWriter() {
	defer close(l.behindDone)
	var kvs []store.KV
	put := func() {
		l.behindMu.Lock()
		kvs, l.behind = l.behind, kvs[:0]
		l.behindMu.Unlock()
		if len(kvs) == 0 {
			return
		}
		if _, err := l.space.PutMany(kvs); err != nil {
			// The records are in the log: a restart replays them. Readers miss them until then.
			l.log.Error("write audit records behind the write-ahead log", "count", len(kvs), "err", err)
		}
		clear(kvs)
	}
	timer := time.NewTimer(behindLinger)
	timer.Stop()
	armed := false
	for {
		select {
		case <-l.behindWake:
			l.behindMu.Lock()
			n := len(l.behind)
			l.behindMu.Unlock()
			switch {
			case n >= behindBatch:
				timer.Stop()
				armed = false
				put()
			case !armed:
				timer.Reset(behindLinger)
				armed = true
			}
		case <-timer.C:
			armed = false
			put()
		case ack, ok := <-l.behindReq:
			timer.Stop()
			armed = false
			put()
			if !ok {
				return
			}
			close(ack)
		}
	}
}

// behindLinger and behindBatch bound how long and how much the behind goroutine gathers
// before a store commit.
const (
	behindLinger = 50 * time.Millisecond
	behindBatch  = 4096
)

// drainBehind returns once the behind goroutine has put in the store all it was handed.
func (l *Logger) drainBehind() {
	if l.wal == nil {
		return
	}
	ack := make(chan struct{})
	l.behindReq <- ack
	<-ack
}

// closeWAL drains the behind goroutine, stops it, starts the log again (the store has
// everything) and closes it.
func (l *Logger) closeWAL() {
	if l.wal == nil {
		return
	}
	l.drainBehind()
	close(l.behindReq)
	<-l.behindDone
	if err := l.wal.checkpoint(); err != nil {
		l.log.Error("checkpoint audit write-ahead log", "err", err)
	}
	if err := l.wal.close(); err != nil {
		l.log.Error("close audit write-ahead log", "err", err)
	}
}

// resetWAL starts the write-ahead log again after Reset removed the records: the store has
// (had) them all, since Reset synced first. It goes through the writer, which owns the log.
func (l *Logger) resetWAL() {
	if l.wal == nil {
		return
	}
	ack := make(chan struct{})
	select {
	case l.walReset <- ack:
		<-ack
	case <-l.done:
	}
}
