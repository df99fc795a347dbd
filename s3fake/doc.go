// Package s3fake owns fakeshift's S3 endpoint: gofakes3 (over the badger-backed
// s3fake/objects backend) for objects, listings and multipart uploads, behind s3fake's own
// router, which adds the layer real S3 has and gofakes3 lacks: SigV4 authentication (auth),
// bucket owners with canonical user ids, bucket policies evaluated on every request
// (s3fake/policy), bucket and object ACLs with Object Ownership, default encryption
// recorded on objects, Object Lock configuration, tags, public access block settings,
// aws-chunked uploads with trailing checksums verified, and test controls (bucket
// ownership transfer, injected faults, the log of refused requests).
//
// Every sub-resource S3 has is routed here first; those fakeshift does not serve answer
// S3's NotImplemented, and a GET of a configuration no bucket here can hold answers S3's
// own "not found" error for it.
//
// Authorisation is S3's for a single bucket with identity policies out of scope: the
// bucket owner's account may do anything its bucket policy does not explicitly deny; any
// other principal (another account, anonymous, an AWS service) needs an Allow of the
// bucket policy or, when ACLs are enabled, a grant of the bucket ACL.
//
// AWS services act in process: Transport serves an AWS SDK S3 client's requests with the
// service principal carried in the request context, evaluated by the same code as signed
// HTTP requests; BucketFacts tells such services what S3 does not leave to policies (the
// owner, the region, default encryption, Object Lock), and Authorize answers a dry run.
//
// Package s3fake never imports cluster, logger, redshiftapi, pgwire or sql.
package s3fake
