package objects

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/store"
)

// HiddenMetaPrefix starts the metadata keys the backend stores with an object but leaves
// out of the Object.Metadata of GetObject and HeadObject (gofakes3 writes every entry of it
// as a response header); ObjectMeta returns them. Matched without regard to case. It starts
// with X-Amz- because gofakes3 stores only X-Amz-* request headers as metadata, and s3fake
// drops every such header a client sends before gofakes3 sees it.
const HiddenMetaPrefix = "X-Amz-Fakeshift-"

// lastModified is the metadata entry gofakes3 reads the modification time from; the backend
// makes it from the object record rather than storing it.
const lastModified = "Last-Modified"

func isHidden(k string) bool {
	return len(k) >= len(HiddenMetaPrefix) && strings.EqualFold(k[:len(HiddenMetaPrefix)], HiddenMetaPrefix)
}

// storedMeta is the metadata to store from what a caller gives: without Last-Modified,
// which the commit stamps, nor MultipartETagHeader, which GetObject and HeadObject make (a
// copy through gofakes3 passes them back).
func storedMeta(meta map[string]string) map[string]string {
	out := make(map[string]string, len(meta))
	for k, v := range meta {
		if strings.EqualFold(k, lastModified) || strings.EqualFold(k, MultipartETagHeader) {
			continue
		}
		out[k] = v
	}
	return out
}

// getObject reads an object record; nil when there is none.
func getObject(tx *store.Tx, bucket, key string) (*objectRecord, error) {
	v, err := tx.Get(objectKey(bucket, key))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o, err := decodeObject(v)
	if err != nil {
		return nil, fmt.Errorf("object %q: %w", key, err)
	}
	return o, nil
}

// loadObject reads the record of a key's current object, or returns gofakes3.BucketNotFound
// or gofakes3.KeyNotFound (also when the current version is a delete marker).
func (b *Backend) loadObject(bucket, key string) (*objectRecord, error) {
	o, _, err := b.loadCurrent(bucket, key)
	return o, err
}

// loadCurrent is loadObject that also returns the bucket's versioning status.
func (b *Backend) loadCurrent(bucket, key string) (*objectRecord, gofakes3.VersioningStatus, error) {
	var o *objectRecord
	var status gofakes3.VersioningStatus
	err := b.space.View(func(tx *store.Tx) error {
		r, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		status = r.Versioning
		o, err = getObject(tx, bucket, key)
		if err == nil && live(o) == nil {
			err = gofakes3.KeyNotFound(key)
		}
		return err
	})
	return o, status, wrap(err, "read object %q in bucket %q", key, bucket)
}

// object is the gofakes3 view of a record, Contents not set; its VersionID is set in a
// versioned bucket only.
func object(key string, o *objectRecord, status gofakes3.VersioningStatus) *gofakes3.Object {
	meta := make(map[string]string, len(o.Meta)+2)
	for k, v := range o.Meta {
		if !isHidden(k) {
			meta[k] = v
		}
	}
	meta[lastModified] = o.Modified.Format(http.TimeFormat)
	if o.Parts > 0 {
		meta[MultipartETagHeader] = `"` + o.etag() + `"`
	}
	return &gofakes3.Object{Name: key, Metadata: meta, Size: o.Size, Hash: o.MD5[:], VersionID: resultVersionID(status, o)}
}

// GetObject returns an object whose Contents stream its data (or the range asked for), a
// chunk at a time. The Contents fail with ErrDataGone if the object is overwritten or
// deleted while they are read.
func (b *Backend) GetObject(bucket, key string, rangeRequest *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	o, status, err := b.loadCurrent(bucket, key)
	if err != nil {
		return nil, err
	}
	return b.readObject(key, o, status, rangeRequest)
}

// readObject is the gofakes3 view of a record, its Contents streaming the range asked for.
func (b *Backend) readObject(key string, o *objectRecord, status gofakes3.VersioningStatus, rangeRequest *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	obj := object(key, o, status)
	start, length := int64(0), o.Size
	if rangeRequest != nil {
		rng, err := rangeRequest.Range(o.Size)
		if err != nil {
			return nil, err
		}
		if rng != nil {
			obj.Range = rng
			start, length = rng.Start, rng.Length
		}
	}
	obj.Contents = b.newReader(o.Segs, start, length)
	return obj, nil
}

// HeadObject returns an object whose Contents are empty.
func (b *Backend) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	o, status, err := b.loadCurrent(bucket, key)
	if err != nil {
		return nil, err
	}
	obj := object(key, o, status)
	obj.Contents = http.NoBody
	return obj, nil
}

// ObjectMeta returns all the metadata stored with an object, the hidden entries included,
// and its Last-Modified. It returns gofakes3.KeyNotFound(key) or
// gofakes3.BucketNotFound(bucket).
func (b *Backend) ObjectMeta(bucket, key string) (map[string]string, error) {
	o, err := b.loadObject(bucket, key)
	if err != nil {
		return nil, err
	}
	return metaOf(o), nil
}

// checkConditions applies gofakes3's rules for conditional writes to the object in place
// (nil for none), with S3's ETag of a multipart object ("<md5>-<parts>") matched as a
// whole.
func checkConditions(c *gofakes3.PutConditions, old *objectRecord) error {
	if c == nil {
		return nil
	}
	info := gofakes3.ConditionalObjectInfo{}
	cc := *c
	if old != nil {
		info.Exists, info.Hash = true, old.MD5[:]
		if cc.IfMatch != nil {
			want := hex.EncodeToString(old.MD5[:])
			if strings.Trim(*cc.IfMatch, `"`) != old.etag() {
				want = "does not match"
			}
			cc.IfMatch = &want
		}
	}
	return gofakes3.CheckPutConditions(&cc, &info)
}

// PutObject stores an object. The data is read to its end, stored in chunks, and becomes
// visible when its record commits, with the conditions checked in the same transaction. An
// error of input comes back unchanged, and data shorter or longer than size is
// gofakes3.ErrIncompleteBody; either way nothing stays stored. In an unversioned bucket the
// object replaces the key's, whose data is removed after the commit, and the result has no
// version id. In a versioned bucket it is a new version: with a new version id when
// versioning is enabled, the null version (replacing the key's) when it is suspended.
func (b *Backend) PutObject(bucket, key string, meta map[string]string, input io.Reader, size int64, conditions *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	var res gofakes3.PutObjectResult
	if conditions != nil {
		// Fail before reading the body when the conditions already fail; the commit checks
		// them again. Without conditions there is nothing to check first: gofakes3 has found
		// the bucket, and the commit finds it again.
		err := b.space.View(func(tx *store.Tx) error {
			if err := checkBucket(tx, bucket); err != nil {
				return err
			}
			old, err := getObject(tx, bucket, key)
			if err != nil {
				return err
			}
			return checkConditions(conditions, live(old))
		})
		if err != nil {
			return res, wrap(err, "put object %q in bucket %q", key, bucket)
		}
	}
	d, err := b.ingest(input, size)
	if err != nil {
		return res, err
	}
	rec := &objectRecord{Size: d.seg.Size, MD5: d.md5, Meta: storedMeta(meta), Segs: d.segs()}
	res.VersionID, err = b.commitObject(bucket, key, rec, func(tx *store.Tx, old *objectRecord) error {
		if err := checkConditions(conditions, old); err != nil {
			return err
		}
		return d.writeIn(tx)
	})
	if err != nil {
		b.discard(d)
		return gofakes3.PutObjectResult{}, wrap(err, "put object %q in bucket %q", key, bucket)
	}
	return res, nil
}

// commitObject writes an object record (stamped now) as the key's current version, as the
// bucket's versioning wants (see install), and removes after the commit the data no version
// refers to any more. in runs in the transaction first, with the current object (nil if
// none, or a delete marker). It returns the version id to answer (none in an unversioned
// bucket).
func (b *Backend) commitObject(bucket, key string, rec *objectRecord, in func(tx *store.Tx, old *objectRecord) error) (gofakes3.VersionID, error) {
	var g garbage
	id, err := func() (id gofakes3.VersionID, err error) {
		defer b.lockWrite(objectLock(bucket, key))()
		id, g, err = b.commitLocked(bucket, key, rec, in)
		return id, err
	}()
	if err != nil {
		return "", err
	}
	b.reclaim(g)
	return id, nil
}

// commitLocked is commitObject for a caller that holds the key's stripe and reclaims the
// garbage returned itself (CompleteMultipartUpload holds the upload's stripe too, and has
// garbage of its own): the one place a new object or version is installed.
func (b *Backend) commitLocked(bucket, key string, rec *objectRecord, in func(tx *store.Tx, old *objectRecord) error) (gofakes3.VersionID, garbage, error) {
	seq, err := b.nextSeq()
	if err != nil {
		return "", garbage{}, err
	}
	rec.Modified = b.now()
	var g garbage
	var id gofakes3.VersionID
	err = b.space.Update(func(tx *store.Tx) error {
		g = garbage{}
		r, err := getBucket(tx, bucket)
		if err != nil {
			return err
		}
		old, err := getObject(tx, bucket, key)
		if err != nil {
			return err
		}
		if in != nil {
			if err := in(tx, live(old)); err != nil {
				return err
			}
		}
		setVersion(rec, r.Versioning, seq)
		id = resultVersionID(r.Versioning, rec)
		g, err = install(tx, bucket, key, r.Versioning, rec, old)
		return err
	})
	if err != nil {
		return "", garbage{}, err
	}
	return id, g, nil
}

// DeleteObject deletes an object. In an unversioned bucket it goes with its data, and the
// result is empty. In a versioned bucket a delete marker becomes the key's current version
// (whether or not the key had any), as S3 does: with a new version id when versioning is
// enabled; as the null version, replacing the key's, when it is suspended. A missing object
// is not an error, a missing bucket is gofakes3.BucketNotFound.
func (b *Backend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	var g garbage
	var res gofakes3.ObjectDeleteResult
	err := func() error {
		defer b.lockWrite(objectLock(bucket, key))()
		seq, err := b.nextSeq()
		if err != nil {
			return err
		}
		now := b.now()
		return b.space.Update(func(tx *store.Tx) error {
			g, res = garbage{}, gofakes3.ObjectDeleteResult{}
			r, err := getBucket(tx, bucket)
			if err != nil {
				return err
			}
			old, err := getObject(tx, bucket, key)
			if err != nil {
				return err
			}
			if r.Versioning == gofakes3.VersioningNone {
				if old == nil {
					return nil
				}
				if err := tx.Delete(objectKey(bucket, key)); err != nil {
					return err
				}
				g, err = markGarbage(tx, refsOf(old.Segs))
				return err
			}
			marker := &objectRecord{Modified: now, DeleteMarker: true}
			setVersion(marker, r.Versioning, seq)
			res = gofakes3.ObjectDeleteResult{IsDeleteMarker: true, VersionID: marker.versionID()}
			g, err = install(tx, bucket, key, r.Versioning, marker, old)
			return err
		})
	}()
	if err != nil {
		return gofakes3.ObjectDeleteResult{}, wrap(err, "delete object %q in bucket %q", key, bucket)
	}
	b.reclaim(g)
	return res, nil
}

// DeleteMulti deletes objects one by one, reporting each.
func (b *Backend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	var res gofakes3.MultiDeleteResult
	if ok, err := b.BucketExists(bucket); err != nil {
		return res, err
	} else if !ok {
		return res, gofakes3.BucketNotFound(bucket)
	}
	for _, key := range keys {
		if _, err := b.DeleteObject(bucket, key); err != nil {
			if !isS3Error(err) {
				b.log.Error("objects: delete failed", logKeyBucket, bucket, logKeyKey, key, logKeyErr, err)
			}
			e := gofakes3.ErrorResultFromError(err)
			e.Key = key
			res.Error = append(res.Error, e)
			continue
		}
		res.Deleted = append(res.Deleted, gofakes3.ObjectID{Key: key})
	}
	return res, nil
}

// CopyObject copies an object's data into a new object with meta as its metadata (gofakes3
// has merged the source's into it already). The copy is a plain object even when the
// source was completed from a multipart upload: its ETag is its data's MD5, as in S3. In a
// versioned bucket the copy is a new version, as PutObject makes; gofakes3's result has no
// room for its version id: CopyObjectVersion returns it.
func (b *Backend) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, error) {
	res, _, err := b.CopyObjectVersion(srcBucket, srcKey, "", dstBucket, dstKey, meta)
	return res, err
}

// CopyObjectVersion is CopyObject from a version of the source (its current object when
// srcVersion is empty; NullVersion is the null version), returning the version id of the
// copy (none in an unversioned bucket). A source version that is a delete marker is S3's
// InvalidRequest, answered as gofakes3.ErrInvalidArgument.
func (b *Backend) CopyObjectVersion(srcBucket, srcKey string, srcVersion gofakes3.VersionID, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, gofakes3.VersionID, error) {
	var res gofakes3.CopyObjectResult
	var src *objectRecord
	var err error
	if srcVersion == "" {
		src, err = b.loadObject(srcBucket, srcKey)
	} else {
		src, _, err = b.loadVersion(srcBucket, srcKey, srcVersion)
	}
	if err != nil {
		return res, "", err
	}
	if src.DeleteMarker {
		return res, "", gofakes3.ErrorInvalidArgument("x-amz-copy-source", srcKey+"?versionId="+string(srcVersion),
			"The source of a copy request may not specifically refer to a delete marker by version id.")
	}
	if ok, err := b.BucketExists(dstBucket); err != nil {
		return res, "", err
	} else if !ok {
		return res, "", gofakes3.BucketNotFound(dstBucket)
	}
	d, err := b.ingest(b.newReader(src.Segs, 0, src.Size), src.Size)
	if err != nil {
		return res, "", wrap(err, "copy object %q of bucket %q", srcKey, srcBucket)
	}
	rec := &objectRecord{Size: d.seg.Size, MD5: d.md5, Meta: storedMeta(meta), Segs: d.segs()}
	id, err := b.commitObject(dstBucket, dstKey, rec, func(tx *store.Tx, _ *objectRecord) error { return d.writeIn(tx) })
	if err != nil {
		b.discard(d)
		return res, "", wrap(err, "copy object to %q in bucket %q", dstKey, dstBucket)
	}
	return gofakes3.CopyObjectResult{ETag: `"` + rec.etag() + `"`, LastModified: gofakes3.NewContentTime(rec.Modified)}, id, nil
}

// rollup finds the common prefix a listed name rolls up into, S3's way: the name up to the
// first delimiter after the prefix, delimiter included.
type rollup struct{ prefix, delim string }

func newRollup(p *gofakes3.Prefix) rollup {
	if p == nil {
		return rollup{}
	}
	return rollup{prefix: p.Prefix, delim: p.Delimiter}
}

func (r rollup) commonPrefix(name string) string {
	if r.delim == "" || !strings.HasPrefix(name, r.prefix) {
		return ""
	}
	i := strings.Index(name[len(r.prefix):], r.delim)
	if i < 0 {
		return ""
	}
	return name[:len(r.prefix)+i+len(r.delim)]
}

var errSeek = errors.New("seek")

// scanSeek is tx.ScanFrom where fn may skip ahead: a non-nil next goes on from that key.
func scanSeek(tx *store.Tx, prefix, start []byte, fn func(key, val []byte) (next []byte, err error)) error {
	for {
		var next []byte
		err := tx.ScanFrom(prefix, start, func(k, v []byte) error {
			n, err := fn(k, v)
			if err == nil && n != nil {
				next = n
				return errSeek
			}
			return err
		})
		if err != errSeek {
			return err
		}
		start = next
	}
}

// past is the key to go on from after every name starting with cp: nil when there is
// none, which ends the scan.
func past(base []byte, cp string) ([]byte, error) {
	s := successor(cp)
	if s == "" {
		return nil, errStop
	}
	return append(append([]byte(nil), base...), s...), nil
}

// ListBucket lists a bucket's objects in key order: those under the prefix, those after the
// delimiter rolled up into common prefixes, after page.Marker (exclusive), at most
// page.MaxKeys (when above zero) keys and common prefixes together. When more follow,
// IsTruncated is set and NextMarker is the last key or common prefix listed. A key whose
// current version is a delete marker is not listed, as in S3.
//
// The prefix and delimiter work as in S3, which gofakes3's Prefix.Match approximates:
// keys starting with the delimiter roll up into a common prefix starting with it.
func (b *Backend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	ru := newRollup(prefix)
	marker := page.Marker
	base := objectPrefix(name)
	scan := append(append([]byte(nil), base...), ru.prefix...)
	start := scan
	if marker != "" {
		start = append(append(append([]byte(nil), base...), marker...), 0) // the first key after marker
	}
	var list *gofakes3.ObjectList
	err := b.space.View(func(tx *store.Tx) error {
		if err := checkBucket(tx, name); err != nil {
			return err
		}
		list = gofakes3.NewObjectList()
		var count int64
		var last string
		err := scanSeek(tx, scan, start, func(k, v []byte) ([]byte, error) {
			key := string(k[len(base):])
			o, err := decodeObjectHeader(v)
			if err != nil {
				return nil, fmt.Errorf("object %q: %w", key, err)
			}
			if o.DeleteMarker {
				return nil, nil // deleted in a versioned bucket; nor does it make a common prefix
			}
			if cp := ru.commonPrefix(key); cp != "" {
				next, err := past(base, cp)
				if cp <= marker {
					return next, err // listed on an earlier page
				}
				if page.MaxKeys > 0 && count == page.MaxKeys {
					list.IsTruncated = true
					return nil, errStop
				}
				list.CommonPrefixes = append(list.CommonPrefixes, gofakes3.CommonPrefix{Prefix: cp})
				count++
				last = cp
				return next, err
			}
			if page.MaxKeys > 0 && count == page.MaxKeys {
				list.IsTruncated = true
				return nil, errStop
			}
			list.Add(&gofakes3.Content{
				Key:          key,
				LastModified: gofakes3.NewContentTime(o.Modified),
				ETag:         `"` + o.etag() + `"`,
				Size:         o.Size,
				StorageClass: gofakes3.StorageStandard,
			})
			count++
			last = key
			return nil, nil
		})
		if err == errStop {
			err = nil
		}
		if list.IsTruncated {
			list.NextMarker = last
		}
		return err
	})
	if err != nil {
		return nil, wrap(err, "list bucket %q", name)
	}
	return list, nil
}
