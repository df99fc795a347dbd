package objects

import (
	"crypto/md5"
	"errors"
	"fmt"
	"io"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/store"
)

// ErrDataGone is returned by the Contents of a GetObject when the object's data was
// removed while it was being read: the object was overwritten or deleted since GetObject
// returned. Use errors.Is.
var ErrDataGone = errors.New("objects: object data removed while being read")

// garbage is data no record refers to any more, with the marker (p/<marker>) that keeps
// track of it until its chunks are removed.
type garbage struct {
	marker string
	refs   []dataRef
}

// markGarbage records, in tx, that refs are to be removed: the transaction that stops
// referring to data marks it in the same commit, so that a crash before the chunks are
// removed does not leak them (New removes what is marked).
func markGarbage(tx *store.Tx, refs []dataRef) (garbage, error) {
	if len(refs) == 0 {
		return garbage{}, nil
	}
	g := garbage{marker: newID(), refs: refs}
	return g, tx.Put(markerKey(g.marker), encodeMarker(refs))
}

// reclaim removes the chunks of gs, then their markers, in transactions of deleteBatch
// keys. What it fails to remove stays marked: it is logged, and removed by the next New.
func (b *Backend) reclaim(gs ...garbage) {
	for _, g := range gs {
		if err := b.remove(g); err != nil {
			b.log.Warn("objects: could not remove unreferenced data; the next start removes it", logKeyErr, err)
		}
	}
}

func (b *Backend) remove(g garbage) error {
	if g.marker == "" {
		return nil
	}
	var keys [][]byte
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		err := b.space.Update(func(tx *store.Tx) error {
			for _, k := range keys {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		keys = keys[:0]
		return err
	}
	for _, r := range g.refs {
		for i := range r.Chunks {
			keys = append(keys, chunkKey(r.ID, i))
			if len(keys) == deleteBatch {
				if err := flush(); err != nil {
					return fmt.Errorf("remove data %s: %w", r.ID, err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("remove data of marker %s: %w", g.marker, err)
	}
	if err := b.space.Delete(markerKey(g.marker)); err != nil {
		return fmt.Errorf("remove marker %s: %w", g.marker, err)
	}
	return nil
}

// ingested is data read from an upload's body: all of it hashed, the first chunks written
// under a pending marker, the last batch of chunks (all of them for data up to a batch
// long) held for the commit to write with the record, in one transaction.
type ingested struct {
	seg     segment
	md5     [16]byte
	flushed int64    // chunks written; the pending marker p/<seg.ID> exists while > 0
	tail    [][]byte // the chunks from index flushed on, written by writeIn
}

// segs is the data as the segments of a record: none when empty.
func (d *ingested) segs() []segment {
	if d.seg.Size == 0 {
		return nil
	}
	return []segment{d.seg}
}

// writeIn writes, in the commit's transaction, the chunks held back and clears the pending
// marker: the data becomes referenced by the record the commit writes beside.
func (d *ingested) writeIn(tx *store.Tx) error {
	for i, c := range d.tail {
		if err := tx.Put(chunkKey(d.seg.ID, d.flushed+int64(i)), c); err != nil {
			return err
		}
	}
	if d.flushed > 0 {
		return tx.Delete(markerKey(d.seg.ID))
	}
	return nil
}

// discard removes what ingest wrote, when the commit did not happen.
func (b *Backend) discard(d *ingested) {
	if d != nil && d.flushed > 0 {
		b.reclaim(garbage{marker: d.seg.ID, refs: []dataRef{{ID: d.seg.ID, Chunks: d.flushed}}})
	}
}

// ingest reads r to its end, hashing it and storing it in chunks. size is the length the
// data must have (gofakes3.ErrIncompleteBody otherwise, shorter or longer), or negative when
// unknown. An error of r comes back as is, even one returned at the end of the data (a bad
// signature or checksum). On any error nothing stays stored.
func (b *Backend) ingest(r io.Reader, size int64) (_ *ingested, err error) {
	d := &ingested{seg: segment{ID: newID(), Chunk: b.chunk}}
	defer func() {
		if err != nil {
			b.discard(d)
		}
	}()
	capacity := int64(b.perTxn) * b.chunk
	if size >= 0 && size < capacity {
		capacity = size
	}
	buf := make([]byte, capacity)
	// gofakes3 hands PutObject and UploadPart its own hashingReader, which computes the
	// MD5 of what it returns (for the ETag of its response): take that sum rather than
	// hash every byte a second time.
	summer, hashed := r.(interface{ Sum([]byte) []byte })
	h := md5.New()
	if hashed {
		h = nil
	}
	var total int64
	for eof := false; !eof; {
		var batch [][]byte
		used := int64(0)
		for len(batch) < b.perTxn && !eof {
			want := b.chunk
			if size >= 0 {
				want = min(want, size-total)
			}
			if want == 0 {
				break
			}
			c := buf[used : used+want]
			n, err := readFull(r, c)
			if h != nil {
				h.Write(c[:n])
			}
			total += int64(n)
			used += int64(n)
			if n > 0 {
				batch = append(batch, c[:n])
			}
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return nil, err
			}
		}
		if !eof && size >= 0 && total == size {
			// All the announced bytes are in: the body must end here. Reading on also
			// lets a checking reader report its verdict.
			if err := expectEOF(r); err != nil {
				return nil, err
			}
			eof = true
		}
		if eof {
			d.tail = batch
			break
		}
		if err := b.flush(d, batch); err != nil {
			return nil, err
		}
	}
	if size >= 0 && total != size {
		return nil, gofakes3.ErrIncompleteBody
	}
	d.seg.Size = total
	if h != nil {
		h.Sum(d.md5[:0])
	} else if sum := summer.Sum(nil); len(sum) == md5.Size {
		copy(d.md5[:], sum)
	} else {
		return nil, fmt.Errorf("ingest: the reader's sum has %d bytes, not an MD5's %d", len(sum), md5.Size)
	}
	return d, nil
}

// flush writes a batch of chunks and moves the pending marker on, in one transaction.
func (b *Backend) flush(d *ingested, batch [][]byte) error {
	err := b.space.Update(func(tx *store.Tx) error {
		for i, c := range batch {
			if err := tx.Put(chunkKey(d.seg.ID, d.flushed+int64(i)), c); err != nil {
				return err
			}
		}
		return tx.Put(markerKey(d.seg.ID), encodeMarker([]dataRef{{ID: d.seg.ID, Chunks: d.flushed + int64(len(batch))}}))
	})
	if err != nil {
		return fmt.Errorf("write object data: %w", err)
	}
	d.flushed += int64(len(batch))
	return nil
}

// readFull is io.ReadFull without its loss of errors: an error returned with the last
// bytes asked for is returned, not dropped; io.EOF means the data ended.
func readFull(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// expectEOF reads r to its end: gofakes3.ErrIncompleteBody if anything was left, an error
// of r as is.
func expectEOF(r io.Reader) error {
	buf := make([]byte, 512) // the body should be over: one read says so
	extra := false
	for {
		n, err := r.Read(buf)
		if n > 0 {
			extra = true
		}
		if err == io.EOF {
			if extra {
				return gofakes3.ErrIncompleteBody
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// reader streams bytes of an object's segments, one chunk read at a time, each in its own
// transaction: a reader holds no transaction open, and fails with ErrDataGone if the data
// goes meanwhile.
type reader struct {
	space  *store.Space
	segs   []segment
	seg    int   // segment of the next chunk to load
	off    int64 // offset in segs[seg] of the next chunk's bytes to load
	remain int64 // bytes left to return
	buf    []byte
}

// newReader reads length bytes of segs from offset start.
func (b *Backend) newReader(segs []segment, start, length int64) *reader {
	r := &reader{space: b.space, segs: segs, remain: length}
	for r.seg < len(segs) && start >= segs[r.seg].Size {
		start -= segs[r.seg].Size
		r.seg++
	}
	r.off = start
	return r
}

func (r *reader) Read(p []byte) (int, error) {
	if r.remain <= 0 {
		return 0, io.EOF
	}
	if len(r.buf) == 0 {
		if err := r.load(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf[:min(int64(len(r.buf)), r.remain)])
	r.buf = r.buf[n:]
	r.remain -= int64(n)
	return n, nil
}

// load reads the chunk holding the next bytes.
func (r *reader) load() error {
	for r.seg < len(r.segs) && r.off >= r.segs[r.seg].Size {
		r.off = 0
		r.seg++
	}
	if r.seg >= len(r.segs) {
		return fmt.Errorf("read object data: %d bytes missing at the end: %w", r.remain, errCorrupt)
	}
	s := r.segs[r.seg]
	idx := r.off / s.Chunk
	val, err := r.space.Get(chunkKey(s.ID, idx))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("read chunk %d of data %s: %w", idx, s.ID, ErrDataGone)
	}
	if err != nil {
		return fmt.Errorf("read chunk %d of data %s: %w", idx, s.ID, err)
	}
	if want := min(s.Chunk, s.Size-idx*s.Chunk); int64(len(val)) != want {
		return fmt.Errorf("read chunk %d of data %s: %d bytes, want %d: %w", idx, s.ID, len(val), want, errCorrupt)
	}
	r.buf = val[r.off-idx*s.Chunk:]
	r.off = (idx + 1) * s.Chunk
	return nil
}

func (r *reader) Close() error {
	r.buf, r.remain = nil, 0
	return nil
}

// sweep removes what a crash left: the chunks of every marker (writes that did not commit,
// data an overwrite, delete or abort had not finished removing), and the part records of
// uploads that are gone (a completion stopped before removing them all; their data belongs
// to the completed object).
func (b *Backend) sweep() error {
	var trash []garbage
	err := b.space.Scan([]byte(famMarker), func(k, v []byte) error {
		refs, err := decodeMarker(v)
		if err != nil {
			return fmt.Errorf("marker %q: %w", k, err)
		}
		trash = append(trash, garbage{marker: string(k[len(famMarker):]), refs: refs})
		return nil
	})
	if err != nil {
		return fmt.Errorf("find markers: %w", err)
	}
	var chunks int64
	for _, g := range trash {
		if err := b.remove(g); err != nil {
			return err
		}
		for _, r := range g.refs {
			chunks += r.Chunks
		}
	}

	var orphans [][]byte
	err = b.space.View(func(tx *store.Tx) error {
		live := map[string]bool{}
		return tx.Scan([]byte(famPart), func(k, _ []byte) error {
			if len(k) < len(famPart)+5 {
				return fmt.Errorf("malformed part key %q", k)
			}
			upload := famUpload + string(k[len(famPart):len(k)-5])
			alive, seen := live[upload]
			if !seen {
				_, err := tx.Get([]byte(upload))
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				alive = err == nil
				live[upload] = alive
			}
			if !alive {
				orphans = append(orphans, append([]byte(nil), k...))
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("find orphan parts: %w", err)
	}
	if err := deleteKeys(b.space, orphans); err != nil {
		return fmt.Errorf("remove orphan parts: %w", err)
	}
	if len(trash) > 0 || len(orphans) > 0 {
		b.log.Info("objects: removed what an interrupted run left", logKeyMarkers, len(trash), logKeyChunks, chunks, logKeyParts, len(orphans))
	}
	return nil
}

// deleteKeys deletes keys in transactions of deleteBatch.
func deleteKeys(s *store.Space, keys [][]byte) error {
	for len(keys) > 0 {
		n := min(len(keys), deleteBatch)
		err := s.Update(func(tx *store.Tx) error {
			for _, k := range keys[:n] {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}
