package objects

import (
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/store"
)

// NullVersion is the version id of a key's null version: the object written while the
// bucket was unversioned, or last written while versioning was suspended. gofakes3 v1.2.0
// has no constant for it.
const NullVersion gofakes3.VersionID = "null"

// versionIDLen is the length of a version id: the 8 bytes of an inverted sequence number in
// base32hex without padding, so that the versions of a key sort newest first.
const versionIDLen = 13

var versionEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

func formatVersionID(seq uint64) gofakes3.VersionID {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], ^seq)
	return gofakes3.VersionID(versionEncoding.EncodeToString(b[:]))
}

// parseVersionID returns the sequence number of a version id of ours (not NullVersion).
func parseVersionID(id gofakes3.VersionID) (uint64, bool) {
	if len(id) != versionIDLen {
		return 0, false
	}
	b, err := versionEncoding.DecodeString(string(id))
	if err != nil || len(b) != 8 {
		return 0, false
	}
	seq := ^binary.BigEndian.Uint64(b)
	if seq == 0 || formatVersionID(seq) != id { // the last digit carries a spare bit
		return 0, false
	}
	return seq, true
}

// invalidVersionID is S3's answer to a version id it could not have made.
func invalidVersionID(id gofakes3.VersionID) error {
	return gofakes3.ErrorInvalidArgument("versionId", string(id), "Invalid version id specified")
}

// live is the record of a key's current object: nil when the current version is a delete
// marker.
func live(o *objectRecord) *objectRecord {
	if o == nil || o.DeleteMarker {
		return nil
	}
	return o
}

// setVersion gives rec, about to become its key's current version, the version fields the
// bucket's versioning status wants: none in an unversioned bucket, the sequence number
// otherwise, marked null when versioning is suspended.
func setVersion(rec *objectRecord, status gofakes3.VersioningStatus, seq uint64) {
	switch status {
	case gofakes3.VersioningNone:
		rec.Seq, rec.Null = 0, false
	case gofakes3.VersioningEnabled:
		rec.Seq, rec.Null = seq, false
	default:
		rec.Seq, rec.Null = seq, true
	}
}

// resultVersionID is the version id a write returns: none in an unversioned bucket.
func resultVersionID(status gofakes3.VersioningStatus, rec *objectRecord) gofakes3.VersionID {
	if status == gofakes3.VersioningNone {
		return ""
	}
	return rec.versionID()
}

// install writes rec (its version fields set by setVersion) as the current version of key in
// place of cur (nil if none), and marks the data no version refers to any more:
//
//   - unversioned: rec replaces cur;
//   - enabled: cur becomes a noncurrent version;
//   - suspended: rec, the null version, replaces the key's null version, current or not; a
//     current version that is not the null version becomes noncurrent.
func install(tx *store.Tx, bucket, key string, status gofakes3.VersioningStatus, rec, cur *objectRecord) (garbage, error) {
	var dropped []dataRef
	switch {
	case cur == nil && status != gofakes3.VersioningSuspended:
	case status == gofakes3.VersioningNone || status == gofakes3.VersioningSuspended && cur != nil && cur.isNull():
		dropped = refsOf(cur.Segs)
	default:
		if status == gofakes3.VersioningSuspended {
			old, err := findNull(tx, bucket, key)
			if err != nil {
				return garbage{}, err
			}
			if old != nil {
				if err := tx.Delete(versionKey(bucket, key, old.Seq)); err != nil {
					return garbage{}, err
				}
				dropped = refsOf(old.Segs)
			}
		}
		if cur != nil {
			if err := tx.Put(versionKey(bucket, key, cur.Seq), encodeObject(cur)); err != nil {
				return garbage{}, err
			}
		}
	}
	if err := tx.Put(objectKey(bucket, key), encodeObject(rec)); err != nil {
		return garbage{}, err
	}
	return markGarbage(tx, dropped)
}

// findNull returns the noncurrent null version of a key, nil if it has none.
func findNull(tx *store.Tx, bucket, key string) (*objectRecord, error) {
	prefix := versionPrefix(bucket, key)
	var found *objectRecord
	err := tx.Scan(prefix, func(k, v []byte) error {
		if !isVersion(prefix, k) {
			return nil
		}
		h, err := decodeObjectHeader(v)
		if err != nil {
			return fmt.Errorf("version %q: %w", k, err)
		}
		if !h.isNull() {
			return nil
		}
		if found, err = decodeObject(v); err != nil {
			return fmt.Errorf("version %q: %w", k, err)
		}
		return errStop
	})
	if err == errStop {
		err = nil
	}
	return found, err
}

// findVersion finds version id of a key whose current version is cur (not nil): the record
// and whether it is the current one, nil if there is no such version. An id that cannot be
// ours is S3's InvalidArgument.
func findVersion(tx *store.Tx, bucket, key string, cur *objectRecord, id gofakes3.VersionID) (*objectRecord, bool, error) {
	if id == NullVersion {
		if cur.isNull() {
			return cur, true, nil
		}
		o, err := findNull(tx, bucket, key)
		return o, false, err
	}
	seq, ok := parseVersionID(id)
	if !ok {
		return nil, false, invalidVersionID(id)
	}
	if cur.Seq == seq {
		if cur.isNull() {
			return nil, false, nil // the null version answers to "null" only
		}
		return cur, true, nil
	}
	if seq > cur.Seq {
		return nil, false, nil
	}
	v, err := tx.Get(versionKey(bucket, key, seq))
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	o, err := decodeObject(v)
	if err != nil {
		return nil, false, fmt.Errorf("version %q of %q: %w", id, key, err)
	}
	if o.isNull() {
		return nil, false, nil
	}
	return o, false, nil
}

// promote makes the newest noncurrent version of a key its current version, once the
// current one is gone; the key goes when it has no version left.
func promote(tx *store.Tx, bucket, key string) error {
	prefix := versionPrefix(bucket, key)
	var k, v []byte
	err := tx.Scan(prefix, func(kk, vv []byte) error {
		if !isVersion(prefix, kk) {
			return nil
		}
		k, v = slices.Clone(kk), slices.Clone(vv)
		return errStop
	})
	if err != nil && err != errStop {
		return err
	}
	if k == nil {
		return tx.Delete(objectKey(bucket, key))
	}
	if err := tx.Delete(k); err != nil {
		return err
	}
	return tx.Put(objectKey(bucket, key), v)
}

// VersioningConfiguration returns the bucket's versioning status: empty if versioning was
// never set, Enabled or Suspended after. MFA delete is never enabled.
func (b *Backend) VersioningConfiguration(bucket string) (gofakes3.VersioningConfiguration, error) {
	var cfg gofakes3.VersioningConfiguration
	err := b.space.View(func(tx *store.Tx) error {
		r, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		cfg.Status = r.Versioning
		return nil
	})
	return cfg, wrap(err, "read versioning of bucket %q", bucket)
}

// SetVersioningConfiguration enables or suspends versioning of a bucket. As in S3, a bucket
// never goes back to unversioned: an empty Status leaves the status as it is. MFA delete
// cannot be enabled: gofakes3.ErrNotImplemented. It returns gofakes3.BucketNotFound if the
// bucket does not exist.
func (b *Backend) SetVersioningConfiguration(bucket string, v gofakes3.VersioningConfiguration) error {
	b.buckets.Lock()
	defer b.buckets.Unlock()
	err := b.space.Update(func(tx *store.Tx) error {
		r, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		if v.MFADelete == gofakes3.MFADeleteEnabled {
			return gofakes3.ErrNotImplemented
		}
		switch v.Status {
		case gofakes3.VersioningNone:
			return nil
		case gofakes3.VersioningEnabled, gofakes3.VersioningSuspended:
		default:
			return gofakes3.ErrorMessagef(gofakes3.ErrIllegalVersioningConfiguration, "unexpected value %q for Status, expected 'Enabled' or 'Suspended'", v.Status)
		}
		if r.Versioning == v.Status {
			return nil
		}
		r.Versioning = v.Status
		return tx.Put(bucketKey(bucket), encodeBucket(r))
	})
	return wrap(err, "set versioning of bucket %q", bucket)
}

// loadVersion reads a version of an object and the bucket's versioning status:
// gofakes3.BucketNotFound, gofakes3.KeyNotFound when the key has no version at all,
// gofakes3.ErrNoSuchVersion when it does not have that one, and InvalidArgument for an id
// that cannot be ours.
func (b *Backend) loadVersion(bucket, key string, id gofakes3.VersionID) (*objectRecord, gofakes3.VersioningStatus, error) {
	var o *objectRecord
	var status gofakes3.VersioningStatus
	err := b.space.View(func(tx *store.Tx) error {
		r, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		status = r.Versioning
		cur, err := getObject(tx, bucket, key)
		if err != nil {
			return err
		}
		if cur == nil {
			if id != NullVersion {
				if _, ok := parseVersionID(id); !ok {
					return invalidVersionID(id)
				}
			}
			return gofakes3.KeyNotFound(key)
		}
		if o, _, err = findVersion(tx, bucket, key, cur, id); err != nil {
			return err
		}
		if o == nil {
			return gofakes3.ErrNoSuchVersion
		}
		return nil
	})
	return o, status, wrap(err, "read version %q of object %q in bucket %q", id, key, bucket)
}

// versionObject is the gofakes3 view of a version: for a delete marker, an Object with
// IsDeleteMarker set, which gofakes3 answers as S3 answers a GET or HEAD of a delete marker
// (x-amz-delete-marker and x-amz-version-id headers).
func versionObject(key string, o *objectRecord, status gofakes3.VersioningStatus) *gofakes3.Object {
	if o.DeleteMarker {
		return &gofakes3.Object{
			Name:           key,
			Metadata:       map[string]string{lastModified: o.Modified.Format(http.TimeFormat)},
			Contents:       http.NoBody,
			VersionID:      o.versionID(),
			IsDeleteMarker: true,
		}
	}
	return object(key, o, status)
}

// GetObjectVersion returns a version of an object, its Contents streaming its data (or the
// range asked for) as GetObject does. id may be NullVersion. A delete marker is returned as
// an Object with IsDeleteMarker set and empty Contents, which gofakes3 answers with
// NoSuchKey and S3's x-amz-delete-marker header. A key without any version is
// gofakes3.KeyNotFound, a version it does not have gofakes3.ErrNoSuchVersion.
func (b *Backend) GetObjectVersion(bucket, key string, id gofakes3.VersionID, rangeRequest *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	o, status, err := b.loadVersion(bucket, key, id)
	if err != nil {
		return nil, err
	}
	if o.DeleteMarker {
		return versionObject(key, o, status), nil
	}
	return b.readObject(key, o, status, rangeRequest)
}

// HeadObjectVersion is GetObjectVersion with empty Contents.
func (b *Backend) HeadObjectVersion(bucket, key string, id gofakes3.VersionID) (*gofakes3.Object, error) {
	o, status, err := b.loadVersion(bucket, key, id)
	if err != nil {
		return nil, err
	}
	obj := versionObject(key, o, status)
	obj.Contents = http.NoBody
	return obj, nil
}

// ObjectVersionMeta is ObjectMeta for a version of an object (not a delete marker, which is
// gofakes3.ErrNoSuchKey): its metadata, the hidden entries included, and its Last-Modified.
func (b *Backend) ObjectVersionMeta(bucket, key string, id gofakes3.VersionID) (map[string]string, error) {
	o, _, err := b.loadVersion(bucket, key, id)
	if err != nil {
		return nil, err
	}
	if o.DeleteMarker {
		return nil, gofakes3.KeyNotFound(key)
	}
	return metaOf(o), nil
}

// DeleteObjectVersion removes a version of an object for good, a delete marker as well as
// an object, and its data; id may be NullVersion. When the version was the current one, the
// newest remaining version becomes current (an object or a delete marker). A key or version
// that does not exist is not an error (the result is empty), a missing bucket is
// gofakes3.BucketNotFound, an id that cannot be ours InvalidArgument.
func (b *Backend) DeleteObjectVersion(bucket, key string, id gofakes3.VersionID) (gofakes3.ObjectDeleteResult, error) {
	var g garbage
	var res gofakes3.ObjectDeleteResult
	err := func() error {
		defer b.lockWrite(objectLock(bucket, key))()
		return b.space.Update(func(tx *store.Tx) error {
			g, res = garbage{}, gofakes3.ObjectDeleteResult{}
			if err := checkBucket(tx, bucket); err != nil {
				return err
			}
			if id != NullVersion {
				if _, ok := parseVersionID(id); !ok {
					return invalidVersionID(id)
				}
			}
			cur, err := getObject(tx, bucket, key)
			if err != nil || cur == nil {
				return err
			}
			o, current, err := findVersion(tx, bucket, key, cur, id)
			if err != nil || o == nil {
				return err
			}
			if current {
				err = promote(tx, bucket, key)
			} else {
				err = tx.Delete(versionKey(bucket, key, o.Seq))
			}
			if err != nil {
				return err
			}
			res = gofakes3.ObjectDeleteResult{IsDeleteMarker: o.DeleteMarker, VersionID: id}
			g, err = markGarbage(tx, refsOf(o.Segs))
			return err
		})
	}()
	if err != nil {
		return gofakes3.ObjectDeleteResult{}, wrap(err, "delete version %q of object %q in bucket %q", id, key, bucket)
	}
	b.reclaim(g)
	return res, nil
}

// DeleteMultiVersions deletes objects one by one, reporting each: those without a version id
// as DeleteObject does (a delete marker in a versioned bucket), the others as
// DeleteObjectVersion does. A Deleted entry carries the version id asked for.
func (b *Backend) DeleteMultiVersions(bucket string, objects ...gofakes3.ObjectID) (gofakes3.MultiDeleteResult, error) {
	var res gofakes3.MultiDeleteResult
	if ok, err := b.BucketExists(bucket); err != nil {
		return res, err
	} else if !ok {
		return res, gofakes3.BucketNotFound(bucket)
	}
	for _, obj := range objects {
		var err error
		if obj.VersionID == "" {
			_, err = b.DeleteObject(bucket, obj.Key)
		} else {
			_, err = b.DeleteObjectVersion(bucket, obj.Key, gofakes3.VersionID(obj.VersionID))
		}
		if err != nil {
			if !isS3Error(err) {
				b.log.Error("objects: delete failed", logKeyBucket, bucket, logKeyKey, obj.Key, logKeyErr, err)
			}
			e := gofakes3.ErrorResultFromError(err)
			e.Key = obj.Key
			res.Error = append(res.Error, e)
			continue
		}
		res.Deleted = append(res.Deleted, gofakes3.ObjectID{Key: obj.Key, VersionID: obj.VersionID})
	}
	return res, nil
}

// ListBucketVersions lists the versions and delete markers of a bucket's keys, in key order
// and for each key newest first, IsLatest on its current version: those under the prefix,
// those after the delimiter rolled up into common prefixes (as ListBucket does), after the
// page's markers (keys after KeyMarker; with VersionIDMarker too, first the versions of
// KeyMarker older than that one), at most page.MaxKeys (when above zero) versions, delete
// markers and common prefixes together. When more follow, IsTruncated is set and
// NextKeyMarker and NextVersionIDMarker name the last version listed (NextKeyMarker alone
// for a common prefix). The null version is listed as NullVersion, objects of an
// unversioned bucket included.
func (b *Backend) ListBucketVersions(name string, prefix *gofakes3.Prefix, page *gofakes3.ListBucketVersionsPage) (*gofakes3.ListBucketVersionsResult, error) {
	if page == nil {
		page = &gofakes3.ListBucketVersionsPage{}
	}
	ru := newRollup(prefix)
	res := gofakes3.NewListBucketVersionsResult(name, prefix, page)
	keyMarker, idMarker := page.KeyMarker, page.VersionIDMarker
	if keyMarker == "" {
		idMarker = ""
	}
	base := objectPrefix(name)
	scan := append(append([]byte(nil), base...), ru.prefix...)
	start := scan
	if keyMarker != "" {
		start = append(append([]byte(nil), base...), keyMarker...)
		if idMarker == "" {
			start = append(start, 0) // the first key after the marker
		}
	}
	err := b.space.View(func(tx *store.Tx) error {
		if err := checkBucket(tx, name); err != nil {
			return err
		}
		var count int64
		var lastKey string
		var lastID gofakes3.VersionID
		// room reports whether one more entry fits; when it does not, the list is truncated.
		room := func() bool {
			if page.MaxKeys > 0 && count == page.MaxKeys {
				res.IsTruncated = true
				return false
			}
			return true
		}
		add := func(key string, o *objectRecord, latest bool) {
			id := o.versionID()
			if o.DeleteMarker {
				res.Versions = append(res.Versions, &gofakes3.DeleteMarker{Key: key, VersionID: id, IsLatest: latest,
					LastModified: gofakes3.NewContentTime(o.Modified)})
			} else {
				res.Versions = append(res.Versions, &gofakes3.Version{Key: key, VersionID: id, IsLatest: latest,
					LastModified: gofakes3.NewContentTime(o.Modified), Size: o.Size, ETag: `"` + o.etag() + `"`,
					StorageClass: gofakes3.StorageStandard})
			}
			count++
			lastKey, lastID = key, id
		}
		err := scanSeek(tx, scan, start, func(k, v []byte) ([]byte, error) {
			key := string(k[len(base):])
			if cp := ru.commonPrefix(key); cp != "" {
				next, err := past(base, cp)
				if keyMarker != "" && cp <= keyMarker {
					return next, err // listed on an earlier page
				}
				if !room() {
					return nil, errStop
				}
				res.CommonPrefixes = append(res.CommonPrefixes, gofakes3.CommonPrefix{Prefix: cp})
				count++
				lastKey, lastID = cp, ""
				return next, err
			}
			cur, err := decodeObjectHeader(v)
			if err != nil {
				return nil, fmt.Errorf("object %q: %w", key, err)
			}
			// below: the versions of key to list are those with a sequence number below it.
			below := uint64(math.MaxUint64)
			if key == keyMarker && idMarker != "" {
				if below, err = markerSeq(tx, name, key, cur, idMarker); err != nil {
					return nil, err
				}
			}
			if cur.Seq < below {
				if !room() {
					return nil, errStop
				}
				add(key, cur, true)
			}
			if below == 0 {
				return nil, nil
			}
			vp := versionPrefix(name, key)
			from := vp
			if below != math.MaxUint64 {
				from = versionKey(name, key, below-1)
			}
			err = tx.ScanFrom(vp, from, func(vk, vv []byte) error {
				if !isVersion(vp, vk) {
					return nil
				}
				o, err := decodeObjectHeader(vv)
				if err != nil {
					return fmt.Errorf("version %q: %w", vk, err)
				}
				if !room() {
					return errStop
				}
				add(key, o, false)
				return nil
			})
			return nil, err
		})
		if err == errStop {
			err = nil
		}
		if res.IsTruncated {
			res.NextKeyMarker, res.NextVersionIDMarker = lastKey, lastID
		}
		return err
	})
	if err != nil {
		return nil, wrap(err, "list versions of bucket %q", name)
	}
	return res, nil
}

// markerSeq is where a listing resumes in the versions of a key, after version id: the
// versions to list have a sequence number below the one returned. A version id no longer
// there resumes at the versions older than it would be; a null version no longer there, at
// the next key.
func markerSeq(tx *store.Tx, bucket, key string, cur *objectRecord, id gofakes3.VersionID) (uint64, error) {
	if id != NullVersion {
		seq, ok := parseVersionID(id)
		if !ok {
			return 0, invalidVersionID(id)
		}
		return seq, nil
	}
	if cur.isNull() {
		return cur.Seq, nil
	}
	o, err := findNull(tx, bucket, key)
	if err != nil || o == nil {
		return 0, err
	}
	return o.Seq, nil
}

// metaOf is all the metadata of a record, the hidden entries included, and its
// Last-Modified.
func metaOf(o *objectRecord) map[string]string {
	meta := maps.Clone(o.Meta)
	if meta == nil {
		meta = map[string]string{}
	}
	meta[lastModified] = o.Modified.Format(http.TimeFormat)
	return meta
}

// nextSeq numbers a version. The caller holds the key's stripe, so that the versions of a
// key are numbered in the order they commit.
func (b *Backend) nextSeq() (uint64, error) {
	n, err := b.versions.Next()
	if err != nil {
		return 0, fmt.Errorf("number the version: %w", err)
	}
	return uint64(n), nil
}
