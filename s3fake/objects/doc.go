// Package objects owns the storage of fakeshift's S3: buckets (with the opaque attributes
// the s3fake layer keeps with each), objects and multipart uploads, in the "s3" key space of
// the store. Backend is a gofakes3.Backend and gofakes3.MultipartBackend, so multipart
// uploads persist with everything else. It is not a gofakes3.VersionedBackend: versioning
// is not offered, and gofakes3 answers the versioning calls itself (never enabled).
//
// # Key layout
//
//	b/<bucket>                                   bucket: creation time, attributes
//	o/<bucket>\x00<key>                          object: size, MD5, parts, modification
//	                                             time, metadata, the data segments it is
//	                                             made of
//	d/<data id>/<chunk index, 8 bytes BE>        a chunk of a segment's data
//	p/<marker id>                                data (data ids and chunk counts) no record
//	                                             refers to: being written, or to remove
//	u/<bucket>\x00<key>\x00<upload id>           multipart upload: start time, metadata
//	m/<bucket>\x00<key>\x00<upload id>\x00<part, 4 bytes BE>
//	                                             part: size, MD5, time, its data segment
//	n/upload                                     the counter of upload ids
//
// Records are binary, each starting with a version byte.
//
// # Data
//
// Data is stored in chunks of Options.ChunkSize bytes (badger's in-memory mode cannot hold
// a value of 1 MiB), a batch of about 1 MiB of chunks per transaction (a transaction holds
// a few MB at most). A record becomes visible only when it commits, after all its data:
// data up to a batch long is written by the commit itself, longer data first under a
// pending marker that the commit clears. A body that fails (its reader's error comes back
// unchanged) or does not have the announced size (gofakes3.ErrIncompleteBody) leaves
// nothing. The transaction that stops referring to data (overwrite, delete, abort, a part
// uploaded again) marks it, and the data is removed after it; New removes whatever a crash
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
//   - Versioning, object locks, tags, ACLs and encryption are not kept here: the s3fake
//     layer keeps them in bucket attributes and hidden metadata (HiddenMetaPrefix).
//   - gofakes3 v1.2.0 has no EntityTooSmall: see ErrEntityTooSmall.
package objects
