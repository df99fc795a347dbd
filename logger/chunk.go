package logger

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/fakeshift/fakeshift/store"
)

// Records and completions are stored in chunks: the writer puts each batch's records of one
// log type as one store entry, and its completions as another, since a store entry costs
// about as much to put, to flush and to compact as a few kilobytes of value (badger's skiplist
// and tables work per key). A record chunk's key is the record key of its last record,
// recs/<log type>/<seq> (once Prune wrote a chunk again without some of its records, an upper
// bound of those it keeps), so the chunks of a log type sort in sequence order, their ranges
// do not overlap, and the first chunk at or after a record key is the one that holds that
// record, if any does. A completion chunk's key is comps/<n>, n from a counter of its own: no
// two chunks share one, whatever completions they hold. An entry of a chunk is its id (the
// record's sequence number or the completion's query id) and its value, each
// length-prefixed.
//
// chunkMax is the size at which a chunk is closed and the next begun: a batch of large
// records (long queries) is several entries, none larger than a store entry can be but for
// a single record that is larger by itself.
const chunkMax = 1 << 20

// errBadChunk is a chunk that does not decode: the store is damaged.
var errBadChunk = errors.New("malformed chunk of audit records")

func appendChunkEntry(b []byte, id int64, val []byte) []byte {
	b = binary.AppendUvarint(b, uint64(id))
	b = binary.AppendUvarint(b, uint64(len(val)))
	return append(b, val...)
}

// eachInChunk calls fn for each entry of a chunk, in order, until fn returns an error. val is
// valid only during the call.
func eachInChunk(chunk []byte, fn func(id int64, val []byte) error) error {
	for len(chunk) > 0 {
		id, n := binary.Uvarint(chunk)
		if n <= 0 {
			return errBadChunk
		}
		chunk = chunk[n:]
		size, n := binary.Uvarint(chunk)
		if n <= 0 || size > uint64(len(chunk)-n) {
			return errBadChunk
		}
		val := chunk[n : n+int(size)]
		chunk = chunk[n+int(size):]
		if err := fn(int64(id), val); err != nil {
			return err
		}
	}
	return nil
}

// chunker cuts entries of one kind into chunks of at most chunkMax bytes (one entry at
// least each) and appends them to kvs with key(last id) for keys.
type chunker struct {
	key  func(lastID int64) []byte
	buf  []byte
	last int64
	kvs  *[]store.KV
}

func (c *chunker) add(id int64, val []byte) {
	if len(c.buf) > 0 && len(c.buf)+len(val)+20 > chunkMax {
		c.flush()
	}
	c.buf = appendChunkEntry(c.buf, id, val)
	c.last = max(c.last, id)
}

// flush closes the chunk being built, if any.
func (c *chunker) flush() {
	if len(c.buf) == 0 {
		return
	}
	*c.kvs = append(*c.kvs, store.KV{Key: c.key(c.last), Val: c.buf})
	c.buf, c.last = nil, 0
}

// queued is a record waiting in the writer's queue.
type queued struct {
	logType string
	seq     int64
	val     []byte
}

// chunkRecords appends to kvs the chunks of recs (in sequence order), one per log type while
// they fit, and returns kvs. The chunks of one log type are in order; each log type is read
// (and delivered) on its own.
func chunkRecords(kvs []store.KV, recs []queued) []store.KV {
	var byType [3]chunker
	for i, t := range LogTypes {
		byType[i] = chunker{key: func(last int64) []byte { return recordKey(t, last) }, kvs: &kvs}
	}
	for _, r := range recs {
		byType[logTypeIndex(r.logType)].add(r.seq, r.val)
	}
	for i := range byType {
		byType[i].flush()
	}
	return kvs
}

// logTypeIndex is a log type's index in LogTypes.
func logTypeIndex(logType string) int {
	switch logType {
	case ConnectionLog:
		return 0
	case UserLog:
		return 1
	default:
		return 2
	}
}

// parseEntryKey splits a record's key in the write-ahead log (entryKey) into its log type
// and sequence number.
func parseEntryKey(key []byte) (string, int64, error) { return parseTypedKey(legacyRecords, key) }

// parseTypedKey splits a key <prefix><log type>/<seq> into its log type and sequence number.
func parseTypedKey(prefix string, key []byte) (string, int64, error) {
	if len(key) < len(prefix)+2+20 || string(key[:len(prefix)]) != prefix || key[len(key)-21] != '/' {
		return "", 0, fmt.Errorf("record key %q: not %s<log type>/<seq>", key, prefix)
	}
	seq, err := keyNumber(key)
	if err != nil {
		return "", 0, err
	}
	logType := string(key[len(prefix) : len(key)-21])
	for _, t := range LogTypes {
		if t == logType {
			return t, seq, nil
		}
	}
	return "", 0, fmt.Errorf("record key %q: unknown log type", key)
}
