// Package objects owns the storage of fakeshift's S3: buckets (with the opaque attributes
// the s3fake layer keeps with each), objects and multipart uploads, in the "s3" key space of
// the store. Backend is a gofakes3.Backend, gofakes3.MultipartBackend and
// gofakes3.VersionedBackend, so multipart uploads and object versions persist with
// everything else.
//
// # Key layout
//
//	b/<bucket>                                   bucket: creation time, versioning status
//	                                             (once set), attributes
//	o/<bucket>\x00<key>                          the key's current version, an object or a
//	                                             delete marker: size, MD5, parts,
//	                                             modification time, metadata, the data
//	                                             segments it is made of; in a versioned
//	                                             bucket its sequence number and flags
//	                                             (null version, delete marker)
//	v/<bucket>\x00<key>\x00<^seq, 8 bytes BE>    a noncurrent version or delete marker of
//	                                             the key, the same record; the inverted
//	                                             sequence number lists them newest first
//	d/<data id>/<chunk index, 8 bytes BE>        a chunk of a segment's data
//	p/<marker id>                                data (data ids and chunk counts) no record
//	                                             refers to: being written, or to remove
//	u/<bucket>\x00<key>\x00<upload id>           multipart upload: start time, metadata
//	m/<bucket>\x00<key>\x00<upload id>\x00<part, 4 bytes BE>
//	                                             part: size, MD5, time, its data segment
//	n/upload                                     the counter of upload ids
//	n/version                                    the counter of version sequence numbers
//
// Records are binary, each starting with a version byte: 1 for the records of unversioned
// buckets (byte for byte those of before versioning), 2 for a bucket record with a
// versioning status and an object record written in a versioned bucket.
//
// # Versions
//
// A bucket starts unversioned: a write replaces the key's object, a delete removes it, and
// no version id is answered. SetVersioningConfiguration enables or suspends versioning;
// the bucket never goes back to unversioned. A write in a versioned bucket (PutObject,
// CompleteMultipartUpload, CopyObject) takes the next sequence number (under the key's
// stripe, so that a key's versions are numbered in commit order) and becomes the current
// version in o/; the version it displaces moves, record and data references unchanged, to
// v/ under its sequence number, in the same transaction. When versioning is enabled the new
// version's id is its sequence number, inverted and in base32hex (13 characters of
// [0-9A-V], newest sorting first). When it is suspended the new version is the null version
// (id NullVersion), and the key's previous null version, current or in v/, is removed with
// its data. An object written while the bucket was unversioned has sequence number 0: the
// null version, older than any other version of its key. DeleteObject in a versioned
// bucket writes a delete marker the same way; GetObject, HeadObject, ObjectMeta and
// ListBucket skip a key whose current version is a delete marker. DeleteObjectVersion
// removes a version for good; when it was the current one, the newest of v/ moves to o/ in
// the same transaction. So a key has an o/ record whenever it has any version, and a bucket
// with only noncurrent versions and delete markers is not empty.
//
// ListBucketVersions walks o/ in key order, as ListBucket does, and for each key lists its
// o/ record (IsLatest) and then its v/ records. A version id marker resumes a key's
// versions below that id's sequence number.
//
// # Data
//
// Data is stored in chunks of Options.ChunkSize bytes (badger's in-memory mode cannot hold
// a value of 1 MiB), a batch of about 1 MiB of chunks per transaction (a transaction holds
// a few MB at most). A record becomes visible only when it commits, after all its data:
// data up to a batch long is written by the commit itself, longer data first under a
// pending marker that the commit clears. A body that fails (its reader's error comes back
// unchanged) or does not have the announced size (gofakes3.ErrIncompleteBody) leaves
// nothing. The transaction that stops referring to data (overwrite, delete, removal of a
// version, abort, a part uploaded again) marks it, and the data is removed after it; New removes whatever a crash
// left marked. A multipart completion does not copy: the object refers to the parts' data.
//
// GetObject streams the data (or the range asked for) a chunk at a time, each read in its
// own transaction. A reader that outlives an overwrite or delete of its object fails
// mid-stream with ErrDataGone: it does not hold a snapshot.
//
// # ETags
//
// An object's ETag is its MD5; one completed from a multipart upload has S3's
// "<md5 of the parts' MD5s>-<parts>", which ListBucket lists and CompleteMultipartUpload
// returns. gofakes3 makes the ETag of a GET or HEAD from Object.Hash, which cannot hold
// "-<parts>": the handler must be wrapped in MultipartETags for them to answer the same ETag
// (see MultipartETagHeader). Conditional writes (If-Match) match the whole S3 ETag.
//
// # Limits
//
//   - One Backend per key space: New removes the pending data of writes in progress.
//   - Times are kept to the second, as S3 does.
//   - Listings follow S3's prefix and delimiter rules (gofakes3's Prefix.Match differs for
//     keys starting with the delimiter), and count keys and common prefixes together
//     against the page size; a page size of zero or less lists everything.
//   - Object locks, tags, ACLs and encryption are not kept here: the s3fake layer keeps
//     them in bucket attributes and hidden metadata (HiddenMetaPrefix), which is kept per
//     version (ObjectVersionMeta).
//   - MFA delete is not offered (gofakes3.ErrNotImplemented). gofakes3's CopyObjectResult
//     has no version id: CopyObjectVersion returns the copy's, and copies from a version.
//   - Finding a key's null version among its noncurrent ones scans them: a write into a
//     suspended bucket costs as many reads as the key has versions.
//   - gofakes3 v1.2.0 has no EntityTooSmall: see ErrEntityTooSmall.
package objects
