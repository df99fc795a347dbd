package s3fake

import (
	"net/http"
	"net/url"
	"sort"
)

// operation is one S3 API operation: its name, the IAM action a policy must allow, whether
// it acts on an object, and how s3fake serves it.
type operation struct {
	name        string
	action      string
	object      bool
	needsBucket bool
	run         func(s *S3, c *call) error
}

// Operation names used outside the table.
const (
	opCreateBucket = "CreateBucket"
	opPutObject    = "PutObject"
)

// route picks the operation of a request. Every sub-resource S3 knows is taken here, before
// the plain verb: gofakes3 routes only a few and lets the rest fall through to the verb
// (PUT /b?policy would create a bucket). Sub-resources fakeshift does not serve answer
// NotImplemented, never a wrong success.
func route(method, bucket, key string, q url.Values) (*operation, error) {
	if bucket == "" {
		if method == http.MethodGet {
			return opListBuckets, nil
		}
		return nil, errMethodNotAllowed
	}
	table, plain := bucketSubresources, bucketVerbs
	if key != "" {
		table, plain = objectSubresources, objectVerbs
	}
	sub := subresource(q, table)
	if sub == "" {
		if op, ok := plain[method]; ok {
			return op, nil
		}
		return nil, errMethodNotAllowed
	}
	byMethod := table[sub]
	if op, ok := byMethod[method]; ok {
		if va, ok := versionActions[op.action]; ok && key != "" && q.Has("versionId") {
			v := *op
			v.action = va
			return &v, nil
		}
		return op, nil
	}
	if byMethod == nil {
		return unsupported(sub), nil
	}
	return nil, errMethodNotAllowed
}

// versionActions are the actions of the object calls that also name a version
// (?acl&versionId=): S3 authorises them as the version's own action, so a policy that
// allows s3:GetObjectAcl does not reach an older version's ACL (Service Authorization
// Reference, actions defined by Amazon S3).
var versionActions = map[string]string{
	"s3:GetObjectAcl": "s3:GetObjectVersionAcl", "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
	"s3:GetObjectTagging": "s3:GetObjectVersionTagging", "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
	"s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
}

// subresource returns the sub-resource a query names: one of table's keys, else one of the
// sub-resources S3 has and fakeshift does not serve. Other query parameters (prefix,
// max-keys, x-id, X-Amz-*, response-*) are not sub-resources. Of several (partNumber with
// uploadId), a served one wins, then sorted order, for a stable answer.
func subresource(q url.Values, table map[string]map[string]*operation) string {
	var served, other []string
	for k := range q {
		if _, ok := table[k]; ok {
			served = append(served, k)
		} else if knownSubresources[k] {
			other = append(other, k)
		}
	}
	for _, found := range [][]string{served, other} {
		if len(found) > 0 {
			sort.Strings(found)
			return found[0]
		}
	}
	return ""
}

// knownSubresources are the sub-resources of S3's REST API (bucket and object), whether
// fakeshift serves them or not.
var knownSubresources = map[string]bool{
	"accelerate": true, "acl": true, "analytics": true, "attributes": true, "cors": true,
	"delete": true, "encryption": true, "intelligent-tiering": true, "inventory": true,
	"legal-hold": true, "lifecycle": true, "location": true, "logging": true,
	"metadataConfiguration": true, "metadataTable": true, "metrics": true,
	"notification": true, "object-lock": true, "ownershipControls": true, "partNumber": true,
	"policy": true, "policyStatus": true, "publicAccessBlock": true, "renameObject": true,
	"replication": true, "requestPayment": true, "restore": true, "retention": true,
	"select": true, "session": true, "tagging": true, "torrent": true, "uploadId": true,
	"uploads": true, "versionId": true, "versioning": true, "versions": true, "website": true,
	"abac": true,
}

// unsupported is the operation of a sub-resource fakeshift does not serve.
func unsupported(sub string) *operation {
	return &operation{name: "?" + sub, action: "s3:*", run: func(*S3, *call) error {
		return notImplemented("the ?" + sub + " sub-resource")
	}}
}

func bucketOp(name, action string, run func(*S3, *call) error) *operation {
	return &operation{name: name, action: action, needsBucket: true, run: run}
}

func objectOp(name, action string, run func(*S3, *call) error) *operation {
	return &operation{name: name, action: action, object: true, needsBucket: true, run: run}
}

// notConfigured answers a GET of a configuration fakeshift cannot hold: S3's own "not
// found" error for it, which is the truth for every bucket here.
func notConfigured(e *Error) func(*S3, *call) error {
	return func(_ *S3, c *call) error { return e.withBucket(c.bucket) }
}

// nothingToDelete answers a DELETE of a configuration no bucket here can have: 204, as S3
// answers when there is none.
func nothingToDelete(_ *S3, c *call) error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func notSupported(what string) func(*S3, *call) error {
	return func(*S3, *call) error { return notImplemented(what) }
}

var opListBuckets = &operation{name: "ListBuckets", action: "s3:ListAllMyBuckets", run: (*S3).listBuckets}

var bucketVerbs = map[string]*operation{
	http.MethodGet:    bucketOp("ListObjects", "s3:ListBucket", (*S3).listObjects),
	http.MethodHead:   bucketOp("HeadBucket", "s3:ListBucket", (*S3).headBucket),
	http.MethodPut:    {name: opCreateBucket, action: "s3:CreateBucket", run: (*S3).createBucket},
	http.MethodDelete: bucketOp("DeleteBucket", "s3:DeleteBucket", (*S3).deleteBucket),
	http.MethodPost:   bucketOp("PostObject", "s3:PutObject", notSupported("browser-based POST uploads")),
}

var bucketSubresources = map[string]map[string]*operation{
	"policy": {
		http.MethodGet:    bucketOp("GetBucketPolicy", "s3:GetBucketPolicy", (*S3).getBucketPolicy),
		http.MethodPut:    bucketOp("PutBucketPolicy", "s3:PutBucketPolicy", (*S3).putBucketPolicy),
		http.MethodDelete: bucketOp("DeleteBucketPolicy", "s3:DeleteBucketPolicy", (*S3).deleteBucketPolicy),
	},
	"acl": {
		http.MethodGet: bucketOp("GetBucketAcl", "s3:GetBucketAcl", (*S3).getBucketACL),
		http.MethodPut: bucketOp("PutBucketAcl", "s3:PutBucketAcl", (*S3).putBucketACL),
	},
	"ownershipControls": {
		http.MethodGet:    bucketOp("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", (*S3).getOwnership),
		http.MethodPut:    bucketOp("PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", (*S3).putOwnership),
		http.MethodDelete: bucketOp("DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", (*S3).deleteOwnership),
	},
	"encryption": {
		http.MethodGet:    bucketOp("GetBucketEncryption", "s3:GetEncryptionConfiguration", (*S3).getEncryption),
		http.MethodPut:    bucketOp("PutBucketEncryption", "s3:PutEncryptionConfiguration", (*S3).putEncryption),
		http.MethodDelete: bucketOp("DeleteBucketEncryption", "s3:PutEncryptionConfiguration", (*S3).deleteEncryption),
	},
	"object-lock": {
		http.MethodGet: bucketOp("GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", (*S3).getObjectLock),
		http.MethodPut: bucketOp("PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", (*S3).putObjectLock),
	},
	"tagging": {
		http.MethodGet:    bucketOp("GetBucketTagging", "s3:GetBucketTagging", (*S3).getBucketTagging),
		http.MethodPut:    bucketOp("PutBucketTagging", "s3:PutBucketTagging", (*S3).putBucketTagging),
		http.MethodDelete: bucketOp("DeleteBucketTagging", "s3:PutBucketTagging", (*S3).deleteBucketTagging),
	},
	"publicAccessBlock": {
		http.MethodGet:    bucketOp("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", (*S3).getPublicAccessBlock),
		http.MethodPut:    bucketOp("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", (*S3).putPublicAccessBlock),
		http.MethodDelete: bucketOp("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", (*S3).deletePublicAccessBlock),
	},
	"versioning": {
		http.MethodGet: bucketOp("GetBucketVersioning", "s3:GetBucketVersioning", (*S3).getVersioning),
		http.MethodPut: bucketOp("PutBucketVersioning", "s3:PutBucketVersioning", (*S3).putVersioning),
	},
	"location": {
		http.MethodGet: bucketOp("GetBucketLocation", "s3:GetBucketLocation", (*S3).getLocation),
	},
	"logging": {
		http.MethodGet: bucketOp("GetBucketLogging", "s3:GetBucketLogging", (*S3).getLogging),
		http.MethodPut: bucketOp("PutBucketLogging", "s3:PutBucketLogging", notSupported("server access logging")),
	},
	"lifecycle": {
		http.MethodGet:    bucketOp("GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", notConfigured(errNoLifecycle)),
		http.MethodPut:    bucketOp("PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", notSupported("lifecycle configuration")),
		http.MethodDelete: bucketOp("DeleteBucketLifecycle", "s3:PutLifecycleConfiguration", nothingToDelete),
	},
	"cors": {
		http.MethodGet:    bucketOp("GetBucketCors", "s3:GetBucketCORS", notConfigured(errNoCORS)),
		http.MethodPut:    bucketOp("PutBucketCors", "s3:PutBucketCORS", notSupported("CORS configuration")),
		http.MethodDelete: bucketOp("DeleteBucketCors", "s3:PutBucketCORS", nothingToDelete),
	},
	"website": {
		http.MethodGet:    bucketOp("GetBucketWebsite", "s3:GetBucketWebsite", notConfigured(errNoWebsite)),
		http.MethodPut:    bucketOp("PutBucketWebsite", "s3:PutBucketWebsite", notSupported("website configuration")),
		http.MethodDelete: bucketOp("DeleteBucketWebsite", "s3:DeleteBucketWebsite", nothingToDelete),
	},
	"replication": {
		http.MethodGet:    bucketOp("GetBucketReplication", "s3:GetReplicationConfiguration", notConfigured(errNoReplication)),
		http.MethodPut:    bucketOp("PutBucketReplication", "s3:PutReplicationConfiguration", notSupported("replication configuration")),
		http.MethodDelete: bucketOp("DeleteBucketReplication", "s3:PutReplicationConfiguration", nothingToDelete),
	},
	"accelerate": {
		http.MethodGet: bucketOp("GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration", (*S3).getAccelerate),
		http.MethodPut: bucketOp("PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration", notSupported("transfer acceleration")),
	},
	"requestPayment": {
		http.MethodGet: bucketOp("GetBucketRequestPayment", "s3:GetBucketRequestPayment", (*S3).getRequestPayment),
		http.MethodPut: bucketOp("PutBucketRequestPayment", "s3:PutBucketRequestPayment", notSupported("requester pays")),
	},
	"notification": {
		http.MethodGet: bucketOp("GetBucketNotificationConfiguration", "s3:GetBucketNotification", (*S3).getNotification),
		http.MethodPut: bucketOp("PutBucketNotificationConfiguration", "s3:PutBucketNotification", notSupported("event notifications")),
	},
	"uploads": {
		http.MethodGet: bucketOp("ListMultipartUploads", "s3:ListBucketMultipartUploads", (*S3).pass),
	},
	"versions": {
		http.MethodGet: bucketOp("ListObjectVersions", "s3:ListBucketVersions", (*S3).pass),
	},
	"delete": {
		http.MethodPost: bucketOp("DeleteObjects", "s3:DeleteObject", (*S3).deleteObjects),
	},
}

var objectVerbs = map[string]*operation{
	http.MethodGet:    objectOp("GetObject", "s3:GetObject", (*S3).getObject),
	http.MethodHead:   objectOp("HeadObject", "s3:GetObject", (*S3).getObject),
	http.MethodPut:    objectOp(opPutObject, "s3:PutObject", (*S3).putObject),
	http.MethodDelete: objectOp("DeleteObject", "s3:DeleteObject", (*S3).pass),
}

var objectSubresources = map[string]map[string]*operation{
	"acl": {
		http.MethodGet: objectOp("GetObjectAcl", "s3:GetObjectAcl", (*S3).getObjectACL),
		http.MethodPut: objectOp("PutObjectAcl", "s3:PutObjectAcl", (*S3).putObjectACL),
	},
	"tagging": {
		http.MethodGet:    objectOp("GetObjectTagging", "s3:GetObjectTagging", (*S3).getObjectTagging),
		http.MethodPut:    objectOp("PutObjectTagging", "s3:PutObjectTagging", notSupported("object tagging")),
		http.MethodDelete: objectOp("DeleteObjectTagging", "s3:DeleteObjectTagging", notSupported("object tagging")),
	},
	"retention": {
		http.MethodGet: objectOp("GetObjectRetention", "s3:GetObjectRetention", (*S3).getObjectLockState),
		http.MethodPut: objectOp("PutObjectRetention", "s3:PutObjectRetention", notSupported("object retention")),
	},
	"legal-hold": {
		http.MethodGet: objectOp("GetObjectLegalHold", "s3:GetObjectLegalHold", (*S3).getObjectLockState),
		http.MethodPut: objectOp("PutObjectLegalHold", "s3:PutObjectLegalHold", notSupported("object legal holds")),
	},
	"versionId": {
		http.MethodGet:    objectOp("GetObjectVersion", "s3:GetObjectVersion", (*S3).objectVersion),
		http.MethodHead:   objectOp("HeadObjectVersion", "s3:GetObjectVersion", (*S3).objectVersion),
		http.MethodDelete: objectOp("DeleteObjectVersion", "s3:DeleteObjectVersion", (*S3).objectVersion),
	},
	"uploads": {
		http.MethodPost: objectOp("CreateMultipartUpload", "s3:PutObject", (*S3).createMultipart),
	},
	"uploadId": {
		http.MethodPut:    objectOp("UploadPart", "s3:PutObject", (*S3).uploadPart),
		http.MethodPost:   objectOp("CompleteMultipartUpload", "s3:PutObject", (*S3).passSmallBody),
		http.MethodGet:    objectOp("ListParts", "s3:ListMultipartUploadParts", (*S3).pass),
		http.MethodDelete: objectOp("AbortMultipartUpload", "s3:AbortMultipartUpload", (*S3).pass),
	},
}
