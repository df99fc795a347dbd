package objects

import (
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/johannesboyne/gofakes3"

	"github.com/fakeshift/fakeshift/store"
)

// MinPartSize is the smallest size S3 accepts for a part of a multipart upload other than
// the last, checked by CompleteMultipartUpload.
const MinPartSize = 5 << 20

// inlinePartDeletes is how many part records a completion deletes in its own transaction;
// those of an upload with more parts are deleted after it (New deletes what a crash
// leaves of them).
const inlinePartDeletes = 2000

// getUpload reads an upload record: gofakes3.BucketNotFound or gofakes3.ErrNoSuchUpload if
// it is missing.
func getUpload(tx *store.Tx, bucket, key string, id gofakes3.UploadID) (*uploadRecord, error) {
	if err := checkBucket(tx, bucket); err != nil {
		return nil, err
	}
	if !validUploadID(id) {
		return nil, gofakes3.ErrNoSuchUpload
	}
	v, err := tx.Get(uploadKey(bucket, key, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, gofakes3.ErrNoSuchUpload
	}
	if err != nil {
		return nil, err
	}
	return decodeUpload(v)
}

// CreateMultipartUpload starts an upload; its id is a decimal number, increasing with each
// upload, so that the uploads of a key list in the order they were started.
func (b *Backend) CreateMultipartUpload(bucket, key string, meta map[string]string) (gofakes3.UploadID, error) {
	n, err := b.uploads.Next()
	if err != nil {
		return "", fmt.Errorf("create multipart upload: %w", err)
	}
	id := formatUploadID(n)
	defer b.lockWrite()()
	err = b.space.Update(func(tx *store.Tx) error {
		if err := checkBucket(tx, bucket); err != nil {
			return err
		}
		return tx.Put(uploadKey(bucket, key, id), encodeUpload(&uploadRecord{Initiated: b.now(), Meta: storedMeta(meta)}))
	})
	if err != nil {
		return "", wrap(err, "create multipart upload of %q in bucket %q", key, bucket)
	}
	return id, nil
}

// UploadPart stores a part (1 to 10,000) and returns its ETag, the quoted MD5 of its data.
// A part uploaded again with the same number replaces the earlier one, whose data goes. The
// body is handled as PutObject handles it: an error of input comes back unchanged, a size
// other than contentLength (when not negative) is gofakes3.ErrIncompleteBody, and either
// way nothing stays stored.
func (b *Backend) UploadPart(bucket, key string, id gofakes3.UploadID, partNumber int, contentLength int64, input io.Reader) (string, error) {
	if partNumber < 1 || partNumber > gofakes3.MaxUploadPartNumber {
		return "", gofakes3.ErrInvalidPart
	}
	err := b.space.View(func(tx *store.Tx) error {
		_, err := getUpload(tx, bucket, key, id)
		return err
	})
	if err != nil {
		return "", wrap(err, "upload part %d of %q", partNumber, key)
	}
	d, err := b.ingest(input, contentLength)
	if err != nil {
		return "", err
	}
	part := &partRecord{Size: d.seg.Size, MD5: d.md5, Seg: d.seg}
	var g garbage
	err = func() error {
		defer b.lockWrite(uploadLock(id))()
		part.Modified = b.now()
		return b.space.Update(func(tx *store.Tx) error {
			g = garbage{}
			if _, err := getUpload(tx, bucket, key, id); err != nil {
				return err
			}
			pk := partKey(bucket, key, id, partNumber)
			v, err := tx.Get(pk)
			switch {
			case err == nil:
				old, err := decodePart(v)
				if err != nil {
					return err
				}
				if g, err = markGarbage(tx, refsOf([]segment{old.Seg})); err != nil {
					return err
				}
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			if err := d.writeIn(tx); err != nil {
				return err
			}
			return tx.Put(pk, encodePart(part))
		})
	}()
	if err != nil {
		b.discard(d)
		return "", wrap(err, "upload part %d of %q", partNumber, key)
	}
	b.reclaim(g)
	return part.etag(), nil
}

// loadParts reads the part records of an upload, by number.
func loadParts(tx *store.Tx, bucket, key string, id gofakes3.UploadID) (map[int]*partRecord, error) {
	parts := map[int]*partRecord{}
	prefix := partPrefix(bucket, key, id)
	err := tx.Scan(prefix, func(k, v []byte) error {
		if !isPart(prefix, k) {
			return nil
		}
		p, err := decodePart(v)
		if err != nil {
			return fmt.Errorf("part %q: %w", k, err)
		}
		parts[partNumberOf(k)] = p
		return nil
	})
	return parts, err
}

func partNumberOf(k []byte) int {
	n := 0
	for _, c := range k[len(k)-4:] {
		n = n<<8 | int(c)
	}
	return n
}

// CompleteMultipartUpload makes the object of an upload from the parts listed, in
// ascending order of number, each with its ETag, all but the last at least MinPartSize
// long; otherwise gofakes3.ErrInvalidPartOrder, gofakes3.ErrInvalidPart or an error with
// code ErrEntityTooSmall. The object refers to the parts' data, not a copy; parts not
// listed are removed. Its ETag is S3's for a multipart object: the MD5 of the parts' MD5s,
// a dash and the number of parts (see MultipartETagHeader). The object becomes the key's
// current version as PutObject's does, and the version id is PutObject's.
func (b *Backend) CompleteMultipartUpload(bucket, key string, id gofakes3.UploadID, input *gofakes3.CompleteMultipartUploadRequest) (gofakes3.VersionID, string, error) {
	if input == nil || len(input.Parts) == 0 {
		return "", "", gofakes3.ErrorMessage(gofakes3.ErrMalformedXML, gofakes3.ErrMalformedXML.Message())
	}
	for i := 1; i < len(input.Parts); i++ {
		if input.Parts[i].PartNumber <= input.Parts[i-1].PartNumber {
			return "", "", gofakes3.ErrInvalidPartOrder
		}
	}
	var trash []garbage
	var rec *objectRecord
	var versionID gofakes3.VersionID
	err := func() error {
		defer b.lockWrite(uploadLock(id), objectLock(bucket, key))()
		var upload *uploadRecord
		var parts map[int]*partRecord
		err := b.space.View(func(tx *store.Tx) error {
			var err error
			if upload, err = getUpload(tx, bucket, key, id); err != nil {
				return err
			}
			parts, err = loadParts(tx, bucket, key, id)
			return err
		})
		if err != nil {
			return err
		}
		rec = &objectRecord{Parts: len(input.Parts), Meta: upload.Meta}
		var listed [][]byte
		sums := md5.New()
		for _, in := range input.Parts {
			p := parts[in.PartNumber]
			if p == nil || !strings.EqualFold(strings.Trim(in.ETag, `"`), strings.Trim(p.etag(), `"`)) {
				return gofakes3.ErrorMessagef(gofakes3.ErrInvalidPart,
					"One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (part %d)", in.PartNumber)
			}
		}
		for _, in := range input.Parts[:len(input.Parts)-1] {
			if p := parts[in.PartNumber]; p.Size < MinPartSize {
				return entityTooSmall(p.Size, in.PartNumber, p.etag())
			}
		}
		for _, in := range input.Parts {
			p := parts[in.PartNumber]
			sums.Write(p.MD5[:])
			rec.Size += p.Size
			if p.Size > 0 {
				rec.Segs = append(rec.Segs, p.Seg)
			}
			listed = append(listed, partKey(bucket, key, id, in.PartNumber))
			delete(parts, in.PartNumber)
		}
		sums.Sum(rec.MD5[:0])

		// Parts not listed go first, their data marked in the transactions that delete them.
		var unlisted []int
		for n := range parts {
			unlisted = append(unlisted, n)
		}
		slices.Sort(unlisted)
		for len(unlisted) > 0 {
			batch := unlisted[:min(len(unlisted), inlinePartDeletes)]
			unlisted = unlisted[len(batch):]
			var g garbage
			err := b.space.Update(func(tx *store.Tx) error {
				var refs []dataRef
				for _, n := range batch {
					if err := tx.Delete(partKey(bucket, key, id, n)); err != nil {
						return err
					}
					refs = append(refs, refsOf([]segment{parts[n].Seg})...)
				}
				var err error
				g, err = markGarbage(tx, refs)
				return err
			})
			if err != nil {
				return err
			}
			trash = append(trash, g)
		}

		inline := listed[:min(len(listed), inlinePartDeletes)]
		listed = listed[len(inline):]
		// The object commits with the upload's record and the first parts' going.
		var g garbage
		versionID, g, err = b.commitLocked(bucket, key, rec, func(tx *store.Tx, _ *objectRecord) error {
			if _, err := getUpload(tx, bucket, key, id); err != nil {
				return err
			}
			if err := tx.Delete(uploadKey(bucket, key, id)); err != nil {
				return err
			}
			for _, k := range inline {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		trash = append(trash, g)
		// The records of the remaining listed parts: their data is the object's now.
		return deleteKeys(b.space, listed)
	}()
	b.reclaim(trash...)
	if err != nil {
		return "", "", wrap(err, "complete multipart upload of %q in bucket %q", key, bucket)
	}
	return versionID, `"` + rec.etag() + `"`, nil
}

// AbortMultipartUpload removes an upload and its parts' data.
func (b *Backend) AbortMultipartUpload(bucket, key string, id gofakes3.UploadID) error {
	var trash []garbage
	err := func() error {
		defer b.lockWrite(uploadLock(id))()
		err := b.space.View(func(tx *store.Tx) error {
			_, err := getUpload(tx, bucket, key, id)
			return err
		})
		if err != nil {
			return err
		}
		trash, err = b.dropUpload(bucket, key, id)
		return err
	}()
	b.reclaim(trash...)
	return wrap(err, "abort multipart upload of %q in bucket %q", key, bucket)
}

// dropUpload deletes an upload's parts, a batch per transaction with their data marked,
// then the upload record. The caller holds the upload's stripe or buckets exclusively.
func (b *Backend) dropUpload(bucket, key string, id gofakes3.UploadID) ([]garbage, error) {
	var trash []garbage
	prefix := partPrefix(bucket, key, id)
	for {
		var keys [][]byte
		var refs []dataRef
		err := b.space.View(func(tx *store.Tx) error {
			keys, refs = nil, nil
			err := tx.Scan(prefix, func(k, v []byte) error {
				if !isPart(prefix, k) {
					return nil
				}
				if len(keys) == inlinePartDeletes {
					return errStop
				}
				p, err := decodePart(v)
				if err != nil {
					return fmt.Errorf("part %q: %w", k, err)
				}
				keys = append(keys, slices.Clone(k))
				refs = append(refs, refsOf([]segment{p.Seg})...)
				return nil
			})
			if err == errStop {
				err = nil
			}
			return err
		})
		if err != nil {
			return trash, err
		}
		if len(keys) == 0 {
			break
		}
		g, err := b.deleteMarking(keys, refs)
		if err != nil {
			return trash, err
		}
		trash = append(trash, g)
	}
	return trash, b.space.Delete(uploadKey(bucket, key, id))
}

// ListParts lists the parts of an upload after the part number marker, at most limit (1,000
// when not above zero). NextPartNumberMarker is the last part listed.
func (b *Backend) ListParts(bucket, key string, id gofakes3.UploadID, marker int, limit int64) (*gofakes3.ListMultipartUploadPartsResult, error) {
	if limit <= 0 {
		limit = gofakes3.DefaultMaxUploadParts
	}
	res := &gofakes3.ListMultipartUploadPartsResult{
		Bucket:           bucket,
		Key:              key,
		UploadID:         id,
		StorageClass:     gofakes3.StorageStandard,
		PartNumberMarker: marker,
		MaxParts:         limit,
	}
	err := b.space.View(func(tx *store.Tx) error {
		if _, err := getUpload(tx, bucket, key, id); err != nil {
			return err
		}
		res.Parts = nil
		prefix := partPrefix(bucket, key, id)
		start := prefix
		if marker > 0 {
			if marker >= gofakes3.MaxUploadPartNumber {
				return nil
			}
			start = partKey(bucket, key, id, marker+1)
		}
		err := tx.ScanFrom(prefix, start, func(k, v []byte) error {
			if !isPart(prefix, k) {
				return nil
			}
			if int64(len(res.Parts)) == limit {
				res.IsTruncated = true
				return errStop
			}
			p, err := decodePart(v)
			if err != nil {
				return fmt.Errorf("part %q: %w", k, err)
			}
			n := partNumberOf(k)
			res.Parts = append(res.Parts, gofakes3.ListMultipartUploadPartItem{
				PartNumber:   n,
				LastModified: gofakes3.NewContentTime(p.Modified),
				ETag:         p.etag(),
				Size:         p.Size,
			})
			res.NextPartNumberMarker = n
			return nil
		})
		if err == errStop {
			err = nil
		}
		return err
	})
	if err != nil {
		return nil, wrap(err, "list parts of %q in bucket %q", key, bucket)
	}
	return res, nil
}

// ListMultipartUploads lists the uploads in progress in a bucket, by key and, for a key, in
// the order they were started: those under the prefix, rolled up into common prefixes after
// the delimiter as ListBucket does, after the marker (S3's key-marker and upload-id-marker:
// keys after the key, or the key's uploads after the upload id), at most limit (1,000 when
// not above zero) uploads and common prefixes together. When more follow, NextKeyMarker
// and NextUploadIDMarker name the last upload (or common prefix) listed.
func (b *Backend) ListMultipartUploads(bucket string, marker *gofakes3.UploadListMarker, prefix gofakes3.Prefix, limit int64) (*gofakes3.ListMultipartUploadsResult, error) {
	if limit <= 0 {
		limit = gofakes3.DefaultMaxUploads
	}
	ru := newRollup(&prefix)
	res := &gofakes3.ListMultipartUploadsResult{
		Bucket:     bucket,
		Prefix:     prefix.Prefix,
		Delimiter:  prefix.Delimiter,
		MaxUploads: limit,
	}
	base := uploadPrefix(bucket)
	scan := append(append([]byte(nil), base...), ru.prefix...)
	start := scan
	var mKey string
	var mID gofakes3.UploadID
	if marker != nil {
		mKey, mID = marker.Object, marker.UploadID
		res.KeyMarker, res.UploadIDMarker = mKey, mID
		start = append(append([]byte(nil), base...), mKey...)
	}
	err := b.space.View(func(tx *store.Tx) error {
		if err := checkBucket(tx, bucket); err != nil {
			return err
		}
		var count int64
		var lastKey string
		var lastID gofakes3.UploadID
		err := scanSeek(tx, scan, start, func(k, v []byte) ([]byte, error) {
			key, id, ok := parseUploadKey(string(k[len(base):]))
			if !ok {
				return nil, fmt.Errorf("malformed upload key %q", k)
			}
			if marker != nil && (key < mKey || key == mKey && (mID == "" || id <= mID)) {
				return nil, nil
			}
			if cp := ru.commonPrefix(key); cp != "" {
				next, err := past(base, cp)
				if marker != nil && cp <= mKey {
					return next, err
				}
				if count == limit {
					res.IsTruncated = true
					return nil, errStop
				}
				res.CommonPrefixes = append(res.CommonPrefixes, gofakes3.CommonPrefix{Prefix: cp})
				count++
				lastKey, lastID = cp, ""
				return next, err
			}
			if count == limit {
				res.IsTruncated = true
				return nil, errStop
			}
			u, err := decodeUpload(v)
			if err != nil {
				return nil, fmt.Errorf("upload %q: %w", k, err)
			}
			res.Uploads = append(res.Uploads, gofakes3.ListMultipartUploadItem{
				Key:          key,
				UploadID:     id,
				StorageClass: gofakes3.StorageStandard,
				Initiated:    gofakes3.NewContentTime(u.Initiated),
			})
			count++
			lastKey, lastID = key, id
			return nil, nil
		})
		if err == errStop {
			err = nil
		}
		if res.IsTruncated {
			res.NextKeyMarker, res.NextUploadIDMarker = lastKey, lastID
		}
		return err
	})
	if err != nil {
		return nil, wrap(err, "list multipart uploads of bucket %q", bucket)
	}
	return res, nil
}
