package objects

import (
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/store"
)

// DefaultChunkSize is the size of a stored data chunk when Options.ChunkSize is zero.
const DefaultChunkSize = 512 << 10

// MaxChunkSize bounds Options.ChunkSize (exclusive): badger's in-memory mode cannot hold a
// value of 1 MiB or more.
const MaxChunkSize = 1 << 20

// writeBatch is about how many bytes of chunks one write transaction carries: well under
// badger's transaction limit (about 2.4 MB with the store's 16 MiB memtables), with room
// for the records a commit writes beside them.
const writeBatch = 1 << 20

// deleteBatch is how many keys one removal transaction deletes.
const deleteBatch = 4096

// Attribute keys of the backend's log records.
const (
	logKeyErr     = "err"
	logKeyMarkers = "markers"
	logKeyChunks  = "chunks"
	logKeyParts   = "parts"
	logKeyBucket  = "bucket"
	logKeyKey     = "key"
)

// Options configure New. The zero value is valid.
type Options struct {
	// Clock stamps buckets, objects, uploads and parts (to the second, as S3 does). Nil means
	// clock.Real{}.
	Clock clock.Clock
	// ChunkSize is the number of bytes per stored data chunk. Zero means DefaultChunkSize; it
	// must be below MaxChunkSize.
	ChunkSize int
	// Logger receives what the backend cannot return: data it failed to remove after a
	// successful write or delete (removed at the next New instead), and what New swept. Nil
	// means slog.Default().
	Logger *slog.Logger
}

// Backend is a gofakes3.Backend, gofakes3.MultipartBackend and gofakes3.VersionedBackend
// over a store key space. It is safe for concurrent use. One Backend at a time may work on a space: New removes the data
// that writes in progress have not committed yet.
type Backend struct {
	space   *store.Space
	clock   clock.Clock
	chunk   int64
	perTxn  int // chunks per write transaction
	log     *slog.Logger
	uploads *store.Counter
	// versions numbers the versions written in versioned buckets (objectRecord.Seq).
	versions *store.Counter

	// buckets orders changes to the set of buckets (create, delete) and to bucket
	// attributes, held exclusively, against commits into a bucket, which hold it shared: a
	// bucket cannot go while an object is being committed into it.
	buckets sync.RWMutex
	// stripes serialise commits to one object key or one multipart upload, so that they do
	// not run into each other's transaction conflicts. Taken after buckets, in index order.
	stripes [64]sync.Mutex
}

var (
	_ gofakes3.Backend          = (*Backend)(nil)
	_ gofakes3.MultipartBackend = (*Backend)(nil)
	_ gofakes3.VersionedBackend = (*Backend)(nil)
)

// New returns a backend over space. It removes what a crash left behind: the chunks of
// writes that never committed, of data an overwrite or delete had not finished removing,
// and part records of completed uploads.
func New(space *store.Space, opts Options) (*Backend, error) {
	if space == nil {
		return nil, errors.New("objects: nil store space")
	}
	chunk := opts.ChunkSize
	if chunk == 0 {
		chunk = DefaultChunkSize
	}
	if chunk < 0 || chunk >= MaxChunkSize {
		return nil, fmt.Errorf("objects: chunk size %d out of range (1 to %d)", opts.ChunkSize, MaxChunkSize-1)
	}
	b := &Backend{
		space:   space,
		clock:   opts.Clock,
		chunk:   int64(chunk),
		perTxn:  max(1, writeBatch/chunk),
		log:     opts.Logger,
		uploads: space.Counter(counterKey, 1, 64),
		// The first is 1: 0 is the sequence number of an object without versions.
		versions: space.Counter(versionCounterKey, 1, 1024),
	}
	if b.clock == nil {
		b.clock = clock.Real{}
	}
	if b.log == nil {
		b.log = slog.Default()
	}
	if err := b.sweep(); err != nil {
		return nil, fmt.Errorf("objects: sweep leftovers: %w", err)
	}
	return b, nil
}

// now is the time stamped on what is written now: S3 keeps seconds.
func (b *Backend) now() time.Time { return b.clock.Now().UTC().Truncate(time.Second) }

func objectLock(bucket, key string) string   { return "o\x00" + bucket + "\x00" + key }
func uploadLock(id gofakes3.UploadID) string { return "u\x00" + string(id) }

// lockWrite takes the buckets lock shared and the stripes of names; the returned function
// releases them.
func (b *Backend) lockWrite(names ...string) (unlock func()) {
	b.buckets.RLock()
	idx := make([]int, 0, len(names))
	for _, n := range names {
		h := fnv.New32a()
		h.Write([]byte(n))
		idx = append(idx, int(h.Sum32()%uint32(len(b.stripes))))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		b.stripes[i].Lock()
	}
	return func() {
		for i := len(idx) - 1; i >= 0; i-- {
			b.stripes[idx[i]].Unlock()
		}
		b.buckets.RUnlock()
	}
}

// isS3Error reports whether err is one of gofakes3's errors, which must reach gofakes3
// unwrapped: it finds their code with a type switch, not errors.As.
func isS3Error(err error) bool {
	_, ok := err.(gofakes3.Error)
	return ok
}

// wrap adds context to an error of the store, and leaves gofakes3's errors as they are.
func wrap(err error, format string, args ...any) error {
	if err == nil || isS3Error(err) {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// getBucket reads a bucket record; gofakes3.BucketNotFound when there is none.
func getBucket(tx *store.Tx, name string) (*bucketRecord, error) {
	v, err := tx.Get(bucketKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, gofakes3.BucketNotFound(name)
	}
	if err != nil {
		return nil, err
	}
	return decodeBucket(v)
}

func checkBucket(tx *store.Tx, name string) error {
	_, err := tx.Get(bucketKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return gofakes3.BucketNotFound(name)
	}
	return err
}

// ListBuckets lists every bucket, by name.
func (b *Backend) ListBuckets() ([]gofakes3.BucketInfo, error) {
	var out []gofakes3.BucketInfo
	err := b.space.Scan([]byte(famBucket), func(k, v []byte) error {
		r, err := decodeBucket(v)
		if err != nil {
			return fmt.Errorf("bucket %q: %w", k[len(famBucket):], err)
		}
		out = append(out, gofakes3.BucketInfo{Name: string(k[len(famBucket):]), CreationDate: gofakes3.NewContentTime(r.Created)})
		return nil
	})
	return out, wrap(err, "list buckets")
}

// BucketExists reports whether the bucket exists.
func (b *Backend) BucketExists(name string) (bool, error) {
	_, err := b.space.Get(bucketKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up bucket %q: %w", name, err)
	}
	return true, nil
}

// CreateBucket creates a bucket without attributes: CreateBucketWith(name, nil).
func (b *Backend) CreateBucket(name string) error { return b.CreateBucketWith(name, nil) }

// CreateBucketWith creates a bucket holding attrs, an opaque blob of the caller's (owner,
// policy, ACL...) kept in the bucket record, so that it comes and goes with the bucket. It
// returns gofakes3.ResourceError(gofakes3.ErrBucketAlreadyExists, name) if the bucket
// exists.
func (b *Backend) CreateBucketWith(name string, attrs []byte) error {
	b.buckets.Lock()
	defer b.buckets.Unlock()
	err := b.space.Update(func(tx *store.Tx) error {
		_, err := tx.Get(bucketKey(name))
		switch {
		case err == nil:
			return gofakes3.ResourceError(gofakes3.ErrBucketAlreadyExists, name)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return tx.Put(bucketKey(name), encodeBucket(&bucketRecord{Created: b.now(), Attrs: attrs}))
	})
	return wrap(err, "create bucket %q", name)
}

// BucketAttrs returns the attributes kept with a bucket (nil if it was created without),
// or gofakes3.BucketNotFound(name).
func (b *Backend) BucketAttrs(name string) ([]byte, error) {
	var attrs []byte
	err := b.space.View(func(tx *store.Tx) error {
		r, err := getBucket(tx, name)
		if err != nil {
			return err
		}
		attrs = r.Attrs
		return nil
	})
	return attrs, wrap(err, "read bucket %q", name)
}

// UpdateBucketAttrs replaces a bucket's attributes with what fn makes of them, atomically:
// no other update or bucket deletion comes in between. An error of fn is returned as is,
// and the attributes stay. fn must not call the Backend. It returns
// gofakes3.BucketNotFound(name) if the bucket does not exist.
func (b *Backend) UpdateBucketAttrs(name string, fn func(old []byte) ([]byte, error)) error {
	b.buckets.Lock()
	defer b.buckets.Unlock()
	var fnErr error
	err := b.space.Update(func(tx *store.Tx) error {
		r, err := getBucket(tx, name)
		if err != nil {
			return err
		}
		attrs, err := fn(r.Attrs)
		if err != nil {
			fnErr = err
			return err
		}
		r.Attrs = attrs
		return tx.Put(bucketKey(name), encodeBucket(r))
	})
	if fnErr != nil {
		return fnErr
	}
	return wrap(err, "update bucket %q", name)
}

// DeleteBucket deletes an empty bucket, and the multipart uploads in progress in it. It
// returns gofakes3.ResourceError(gofakes3.ErrBucketNotEmpty, name) if the bucket holds an
// object, or any version or delete marker, gofakes3.BucketNotFound(name) if there is no
// such bucket.
func (b *Backend) DeleteBucket(name string) error {
	return b.deleteBucket(name, false)
}

// ForceDeleteBucket deletes a bucket with everything in it, versions included.
func (b *Backend) ForceDeleteBucket(name string) error {
	return b.deleteBucket(name, true)
}

func (b *Backend) deleteBucket(name string, force bool) error {
	var trash []garbage
	err := func() error {
		b.buckets.Lock()
		defer b.buckets.Unlock()
		var empty bool
		err := b.space.View(func(tx *store.Tx) error {
			if err := checkBucket(tx, name); err != nil {
				return err
			}
			var err error
			empty, err = bucketEmpty(tx, name)
			return err
		})
		if err != nil {
			return err
		}
		if !empty && !force {
			return gofakes3.ResourceError(gofakes3.ErrBucketNotEmpty, name)
		}
		if !empty {
			for _, prefix := range [][]byte{objectPrefix(name), bucketVersionsPrefix(name)} {
				g, err := b.dropObjects(prefix)
				trash = append(trash, g...)
				if err != nil {
					return err
				}
			}
		}
		g, err := b.dropUploads(name)
		trash = append(trash, g...)
		if err != nil {
			return err
		}
		return b.space.Update(func(tx *store.Tx) error {
			empty, err := bucketEmpty(tx, name)
			if err != nil {
				return err
			}
			if !empty { // cannot happen: nothing commits into a bucket while buckets is held
				return gofakes3.ResourceError(gofakes3.ErrBucketNotEmpty, name)
			}
			return tx.Delete(bucketKey(name))
		})
	}()
	b.reclaim(trash...)
	return wrap(err, "delete bucket %q", name)
}

var errStop = errors.New("stop")

// bucketEmpty reports whether a bucket holds neither objects nor versions (a key whose
// versions are all noncurrent still has its current delete marker).
func bucketEmpty(tx *store.Tx, name string) (bool, error) {
	empty, err := isEmpty(tx, objectPrefix(name))
	if err != nil || !empty {
		return empty, err
	}
	return isEmpty(tx, bucketVersionsPrefix(name))
}

// isEmpty reports whether no key starts with prefix.
func isEmpty(tx *store.Tx, prefix []byte) (bool, error) {
	empty := true
	err := tx.Scan(prefix, func(_, _ []byte) error {
		empty = false
		return errStop
	})
	if err == errStop {
		err = nil
	}
	return empty, err
}

// collectKeys reads up to n keys under prefix.
func collectKeys(tx *store.Tx, prefix []byte, n int) (keys [][]byte, err error) {
	err = tx.Scan(prefix, func(k, _ []byte) error {
		if len(keys) == n {
			return errStop
		}
		keys = append(keys, slices.Clone(k))
		return nil
	})
	if err == errStop {
		err = nil
	}
	return keys, err
}

// dropObjects deletes the object (or version) records under prefix, a batch of records per
// transaction (at most dropBatch of them, referring to at most dropRefs data segments: the
// marker of their data must stay well under badger's value limit), their data marked for
// removal in the same transaction. The caller holds buckets.
func (b *Backend) dropObjects(prefix []byte) ([]garbage, error) {
	const dropBatch, dropRefs = 256, 10000
	var trash []garbage
	for {
		var keys [][]byte
		var refs []dataRef
		err := b.space.View(func(tx *store.Tx) error {
			keys, refs = nil, nil
			err := tx.Scan(prefix, func(k, v []byte) error {
				if len(keys) == dropBatch || len(refs) >= dropRefs {
					return errStop
				}
				o, err := decodeObject(v)
				if err != nil {
					return fmt.Errorf("object %q: %w", k, err)
				}
				keys = append(keys, slices.Clone(k))
				refs = append(refs, refsOf(o.Segs)...)
				return nil
			})
			if err == errStop {
				err = nil
			}
			return err
		})
		if err != nil || len(keys) == 0 {
			return trash, err
		}
		g, err := b.deleteMarking(keys, refs)
		if err != nil {
			return trash, err
		}
		trash = append(trash, g)
	}
}

// dropUploads aborts every multipart upload of a bucket. The caller holds buckets.
func (b *Backend) dropUploads(bucket string) ([]garbage, error) {
	var trash []garbage
	for {
		keys, err := viewCollectKeys(b.space, uploadPrefix(bucket), 256)
		if err != nil || len(keys) == 0 {
			return trash, err
		}
		for _, k := range keys {
			key, id, ok := parseUploadKey(string(k[len(uploadPrefix(bucket)):]))
			if !ok {
				return trash, fmt.Errorf("malformed upload key %q", k)
			}
			g, err := b.dropUpload(bucket, key, id)
			trash = append(trash, g...)
			if err != nil {
				return trash, err
			}
		}
	}
}

// viewCollectKeys is collectKeys in a transaction of its own.
func viewCollectKeys(s *store.Space, prefix []byte, n int) (keys [][]byte, err error) {
	err = s.View(func(tx *store.Tx) error {
		keys, err = collectKeys(tx, prefix, n)
		return err
	})
	return keys, err
}

// deleteMarking deletes keys and marks the data they referred to as garbage, in one
// transaction.
func (b *Backend) deleteMarking(keys [][]byte, refs []dataRef) (garbage, error) {
	var g garbage
	err := b.space.Update(func(tx *store.Tx) error {
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		var err error
		g, err = markGarbage(tx, refs)
		return err
	})
	return g, err
}
