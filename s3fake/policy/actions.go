package policy

import "strings"

// ResourceType is the kind of resource an S3 action applies to, as the Service Authorization
// Reference's "Resource types" column has it.
type ResourceType int

const (
	// ResourceNone: an account-level action (ListAllMyBuckets) or one of another resource type
	// (access point, Batch Operations job, Storage Lens configuration). No statement of a
	// bucket policy can apply to it.
	ResourceNone ResourceType = iota
	// ResourceBucket: arn:aws:s3:::bucket.
	ResourceBucket
	// ResourceObject: arn:aws:s3:::bucket/key.
	ResourceObject
)

func (t ResourceType) String() string {
	switch t {
	case ResourceBucket:
		return "bucket"
	case ResourceObject:
		return "object"
	}
	return "none"
}

// s3Actions are the S3 actions fakeshift knows with their resource types. Sources: the AWS
// Service Authorization Reference, "Actions, resources, and condition keys for Amazon S3"
// (docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html: bucket is
// arn:${Partition}:s3:::${BucketName}, object arn:${Partition}:s3:::${BucketName}/${ObjectName}),
// and the S3 developer guide's tables of "Permissions for Object Operations", "... Related to
// Bucket Operations", "... Bucket Subresource Operations" and "... Account Operations"
// (awsdocs/amazon-s3-developer-guide, doc_source/using-with-s3-actions.md). The table has
// every action of the S3 API operations fakeshift serves and the rest of S3's bucket and
// object actions, so that wildcards ("s3:Get*") cover what they cover on AWS.
var s3Actions = []struct {
	name string
	rt   ResourceType
}{
	// Object operations.
	{"AbortMultipartUpload", ResourceObject},
	{"BypassGovernanceRetention", ResourceObject},
	{"DeleteObject", ResourceObject},
	{"DeleteObjectTagging", ResourceObject},
	{"DeleteObjectVersion", ResourceObject},
	{"DeleteObjectVersionTagging", ResourceObject},
	{"GetObject", ResourceObject},
	{"GetObjectAcl", ResourceObject},
	{"GetObjectAttributes", ResourceObject},
	{"GetObjectLegalHold", ResourceObject},
	{"GetObjectRetention", ResourceObject},
	{"GetObjectTagging", ResourceObject},
	{"GetObjectTorrent", ResourceObject},
	{"GetObjectVersion", ResourceObject},
	{"GetObjectVersionAcl", ResourceObject},
	{"GetObjectVersionAttributes", ResourceObject},
	{"GetObjectVersionForReplication", ResourceObject},
	{"GetObjectVersionTagging", ResourceObject},
	{"GetObjectVersionTorrent", ResourceObject},
	{"InitiateReplication", ResourceObject},
	{"ListMultipartUploadParts", ResourceObject},
	{"ObjectOwnerOverrideToBucketOwner", ResourceObject},
	{"PutObject", ResourceObject},
	{"PutObjectAcl", ResourceObject},
	{"PutObjectLegalHold", ResourceObject},
	{"PutObjectRetention", ResourceObject},
	{"PutObjectTagging", ResourceObject},
	{"PutObjectVersionAcl", ResourceObject},
	{"PutObjectVersionTagging", ResourceObject},
	{"ReplicateDelete", ResourceObject},
	{"ReplicateObject", ResourceObject},
	{"ReplicateTags", ResourceObject},
	{"RestoreObject", ResourceObject},

	// Bucket operations and bucket subresources.
	{"CreateBucket", ResourceBucket},
	{"CreateBucketMetadataTableConfiguration", ResourceBucket},
	{"DeleteBucket", ResourceBucket},
	{"DeleteBucketMetadataTableConfiguration", ResourceBucket},
	{"DeleteBucketPolicy", ResourceBucket},
	{"DeleteBucketWebsite", ResourceBucket},
	{"GetAccelerateConfiguration", ResourceBucket},
	{"GetAnalyticsConfiguration", ResourceBucket},
	{"GetBucketAbac", ResourceBucket},
	{"GetBucketAcl", ResourceBucket},
	{"GetBucketCORS", ResourceBucket},
	{"GetBucketLocation", ResourceBucket},
	{"GetBucketLogging", ResourceBucket},
	{"GetBucketMetadataTableConfiguration", ResourceBucket},
	{"GetBucketNotification", ResourceBucket},
	{"GetBucketObjectLockConfiguration", ResourceBucket},
	{"GetBucketOwnershipControls", ResourceBucket},
	{"GetBucketPolicy", ResourceBucket},
	{"GetBucketPolicyStatus", ResourceBucket},
	{"GetBucketPublicAccessBlock", ResourceBucket},
	{"GetBucketRequestPayment", ResourceBucket},
	{"GetBucketTagging", ResourceBucket},
	{"GetBucketVersioning", ResourceBucket},
	{"GetBucketWebsite", ResourceBucket},
	{"GetEncryptionConfiguration", ResourceBucket},
	{"GetIntelligentTieringConfiguration", ResourceBucket},
	{"GetInventoryConfiguration", ResourceBucket},
	{"GetLifecycleConfiguration", ResourceBucket},
	{"GetMetricsConfiguration", ResourceBucket},
	{"GetReplicationConfiguration", ResourceBucket},
	{"ListBucket", ResourceBucket},
	{"ListBucketMultipartUploads", ResourceBucket},
	{"ListBucketVersions", ResourceBucket},
	{"PutAccelerateConfiguration", ResourceBucket},
	{"PutAnalyticsConfiguration", ResourceBucket},
	{"PutBucketAbac", ResourceBucket},
	{"PutBucketAcl", ResourceBucket},
	{"PutBucketCORS", ResourceBucket},
	{"PutBucketLogging", ResourceBucket},
	{"PutBucketNotification", ResourceBucket},
	{"PutBucketObjectLockConfiguration", ResourceBucket},
	{"PutBucketOwnershipControls", ResourceBucket},
	{"PutBucketPolicy", ResourceBucket},
	{"PutBucketPublicAccessBlock", ResourceBucket},
	{"PutBucketRequestPayment", ResourceBucket},
	{"PutBucketTagging", ResourceBucket},
	{"PutBucketVersioning", ResourceBucket},
	{"PutBucketWebsite", ResourceBucket},
	{"PutEncryptionConfiguration", ResourceBucket},
	{"PutIntelligentTieringConfiguration", ResourceBucket},
	{"PutInventoryConfiguration", ResourceBucket},
	{"PutLifecycleConfiguration", ResourceBucket},
	{"PutMetricsConfiguration", ResourceBucket},
	{"PutReplicationConfiguration", ResourceBucket},

	// Account operations, and actions on access points, jobs and Storage Lens.
	{"CreateAccessPoint", ResourceNone},
	{"CreateJob", ResourceNone},
	{"DeleteAccessPoint", ResourceNone},
	{"DeleteAccessPointPolicy", ResourceNone},
	{"DeleteStorageLensConfiguration", ResourceNone},
	{"DescribeJob", ResourceNone},
	{"GetAccessPoint", ResourceNone},
	{"GetAccessPointPolicy", ResourceNone},
	{"GetAccessPointPolicyStatus", ResourceNone},
	{"GetAccountPublicAccessBlock", ResourceNone},
	{"GetStorageLensConfiguration", ResourceNone},
	{"GetStorageLensDashboard", ResourceNone},
	{"ListAccessPoints", ResourceNone},
	{"ListAllMyBuckets", ResourceNone},
	{"ListJobs", ResourceNone},
	{"ListStorageLensConfigurations", ResourceNone},
	{"PutAccessPointPolicy", ResourceNone},
	{"PutAccountPublicAccessBlock", ResourceNone},
	{"PutStorageLensConfiguration", ResourceNone},
	{"UpdateJobPriority", ResourceNone},
	{"UpdateJobStatus", ResourceNone},
}

// actionTypes maps "s3:<name>" in lower case to the action's resource type.
var actionTypes = func() map[string]ResourceType {
	m := make(map[string]ResourceType, len(s3Actions))
	for _, a := range s3Actions {
		m["s3:"+strings.ToLower(a.name)] = a.rt
	}
	return m
}()

// ActionKnown reports whether action is the name of an S3 action this package knows
// ("s3:PutObject"; case-insensitive). Patterns ("s3:*", "s3:Get*") are not names.
func ActionKnown(action string) bool {
	_, ok := actionTypes[strings.ToLower(action)]
	return ok
}

// ActionResourceType returns the resource type a known action applies to.
func ActionResourceType(action string) (ResourceType, bool) {
	rt, ok := actionTypes[strings.ToLower(action)]
	return rt, ok
}

// actionPattern is a compiled Action / NotAction entry.
type actionPattern struct {
	glob string // lower case, compiled (see compileGlob)
	// types are the resource types of the known actions the pattern matches (a bit per
	// ResourceType), for the "Action does not apply to any resource(s)" check.
	types uint8
	// name is the action the entry names, lower case, for the condition key checks; "" when
	// the entry is a pattern.
	name string
}

// compileAction parses an Action / NotAction entry: "*", or "s3:" followed by an action name
// or a pattern that matches at least one known action. Anything else (another service's
// action, an unknown name) is "Policy has invalid action".
func compileAction(s string) (actionPattern, bool) {
	ls := strings.ToLower(s)
	if ls == "*" {
		return actionPattern{glob: string([]byte{starMark}), types: allTypes}, true
	}
	rest, ok := strings.CutPrefix(ls, "s3:")
	if !ok || rest == "" {
		return actionPattern{}, false
	}
	g := compileGlob(ls)
	if !hasWildcard(g) {
		rt, ok := actionTypes[ls]
		if !ok {
			return actionPattern{}, false
		}
		return actionPattern{glob: g, types: 1 << rt, name: ls}, true
	}
	var types uint8
	for name, rt := range actionTypes {
		if globMatch(g, name, false) {
			types |= 1 << rt
		}
	}
	if types == 0 {
		return actionPattern{}, false
	}
	return actionPattern{glob: g, types: types}, true
}

const allTypes = 1<<ResourceNone | 1<<ResourceBucket | 1<<ResourceObject
