// Package store owns fakeshift's one badger database. Each owner (a cluster's catalog, the
// audit logger, s3fake, CloudTrail) works in its own key space, so owners cannot read or
// clobber each other's keys. In memory by default; on disk, durable across restarts, when a
// directory is given.
//
// Package store imports no other package of fakeshift.
package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// ErrNotFound is returned by Get when a key is absent. Use errors.Is.
var ErrNotFound = errors.New("store: key not found")

// Options configure Open. The zero value is an in-memory store without fsync.
type Options struct {
	// Dir is the directory of the database; empty means in memory.
	Dir string
	// Sync makes every commit wait for fsync. Without it a killed process loses nothing that
	// was committed (the OS holds it); with it, power loss loses nothing either.
	Sync bool
	// Logger receives badger's own warnings and errors; nil means slog.Default().
	Logger *slog.Logger
}

// DB is the database. It is safe for concurrent use.
type DB struct {
	bdb     *badger.DB
	sync    bool // every commit waits for fsync (Options.Sync on disk)
	durable bool // on disk
}

// Open opens (or creates) the database.
func Open(opts Options) (*DB, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	bo := badger.DefaultOptions(opts.Dir).
		WithLogger(badgerLogger{logger.With("subsystem", "store")}).
		WithSyncWrites(opts.Sync).
		WithNumCompactors(2).
		WithNumGoroutines(4)
	if opts.Dir == "" {
		bo = bo.WithInMemory(true).WithMemTableSize(16 << 20).WithCompression(options.None)
	} else {
		bo = bo.WithMemTableSize(16 << 20).WithValueLogFileSize(64 << 20)
	}
	bdb, err := badger.Open(bo)
	if err != nil {
		where := opts.Dir
		if where == "" {
			where = "memory"
		}
		return nil, fmt.Errorf("open badger store in %s: %w", where, err)
	}
	return &DB{bdb: bdb, sync: opts.Sync && opts.Dir != "", durable: opts.Dir != ""}, nil
}

// Close flushes and closes the database.
func (db *DB) Close() error {
	if err := db.bdb.Close(); err != nil {
		return fmt.Errorf("close badger store: %w", err)
	}
	return nil
}

// Space returns the key space of one owner. Owner names are path-like ("cluster/fakeshift",
// "s3", "logger/fakeshift") and must not be empty.
func (db *DB) Space(owner string) *Space {
	if owner == "" || strings.HasSuffix(owner, "/") {
		panic(fmt.Sprintf("store: invalid owner %q", owner))
	}
	return &Space{db: db, prefix: []byte(owner + "\x00")}
}

// Space is one owner's key space. Keys passed to its methods are relative to the space.
type Space struct {
	db     *DB
	prefix []byte
}

func (s *Space) key(k []byte) []byte {
	out := make([]byte, 0, len(s.prefix)+len(k))
	return append(append(out, s.prefix...), k...)
}

// Get returns a copy of the value stored under key, or ErrNotFound.
func (s *Space) Get(key []byte) ([]byte, error) {
	var val []byte
	err := s.View(func(tx *Tx) error {
		var err error
		val, err = tx.Get(key)
		return err
	})
	return val, err
}

// Put stores val under key in its own transaction.
func (s *Space) Put(key, val []byte) error {
	return s.Update(func(tx *Tx) error { return tx.Put(key, val) })
}

// Delete removes key; deleting an absent key is not an error.
func (s *Space) Delete(key []byte) error {
	return s.Update(func(tx *Tx) error { return tx.Delete(key) })
}

// Scan calls fn for every key under prefix, in key order, until fn returns an error.
func (s *Space) Scan(prefix []byte, fn func(key, val []byte) error) error {
	return s.View(func(tx *Tx) error { return tx.Scan(prefix, fn) })
}

// View runs fn in a read-only transaction.
func (s *Space) View(fn func(tx *Tx) error) error {
	return s.db.bdb.View(func(txn *badger.Txn) error { return fn(&Tx{space: s, txn: txn}) })
}

// Update runs fn in a read-write transaction and commits it when fn returns nil. A conflict
// with a concurrent transaction is retried a few times.
func (s *Space) Update(fn func(tx *Tx) error) error {
	var err error
	for range 5 {
		err = s.db.bdb.Update(func(txn *badger.Txn) error { return fn(&Tx{space: s, txn: txn}) })
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("store update in %q: %w", bytes.TrimSuffix(s.prefix, []byte{0}), err)
}

// Tx is a transaction within one space.
type Tx struct {
	space *Space
	txn   *badger.Txn
}

// Get returns a copy of the value under key, or ErrNotFound.
func (tx *Tx) Get(key []byte) ([]byte, error) {
	item, err := tx.txn.Get(tx.space.key(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store get %q: %w", key, err)
	}
	val, err := item.ValueCopy(nil)
	if err != nil {
		return nil, fmt.Errorf("store read %q: %w", key, err)
	}
	return val, nil
}

// Put stores val under key.
func (tx *Tx) Put(key, val []byte) error {
	if err := tx.txn.Set(tx.space.key(key), val); err != nil {
		return fmt.Errorf("store put %q: %w", key, err)
	}
	return nil
}

// Delete removes key.
func (tx *Tx) Delete(key []byte) error {
	if err := tx.txn.Delete(tx.space.key(key)); err != nil {
		return fmt.Errorf("store delete %q: %w", key, err)
	}
	return nil
}

// Scan calls fn for every key under prefix, in key order. The key and value passed to fn are
// valid only during the call.
func (tx *Tx) Scan(prefix []byte, fn func(key, val []byte) error) error {
	return tx.ScanFrom(prefix, nil, fn)
}

// badgerLogger sends badger's messages to slog; its chatty Info and Debug go to Debug.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Infof(f string, a ...any)    { b.debugf(f, a...) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.debugf(f, a...) }

// debugf formats only when debug logging is on: badger calls Debugf several times per commit.
func (b badgerLogger) debugf(f string, a ...any) {
	if b.l.Enabled(context.Background(), slog.LevelDebug) {
		b.l.Debug(strings.TrimSpace(fmt.Sprintf(f, a...)))
	}
}
