package policy

import "strings"

// Condition keys a bucket policy may name; any other is refused with "Policy has an invalid
// condition key". Names are case-insensitive ("Key names are case-insensitive. For example,
// aws:CurrentTime is equivalent to AWS:currenttime", IAM user guide, policy variables), so
// they are kept in lower case.
//
// Global keys: IAM user guide, "AWS global condition context keys"
// (reference_policies_condition-keys.html). S3 keys: Service Authorization Reference,
// "Condition keys for Amazon S3" (list_amazons3.html), plus S3's conditional-write keys
// (s3:if-match, s3:if-none-match, s3:ObjectCreationOperation, S3 user guide
// conditional-writes-enforce.html) and s3:x-amz-object-ownership (S3 user guide,
// object ownership, "ensure-object-ownership").
var conditionKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{
		// Global keys.
		"aws:AssumedRoot", "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast",
		"aws:ChatbotSourceArn", "aws:CurrentTime", "aws:Ec2InstanceSourcePrivateIPv4",
		"aws:Ec2InstanceSourceVpc", "aws:EpochTime", "aws:FederatedProvider",
		"aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
		"aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID",
		"aws:PrincipalOrgPaths", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList",
		"aws:PrincipalType", "aws:referer", "aws:RequestedRegion", "aws:ResourceAccount",
		"aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:SecureTransport",
		"aws:SourceAccount", "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp",
		"aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpcArn",
		"aws:SourceVpce", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent",
		"aws:userid", "aws:username", "aws:ViaAWSService", "aws:VpcSourceIp",
		"aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths",

		// Amazon S3 keys.
		"s3:AccessGrantsInstanceArn", "s3:AccessPointNetworkOrigin", "s3:authType",
		"s3:DataAccessPointAccount", "s3:DataAccessPointArn", "s3:delimiter",
		"s3:ExistingJobOperation", "s3:ExistingJobPriority", "s3:if-match", "s3:if-none-match",
		"s3:InventoryAccessibleOptionalFields", "s3:JobSuspendedCause", "s3:LocationConstraint",
		"s3:max-keys", "s3:object-lock-legal-hold", "s3:object-lock-mode",
		"s3:object-lock-remaining-retention-days", "s3:object-lock-retain-until-date",
		"s3:ObjectCreationOperation", "s3:prefix", "s3:RequestJobOperation",
		"s3:RequestJobPriority", "s3:RequestObjectTagKeys", "s3:ResourceAccount",
		"s3:signatureAge", "s3:signatureversion", "s3:TlsVersion", "s3:VersionId",
		"s3:x-amz-acl", "s3:x-amz-content-sha256", "s3:x-amz-copy-source",
		"s3:x-amz-grant-full-control", "s3:x-amz-grant-read", "s3:x-amz-grant-read-acp",
		"s3:x-amz-grant-write", "s3:x-amz-grant-write-acp", "s3:x-amz-metadata-directive",
		"s3:x-amz-object-ownership", "s3:x-amz-server-side-encryption",
		"s3:x-amz-server-side-encryption-aws-kms-key-id",
		"s3:x-amz-server-side-encryption-customer-algorithm", "s3:x-amz-storage-class",
		"s3:x-amz-website-redirect-location",
	} {
		m[strings.ToLower(k)] = true
	}
	return m
}()

// Keys with a tag key after a slash: aws:PrincipalTag/<key>, s3:ExistingObjectTag/<key>, ...
var conditionKeyPrefixes = []string{
	"aws:principaltag/", "aws:requesttag/", "aws:resourcetag/",
	"s3:existingobjecttag/", "s3:requestobjecttag/",
}

// conditionKeyKnown reports whether a bucket policy may name key (lower case).
func conditionKeyKnown(lkey string) bool {
	if conditionKeys[lkey] {
		return true
	}
	for _, p := range conditionKeyPrefixes {
		if strings.HasPrefix(lkey, p) && len(lkey) > len(p) {
			return true
		}
	}
	return false
}

// keyActions are, for the S3 keys that only some actions have, the actions that have them
// (Service Authorization Reference, the "Condition keys" column of the actions table). A
// statement naming one of these keys is refused with "Conditions do not apply to combination
// of actions and resources in statement" when one of its Action entries is an action name
// (not a pattern) without the key: versitygw records S3 refusing s3:prefix with s3:GetObject
// and s3:x-amz-acl with ["s3:GetObject","s3:PutObject"], and accepting both under "s3:*".
// Only these keys are checked: for the others fakeshift does not know the rule well enough
// to refuse what S3 might accept.
var keyActions = map[string][]string{
	"s3:prefix":    {"s3:listbucket", "s3:listbucketversions"},
	"s3:delimiter": {"s3:listbucket", "s3:listbucketversions"},
	"s3:max-keys":  {"s3:listbucket", "s3:listbucketversions"},
	"s3:x-amz-acl": {"s3:putobject", "s3:putobjectacl", "s3:putobjectversionacl", "s3:putbucketacl", "s3:createbucket"},
}
