package policy

// CodeMalformedPolicy is the S3 error code (HTTP 400) of every refusal Parse makes. S3's error
// list has no other code for a bucket policy's content (InvalidPolicyDocument is POST
// forms'), so a policy over MaxSize is refused with it too.
const CodeMalformedPolicy = "MalformedPolicy"

// MaxSize is the largest bucket policy S3 accepts: "Bucket policies are limited to 20 KB in
// size" (S3 user guide, add-bucket-policy.html; the older S3 developer guide,
// AccessPolicyLanguage_SpecialInfo.html: "The maximum size of a policy is 20 KB"). What is
// counted is the document without the white space outside strings: IAM's grammar notes say
// "Policy size calculations do not include white space characters", and FogSecurity/aws-size
// PR #38 found that S3 too measures a normalised form, not the bytes sent. UNVERIFIED for S3
// exactly; fakeshift counts the bytes of the compacted document.
const MaxSize = 20 << 10

// The messages S3 answers MalformedPolicy with. Where a real S3 response was seen in public,
// the source is named; "versitygw" means versity/versitygw's issues #645-#650, #1536 and its
// auth/bucket_policy*.go, which record the messages real S3 gave for the same inputs (a
// third party's account of AWS, not AWS's own words); UNVERIFIED messages are fakeshift's,
// written in the same style.
const (
	// The document's first byte is not '{' (empty, white space first, a file name instead of
	// its content). VERIFIED: aws/aws-cli#2779, Optum/dce#209 (Terraform), cloud-gov
	// terraform-provision PR #574 ("policies must start with {").
	msgFirstByte = "Policies must be valid JSON and the first byte must be '{'"
	// Not JSON after a first '{'. VERIFIED: scaleway/docs-content PR #6084 (a trailing comma,
	// against Scaleway's S3-compatible API), versitygw PR #1156. Trailing bytes after the
	// object and duplicate keys get it too: UNVERIFIED (IAM's grammar notes say "Individual
	// elements must not contain multiple instances of the same key").
	msgInvalidJSON = "This policy contains invalid Json"
	// UNVERIFIED: no public copy of S3's answer to an over-size policy was found (MinIO's
	// code PolicyTooLarge is MinIO's; its message is reused here).
	msgTooLarge = "Policy exceeds the maximum allowed document size."
	// Version other than 2008-10-17 / 2012-10-17. VERIFIED by versitygw#1536 and
	// codevise/pageflow PR #902 (the S3 console's wording).
	msgVersion = "The policy must contain a valid version string"
	// VERIFIED: versitygw PR #1176.
	msgMissingStatement = "Missing required field Statement"
	// "Statement": []. versitygw#646.
	msgEmptyStatement = "Could not parse the policy: Statement is empty!"
	// No Principal nor NotPrincipal. VERIFIED: hashicorp/terraform#28688, docker/docs#6361,
	// humanmade/S3-Uploads#191.
	msgMissingPrincipal = "Missing required field Principal"
	// An empty principal. VERIFIED message (cn-terraform/terraform-aws-s3-static-website#38);
	// which input produced it there is not shown, fakeshift gives it for {}, [] and "".
	msgEmptyPrincipal = "Missing required field Principal cannot be empty!"
	// VERIFIED: cloud-custodian#4948, aws/aws-sdk-net#1317, terraform-aws-cloudfront-s3-cdn#50.
	msgInvalidPrincipal = "Invalid principal in policy"
	// No Resource / NotResource. VERIFIED: aws/aws-cdk#6708, ansible/ansible#38741. A missing
	// Action gets it too: UNVERIFIED.
	msgMissingElement = "Statement is missing required element"
	// VERIFIED: aws-samples/aws-serverless-appsync-app#4, hashicorp/terraform#23570 (a
	// resource of another bucket), noobaa-core#10058 ("Resource": "*").
	msgInvalidResource = "Policy has invalid resource"
	// versitygw#650.
	msgInvalidAction = "Policy has invalid action"
	// VERIFIED: ministryofjustice/modernisation-platform PR #10762 (GetBucketAcl on objects
	// only), versitygw#645.
	msgActionResource = "Action does not apply to any resource(s) in statement"
	// versitygw#647: "Invalid effect: hello".
	msgInvalidEffectPrefix = "Invalid effect: "
	// versitygw auth/bucket_policy_condition.go, "Invalid Condition type : <Name>".
	msgConditionTypePrefix = "Invalid Condition type : "
	// versitygw auth/bucket_policy.go.
	msgInvalidConditionKey = "Policy has an invalid condition key"
	msgConditionAction     = "Conditions do not apply to combination of actions and resources in statement"
	msgInvalidIP           = "Invalid IP address in Conditions"

	// UNVERIFIED, fakeshift's words in S3's style.
	msgMissingEffect     = "Missing required field Effect"
	msgUnknownField      = "Unknown field "
	msgBothPrincipal     = "Statement cannot contain both Principal and NotPrincipal"
	msgBothAction        = "Statement cannot contain both Action and NotAction"
	msgBothResource      = "Statement cannot contain both Resource and NotResource"
	msgInvalidCondition  = "Invalid Condition block"
	msgInvalidCondValue  = "Invalid Condition value"
	msgInvalidStatements = "Statement must be an object or an array of objects"
)

// Error is a refused policy document: Code is the S3 error code (MalformedPolicy, HTTP 400)
// and Message the text S3 answers with. s3fake renders it as S3's XML error.
type Error struct {
	Code    string
	Message string
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same Code (and the same Message when the
// target sets one).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

func malformed(msg string) *Error { return &Error{Code: CodeMalformedPolicy, Message: msg} }
