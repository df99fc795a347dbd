package objects

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// Key layout of the space (see the package doc). Every key starts with a one-letter family
// and a slash; names are separated by NUL, which a bucket name cannot hold.
const (
	famBucket  = "b/" // b/<bucket>                             bucket record
	famObject  = "o/" // o/<bucket>\x00<key>                     object record
	famData    = "d/" // d/<data id>/<chunk index, 8 bytes BE>  one chunk of data
	famMarker  = "p/" // p/<marker id>                          data to remove (pending or garbage)
	famUpload  = "u/" // u/<bucket>\x00<key>\x00<upload id>     multipart upload record
	famPart    = "m/" // m/<bucket>\x00<key>\x00<upload id>\x00<part number, 4 bytes BE>
	famVersion = "v/" // v/<bucket>\x00<key>\x00<^sequence, 8 bytes BE>  noncurrent version
	counterKey = "n/upload"
	// versionCounterKey is the counter of version sequence numbers.
	versionCounterKey = "n/version"
)

// uploadIDLen is the length of an upload id: a zero-padded decimal counter, so that the
// uploads of a key sort in the order they were created.
const uploadIDLen = 20

func bucketKey(bucket string) []byte { return []byte(famBucket + bucket) }

func objectPrefix(bucket string) []byte { return []byte(famObject + bucket + "\x00") }

func objectKey(bucket, key string) []byte { return []byte(famObject + bucket + "\x00" + key) }

func chunkPrefix(dataID string) []byte { return []byte(famData + dataID + "/") }

func chunkKey(dataID string, index int64) []byte {
	return binary.BigEndian.AppendUint64(chunkPrefix(dataID), uint64(index))
}

func markerKey(id string) []byte { return []byte(famMarker + id) }

func uploadPrefix(bucket string) []byte { return []byte(famUpload + bucket + "\x00") }

func uploadKey(bucket, key string, id gofakes3.UploadID) []byte {
	return []byte(famUpload + bucket + "\x00" + key + "\x00" + string(id))
}

// bucketVersionsPrefix is the prefix of every noncurrent version of a bucket.
func bucketVersionsPrefix(bucket string) []byte { return []byte(famVersion + bucket + "\x00") }

// versionPrefix is the prefix of the noncurrent versions of one key (and of longer keys that
// start with it and NUL: isVersion tells them apart).
func versionPrefix(bucket, key string) []byte {
	return []byte(famVersion + bucket + "\x00" + key + "\x00")
}

// versionKey is the key of a noncurrent version: the sequence number inverted, so that the
// versions of a key list newest first.
func versionKey(bucket, key string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(versionPrefix(bucket, key), ^seq)
}

// isVersion reports whether k, found under a key's version prefix, is one of its versions.
func isVersion(prefix, k []byte) bool { return len(k) == len(prefix)+8 }

// partPrefix is the prefix of the part records of one upload.
func partPrefix(bucket, key string, id gofakes3.UploadID) []byte {
	return []byte(famPart + bucket + "\x00" + key + "\x00" + string(id) + "\x00")
}

func partKey(bucket, key string, id gofakes3.UploadID, part int) []byte {
	return binary.BigEndian.AppendUint32(partPrefix(bucket, key, id), uint32(part))
}

// isPart reports whether k, found under an upload's part prefix, is one of its parts, not a
// part of an upload of a longer key (one holding NUL and what looks like an upload id).
func isPart(prefix, k []byte) bool { return len(k) == len(prefix)+4 }

// parseUploadKey splits the part of an upload key after u/<bucket>\x00 into the object key
// and the upload id (fixed length, at the end, so that keys holding NUL still parse).
func parseUploadKey(rest string) (key string, id gofakes3.UploadID, ok bool) {
	if len(rest) < uploadIDLen+1 || rest[len(rest)-uploadIDLen-1] != 0 {
		return "", "", false
	}
	return rest[:len(rest)-uploadIDLen-1], gofakes3.UploadID(rest[len(rest)-uploadIDLen:]), true
}

func formatUploadID(n int64) gofakes3.UploadID {
	s := strconv.FormatInt(n, 10)
	return gofakes3.UploadID(strings.Repeat("0", uploadIDLen-len(s)) + s)
}

// validUploadID reports whether id can be one of ours; others are not looked up.
func validUploadID(id gofakes3.UploadID) bool {
	if len(id) != uploadIDLen {
		return false
	}
	for i := range len(id) {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// newID returns a random id for a run of data or a marker: 24 hex digits.
func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// successor returns the first string after every string that starts with p, or "" when
// there is none (p is all 0xff bytes).
func successor(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}

// segment is one run of data an object is made of: a single upload's bytes, stored in
// chunks of Chunk bytes under d/<ID>/. A plain object has one segment (none when empty), an
// object completed from a multipart upload has one per part.
type segment struct {
	ID    string
	Size  int64
	Chunk int64
}

// chunks is the number of chunks the segment is stored in.
func (s segment) chunks() int64 {
	if s.Size == 0 {
		return 0
	}
	return (s.Size + s.Chunk - 1) / s.Chunk
}

// dataRef names stored chunks to remove: d/<ID>/0 to d/<ID>/<Chunks-1>.
type dataRef struct {
	ID     string
	Chunks int64
}

func refsOf(segs []segment) []dataRef {
	var out []dataRef
	for _, s := range segs {
		if n := s.chunks(); n > 0 {
			out = append(out, dataRef{ID: s.ID, Chunks: n})
		}
	}
	return out
}

// bucketRecord is the value of b/<bucket>.
type bucketRecord struct {
	Created    time.Time
	Versioning gofakes3.VersioningStatus // VersioningNone until versioning is first set
	Attrs      []byte                    // opaque, the s3fake layer's
}

// objectRecord is the value of o/<bucket>\x00<key> (the current version of the key) and of
// v/<bucket>\x00<key>\x00<^seq> (a noncurrent one).
type objectRecord struct {
	Size     int64
	MD5      [16]byte // of the data; of the parts' MD5s for a multipart object
	Parts    int      // 0 for a plain object, else the number of parts it was completed from
	Modified time.Time
	// Seq orders the versions of a key: written while the bucket is versioned (enabled or
	// suspended), from the version counter; 0 for an object written while the bucket was
	// unversioned, which is older than any other version of its key.
	Seq uint64
	// Null marks the null version: written while versioning was suspended. A record with
	// Seq 0 is the null version too.
	Null bool
	// DeleteMarker marks a delete marker: no data, no metadata.
	DeleteMarker bool
	Meta         map[string]string // without Last-Modified, which Modified gives
	Segs         []segment
}

// isNull reports whether the record is its key's null version.
func (o *objectRecord) isNull() bool { return o.Seq == 0 || o.Null }

// versionID is the record's version id as S3 shows it: NullVersion for the null version.
func (o *objectRecord) versionID() gofakes3.VersionID {
	if o.isNull() {
		return NullVersion
	}
	return formatVersionID(o.Seq)
}

// etag is the object's ETag without quotes: the MD5 in hex, followed by -<parts> for an
// object completed from a multipart upload.
func (o *objectRecord) etag() string {
	if o.Parts > 0 {
		return hex.EncodeToString(o.MD5[:]) + "-" + strconv.Itoa(o.Parts)
	}
	return hex.EncodeToString(o.MD5[:])
}

// uploadRecord is the value of u/<bucket>\x00<key>\x00<id>.
type uploadRecord struct {
	Initiated time.Time
	Meta      map[string]string
}

// partRecord is the value of a part key.
type partRecord struct {
	Size     int64
	MD5      [16]byte
	Modified time.Time
	Seg      segment
}

func (p *partRecord) etag() string { return `"` + hex.EncodeToString(p.MD5[:]) + `"` }

// Records are stored in a compact binary form, each starting with a version byte: object
// records are decoded for every listed key, and a multipart object may list 10,000
// segments. A bucket record with a versioning status and an object record of a versioned
// bucket are written in a second form (recordVersion2); the others keep the first, as
// before versioning.
const (
	recordVersion  = 1
	recordVersion2 = 2
)

// Flags of an object record of the second form.
const (
	flagNull         = 1 << 0
	flagDeleteMarker = 1 << 1
)

// Versioning statuses in a bucket record of the second form.
var versioningCodes = []gofakes3.VersioningStatus{gofakes3.VersioningNone, gofakes3.VersioningEnabled, gofakes3.VersioningSuspended}

var errCorrupt = errors.New("corrupt record")

type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) time(t time.Time) { e.varint(t.UnixNano()) }
func (e *encoder) raw(p []byte)     { e.b = append(e.b, p...) }
func (e *encoder) seg(s segment)    { e.str(s.ID); e.uvarint(uint64(s.Size)); e.uvarint(uint64(s.Chunk)) }
func (e *encoder) meta(m map[string]string) {
	e.uvarint(uint64(len(m)))
	for k, v := range m {
		e.str(k)
		e.str(v)
	}
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if uint64(len(d.b)) < n {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) str() string        { return string(d.bytes(d.uvarint())) }
func (d *decoder) time() time.Time    { return time.Unix(0, d.varint()).UTC() }
func (d *decoder) md5(into *[16]byte) { copy(into[:], d.bytes(16)) }
func (d *decoder) seg() segment {
	s := segment{ID: d.str(), Size: int64(d.uvarint()), Chunk: int64(d.uvarint())}
	if s.Size > 0 && s.Chunk <= 0 {
		d.fail()
	}
	return s
}

func (d *decoder) meta() map[string]string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

func (d *decoder) version() {
	if d.versionUpTo(recordVersion) != recordVersion {
		d.fail()
	}
}

// versionUpTo reads the version byte of a record that has forms 1 to max.
func (d *decoder) versionUpTo(max byte) byte {
	if len(d.b) == 0 || d.b[0] < recordVersion || d.b[0] > max {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) done(what string) error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return fmt.Errorf("decode %s record: %w", what, d.err)
	}
	return nil
}

func encodeBucket(r *bucketRecord) []byte {
	if r.Versioning == gofakes3.VersioningNone {
		e := encoder{b: []byte{recordVersion}}
		e.time(r.Created)
		e.raw(r.Attrs)
		return e.b
	}
	e := encoder{b: []byte{recordVersion2}}
	e.time(r.Created)
	e.uvarint(uint64(slices.Index(versioningCodes, r.Versioning)))
	e.raw(r.Attrs)
	return e.b
}

func decodeBucket(b []byte) (*bucketRecord, error) {
	d := decoder{b: b}
	form := d.versionUpTo(recordVersion2)
	r := &bucketRecord{Created: d.time()}
	if form == recordVersion2 {
		c := d.uvarint()
		if c >= uint64(len(versioningCodes)) {
			d.fail()
		} else {
			r.Versioning = versioningCodes[c]
		}
	}
	if d.err == nil && len(d.b) > 0 {
		r.Attrs = append([]byte(nil), d.b...)
	}
	d.b = nil
	return r, d.done("bucket")
}

func encodeObject(o *objectRecord) []byte {
	e := encoder{b: make([]byte, 0, 64+len(o.Segs)*40)}
	versioned := o.Seq != 0 || o.Null || o.DeleteMarker
	if versioned {
		e.raw([]byte{recordVersion2})
	} else {
		e.raw([]byte{recordVersion})
	}
	e.uvarint(uint64(o.Size))
	e.raw(o.MD5[:])
	e.uvarint(uint64(o.Parts))
	e.time(o.Modified)
	if versioned {
		var flags uint64
		if o.Null {
			flags |= flagNull
		}
		if o.DeleteMarker {
			flags |= flagDeleteMarker
		}
		e.uvarint(flags)
		e.uvarint(o.Seq)
	}
	e.uvarint(uint64(len(o.Segs)))
	for _, s := range o.Segs {
		e.seg(s)
	}
	e.meta(o.Meta)
	return e.b
}

// decodeObjectHeader decodes what a listing needs (size, MD5, parts, modification time,
// version); decodeObject decodes everything.
func decodeObjectHeader(b []byte) (*objectRecord, error) {
	o, _, err := decodeObjectPrefix(b)
	return o, err
}

func decodeObjectPrefix(b []byte) (*objectRecord, *decoder, error) {
	d := &decoder{b: b}
	form := d.versionUpTo(recordVersion2)
	o := &objectRecord{Size: int64(d.uvarint())}
	d.md5(&o.MD5)
	o.Parts = int(d.uvarint())
	o.Modified = d.time()
	if form == recordVersion2 {
		flags := d.uvarint()
		if flags&^(flagNull|flagDeleteMarker) != 0 {
			d.fail()
		}
		o.Null, o.DeleteMarker = flags&flagNull != 0, flags&flagDeleteMarker != 0
		o.Seq = d.uvarint()
	}
	if d.err != nil {
		return nil, nil, fmt.Errorf("decode object record: %w", d.err)
	}
	return o, d, nil
}

func decodeObject(b []byte) (*objectRecord, error) {
	o, d, err := decodeObjectPrefix(b)
	if err != nil {
		return nil, err
	}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
	}
	if d.err == nil {
		o.Segs = make([]segment, 0, n)
		for range n {
			o.Segs = append(o.Segs, d.seg())
		}
	}
	o.Meta = d.meta()
	if err := d.done("object"); err != nil {
		return nil, err
	}
	var total int64
	for _, s := range o.Segs {
		total += s.Size
	}
	if total != o.Size {
		return nil, fmt.Errorf("decode object record: segments hold %d bytes, the object %d: %w", total, o.Size, errCorrupt)
	}
	return o, nil
}

func encodeUpload(u *uploadRecord) []byte {
	e := encoder{b: []byte{recordVersion}}
	e.time(u.Initiated)
	e.meta(u.Meta)
	return e.b
}

func decodeUpload(b []byte) (*uploadRecord, error) {
	d := decoder{b: b}
	d.version()
	u := &uploadRecord{Initiated: d.time(), Meta: d.meta()}
	return u, d.done("upload")
}

func encodePart(p *partRecord) []byte {
	e := encoder{b: []byte{recordVersion}}
	e.uvarint(uint64(p.Size))
	e.raw(p.MD5[:])
	e.time(p.Modified)
	e.seg(p.Seg)
	return e.b
}

func decodePart(b []byte) (*partRecord, error) {
	d := decoder{b: b}
	d.version()
	p := &partRecord{Size: int64(d.uvarint())}
	d.md5(&p.MD5)
	p.Modified = d.time()
	p.Seg = d.seg()
	if err := d.done("part"); err != nil {
		return nil, err
	}
	if p.Seg.Size != p.Size {
		return nil, fmt.Errorf("decode part record: segment of %d bytes for a part of %d: %w", p.Seg.Size, p.Size, errCorrupt)
	}
	return p, nil
}

func encodeMarker(refs []dataRef) []byte {
	e := encoder{b: []byte{recordVersion}}
	e.uvarint(uint64(len(refs)))
	for _, r := range refs {
		e.str(r.ID)
		e.uvarint(uint64(r.Chunks))
	}
	return e.b
}

func decodeMarker(b []byte) ([]dataRef, error) {
	d := decoder{b: b}
	d.version()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
	}
	var refs []dataRef
	for i := uint64(0); i < n && d.err == nil; i++ {
		refs = append(refs, dataRef{ID: d.str(), Chunks: int64(d.uvarint())})
	}
	return refs, d.done("marker")
}
