package redshiftapi

import (
	"errors"
	"net/http"
)

// Error is a Query API error as the client sees it: the wire Code, the Message, the HTTP
// Status and whether the fault is the caller's (Sender) or the service's (Receiver). It is
// rendered by [Service.WriteError].
//
// errors.Is(err, &Error{Code: c}) reports whether err is an *Error with code c.
type Error struct {
	Code    string
	Message string
	Status  int
	Sender  bool
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Type is the <Type> of the error envelope: "Sender" or "Receiver".
func (e *Error) Type() string {
	if e.Sender {
		return "Sender"
	}
	return "Receiver"
}

// AsError returns err as an *Error: err itself (or the *Error it wraps), or InternalFailure
// for anything else. The caller logs the original error; its text never reaches the client.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e
	}
	return InternalFailure()
}

func sender(code string, status int, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: status, Sender: true}
}

func receiver(code string, status int, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: status, Sender: false}
}

// Codes of the common Query API errors (Redshift API Reference, "Common Errors").
const (
	CodeIncompleteSignature         = "IncompleteSignature"
	CodeInternalFailure             = "InternalFailure"
	CodeInvalidAction               = "InvalidAction"
	CodeInvalidClientTokenID        = "InvalidClientTokenId"
	CodeInvalidParameterCombination = "InvalidParameterCombination"
	CodeInvalidParameterValue       = "InvalidParameterValue"
	CodeInvalidQueryParameter       = "InvalidQueryParameter"
	CodeMalformedQueryString        = "MalformedQueryString"
	CodeMissingAction               = "MissingAction"
	CodeMissingAuthenticationToken  = "MissingAuthenticationToken"
	CodeMissingParameter            = "MissingParameter"
	CodeSignatureDoesNotMatch       = "SignatureDoesNotMatch"
)

// InvalidParameterValue (400): a parameter's value is not valid.
func InvalidParameterValue(msg string) *Error {
	return sender(CodeInvalidParameterValue, http.StatusBadRequest, msg)
}

// InvalidParameterCombination (400): parameters that cannot be used together.
func InvalidParameterCombination(msg string) *Error {
	return sender(CodeInvalidParameterCombination, http.StatusBadRequest, msg)
}

// MissingParameter (400): "The request must contain the parameter <name>".
// The wording is the one EC2 and SQS use (VERIFIED there); for Redshift it is UNVERIFIED.
// The RDS family, Redshift's ancestor, has been seen answering a blank parameter with
// InvalidParameterValue "The parameter X must be provided and must not be blank." instead;
// fakeshift uses that for a parameter that is present but empty ([Params.Required]).
func MissingParameter(name string) *Error {
	return sender(CodeMissingParameter, http.StatusBadRequest, "The request must contain the parameter "+name)
}

// MissingAction (400): the request has no Action. UNVERIFIED message (the API reference's
// description of the code).
func MissingAction() *Error {
	return sender(CodeMissingAction, http.StatusBadRequest, "The request is missing an action or a required parameter.")
}

// InvalidAction (400) for an Action the service does not know: "The action X is not valid
// for this web service." That is EC2's wording (VERIFIED for EC2: cloudquery/cq-provider-aws#235,
// aws/aws-sdk-cpp#306); Redshift's own is UNVERIFIED (the Coral-based Query services say
// "Could not find operation X for version V", RDS has been seen saying "X is not supported").
func InvalidAction(action string) *Error {
	return sender(CodeInvalidAction, http.StatusBadRequest, "The action "+action+" is not valid for this web service.")
}

// InvalidActionVersion (400): InvalidAction for a Version the service does not speak, in the
// words of the Coral-based Query services ("Could not find operation GetSendStatistics for
// version 2012-12-01", VERIFIED for SES in aws/aws-cli#37). UNVERIFIED for Redshift.
func InvalidActionVersion(action, version string) *Error {
	return sender(CodeInvalidAction, http.StatusBadRequest, "Could not find operation "+action+" for version "+version)
}

// InvalidQueryParameter (400): the query string is malformed or does not adhere to AWS
// standards.
func InvalidQueryParameter(msg string) *Error {
	return sender(CodeInvalidQueryParameter, http.StatusBadRequest, msg)
}

// MalformedQueryString (404, as the Redshift API Reference lists it): the query string or
// form body contains a syntax error.
func MalformedQueryString(msg string) *Error {
	return sender(CodeMalformedQueryString, http.StatusNotFound, msg)
}

// InvalidClientTokenID (403): unknown access key. Default message is AWS's (VERIFIED, STS).
func InvalidClientTokenID(msg string) *Error {
	if msg == "" {
		msg = "The security token included in the request is invalid."
	}
	return sender(CodeInvalidClientTokenID, http.StatusForbidden, msg)
}

// IncompleteSignature (400): a malformed or incomplete Authorization.
func IncompleteSignature(msg string) *Error {
	return sender(CodeIncompleteSignature, http.StatusBadRequest, msg)
}

// SignatureDoesNotMatch (403). Default message is the Query services' wording (VERIFIED).
func SignatureDoesNotMatch(msg string) *Error {
	if msg == "" {
		msg = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	}
	return sender(CodeSignatureDoesNotMatch, http.StatusForbidden, msg)
}

// MissingAuthenticationToken (403): the request is not signed.
func MissingAuthenticationToken() *Error {
	return sender(CodeMissingAuthenticationToken, http.StatusForbidden, "Request is missing Authentication Token")
}

// InternalFailure (500, Receiver): what a client sees for any error fakeshift did not
// classify. UNVERIFIED message (the API reference's description).
func InternalFailure() *Error {
	return receiver(CodeInternalFailure, http.StatusInternalServerError, "The request processing has failed because of an unknown error, exception or failure.")
}

// modeledError is one error shape of the botocore Redshift model: the shape name (which
// botocore turns into the exception class), the wire code (the model's error.code) and the
// HTTP status (error.httpStatusCode). All are senderFault in the model.
type modeledError struct {
	shape  string
	code   string
	status int
}

// modeledErrors lists every error shape the operations fakeshift serves (redshiftHandlers)
// can return, from botocore 1.43.11 (MODEL). TestModeledErrorsMatchModel checks the table
// against the installed model. fakeshift answers only some of them, built by modeled.
var modeledErrors = map[string]modeledError{}

func init() {
	for _, e := range []modeledError{
		{"BucketNotFoundFault", "BucketNotFoundFault", 400},
		{"ClusterAlreadyExistsFault", "ClusterAlreadyExists", 400},
		{"ClusterNotFoundFault", "ClusterNotFound", 404},
		{"ClusterParameterGroupAlreadyExistsFault", "ClusterParameterGroupAlreadyExists", 400},
		{"ClusterParameterGroupNotFoundFault", "ClusterParameterGroupNotFound", 404},
		{"ClusterParameterGroupQuotaExceededFault", "ClusterParameterGroupQuotaExceeded", 400},
		{"ClusterQuotaExceededFault", "ClusterQuotaExceeded", 400},
		{"ClusterSecurityGroupNotFoundFault", "ClusterSecurityGroupNotFound", 404},
		{"ClusterSnapshotAlreadyExistsFault", "ClusterSnapshotAlreadyExists", 400},
		{"ClusterSnapshotQuotaExceededFault", "ClusterSnapshotQuotaExceeded", 400},
		{"ClusterSubnetGroupNotFoundFault", "ClusterSubnetGroupNotFoundFault", 400},
		{"CustomCnameAssociationFault", "CustomCnameAssociationFault", 400},
		{"DependentServiceAccessDeniedFault", "DependentServiceAccessDenied", 403},
		{"DependentServiceRequestThrottlingFault", "DependentServiceRequestThrottlingFault", 400},
		{"DependentServiceUnavailableFault", "DependentServiceUnavailableFault", 400},
		{"HsmClientCertificateNotFoundFault", "HsmClientCertificateNotFoundFault", 400},
		{"HsmConfigurationNotFoundFault", "HsmConfigurationNotFoundFault", 400},
		{"InsufficientClusterCapacityFault", "InsufficientClusterCapacity", 400},
		{"InsufficientS3BucketPolicyFault", "InsufficientS3BucketPolicyFault", 400},
		{"InvalidClusterParameterGroupStateFault", "InvalidClusterParameterGroupState", 400},
		{"InvalidClusterSecurityGroupStateFault", "InvalidClusterSecurityGroupState", 400},
		{"InvalidClusterStateFault", "InvalidClusterState", 400},
		{"InvalidDataShareFault", "InvalidDataShareFault", 400},
		{"InvalidNamespaceFault", "InvalidNamespaceFault", 400},
		{"InvalidClusterSubnetGroupStateFault", "InvalidClusterSubnetGroupStateFault", 400},
		{"InvalidClusterTrackFault", "InvalidClusterTrack", 400},
		{"InvalidElasticIpFault", "InvalidElasticIpFault", 400},
		{"InvalidRetentionPeriodFault", "InvalidRetentionPeriodFault", 400},
		{"InvalidS3BucketNameFault", "InvalidS3BucketNameFault", 400},
		{"InvalidS3KeyPrefixFault", "InvalidS3KeyPrefixFault", 400},
		{"InvalidSubnet", "InvalidSubnet", 400},
		{"InvalidTagFault", "InvalidTagFault", 400},
		{"InvalidVPCNetworkStateFault", "InvalidVPCNetworkStateFault", 400},
		{"Ipv6CidrBlockNotFoundFault", "Ipv6CidrBlockNotFoundFault", 400},
		{"LimitExceededFault", "LimitExceededFault", 400},
		{"NumberOfNodesPerClusterLimitExceededFault", "NumberOfNodesPerClusterLimitExceeded", 400},
		{"NumberOfNodesQuotaExceededFault", "NumberOfNodesQuotaExceeded", 400},
		{"RedshiftIdcApplicationNotExistsFault", "RedshiftIdcApplicationNotExists", 404},
		{"SnapshotScheduleNotFoundFault", "SnapshotScheduleNotFound", 400},
		{"TableLimitExceededFault", "TableLimitExceeded", 400},
		{"TagLimitExceededFault", "TagLimitExceededFault", 400},
		{"UnauthorizedOperation", "UnauthorizedOperation", 400},
		{"UnsupportedOperationFault", "UnsupportedOperation", 400},
		{"UnsupportedOptionFault", "UnsupportedOptionFault", 400},
	} {
		modeledErrors[e.shape] = e
	}
}

// modeled builds the error of a modeled shape. An unknown shape is a programming error.
func modeled(shape, msg string) *Error {
	e, ok := modeledErrors[shape]
	if !ok {
		panic("redshiftapi: no modeled error shape " + shape)
	}
	return sender(e.code, e.status, msg)
}

// Codes of the modeled errors the logging handlers use most (wire codes, MODEL).
const (
	CodeBucketNotFound                     = "BucketNotFoundFault"
	CodeClusterAlreadyExists               = "ClusterAlreadyExists"
	CodeClusterNotFound                    = "ClusterNotFound"
	CodeClusterParameterGroupAlreadyExists = "ClusterParameterGroupAlreadyExists"
	CodeClusterParameterGroupNotFound      = "ClusterParameterGroupNotFound"
	CodeInsufficientS3BucketPolicy         = "InsufficientS3BucketPolicyFault"
	CodeInvalidClusterParameterGroupState  = "InvalidClusterParameterGroupState"
	CodeInvalidClusterState                = "InvalidClusterState"
	CodeInvalidS3BucketName                = "InvalidS3BucketNameFault"
	CodeInvalidS3KeyPrefix                 = "InvalidS3KeyPrefixFault"
	CodeUnsupportedOperation               = "UnsupportedOperation"
)

// MsgOperationRunning is InvalidClusterState's message while another operation runs on the
// cluster (VERIFIED for DeleteCluster, ansible/ansible#52940). Terraform retries
// EnableLogging and DisableLogging while the message contains "There is an operation
// running on the Cluster".
const MsgOperationRunning = "There is an operation running on the Cluster. Please try to delete it at a later time."

// ClusterNotFound (404): "Cluster <id> not found." (VERIFIED, real boto3 log, research 1.5).
func ClusterNotFound(clusterID string) *Error {
	return modeled("ClusterNotFoundFault", "Cluster "+clusterID+" not found.")
}

// ClusterAlreadyExists (400). UNVERIFIED message.
func ClusterAlreadyExists() *Error {
	return modeled("ClusterAlreadyExistsFault", "Cluster already exists")
}

// BucketNotFound (400, BucketNotFoundFault): "Could not find bucket with name <b>"
// (VERIFIED, terraform-provider-aws PR #5895).
func BucketNotFound(bucket string) *Error {
	return modeled("BucketNotFoundFault", "Could not find bucket with name "+bucket)
}

// InsufficientS3BucketPolicy (400) when the test write fails: "Cannot write to bucket <b>.
// Please ensure that your IAM permissions are set up correctly." (VERIFIED,
// terraform-provider-aws #3196).
func InsufficientS3BucketPolicy(bucket string) *Error {
	return modeled("InsufficientS3BucketPolicyFault", "Cannot write to bucket "+bucket+". Please ensure that your IAM permissions are set up correctly.")
}

// InsufficientS3BucketPolicyACL (400) when the bucket ACL cannot be read. UNVERIFIED
// message, in the style of the write one.
func InsufficientS3BucketPolicyACL(bucket string) *Error {
	return modeled("InsufficientS3BucketPolicyFault", "Cannot read ACLs of bucket "+bucket+". Please ensure that your IAM permissions are set up correctly.")
}

// InvalidS3BucketName (400). UNVERIFIED message.
func InvalidS3BucketName(bucket string) *Error {
	return modeled("InvalidS3BucketNameFault", "The S3 bucket name "+bucket+" is invalid.")
}

// InvalidS3KeyPrefix (400). UNVERIFIED message.
func InvalidS3KeyPrefix(prefix string) *Error {
	return modeled("InvalidS3KeyPrefixFault", "The S3 key prefix "+prefix+" is invalid.")
}

// InvalidClusterState (400), e.g. with [MsgOperationRunning].
func InvalidClusterState(msg string) *Error { return modeled("InvalidClusterStateFault", msg) }

// InvalidDataShare (400): the datashare or its association is not in a state for the call.
// UNVERIFIED messages.
func InvalidDataShare(msg string) *Error { return modeled("InvalidDataShareFault", msg) }

// InvalidNamespace (400): the producer namespace ARN names no namespace. UNVERIFIED message.
func InvalidNamespace(msg string) *Error { return modeled("InvalidNamespaceFault", msg) }

// UnsupportedOperation (400).
func UnsupportedOperation(msg string) *Error { return modeled("UnsupportedOperationFault", msg) }

// ClusterParameterGroupNotFound (404): "ParameterGroup not found: <name>" (what AWS
// returns according to a note in moto's tests, tests/test_redshift/test_redshift.py;
// UNVERIFIED otherwise).
func ClusterParameterGroupNotFound(name string) *Error {
	return modeled("ClusterParameterGroupNotFoundFault", "ParameterGroup not found: "+name)
}

// ClusterParameterGroupAlreadyExists (400): "Parameter group <name> already exists"
// (VERIFIED, terraform-aws-modules/terraform-aws-redshift PR #83).
func ClusterParameterGroupAlreadyExists(name string) *Error {
	return modeled("ClusterParameterGroupAlreadyExistsFault", "Parameter group "+name+" already exists")
}

// InvalidClusterParameterGroupState (400), e.g. deleting a default group or one in use.
func InvalidClusterParameterGroupState(msg string) *Error {
	return modeled("InvalidClusterParameterGroupStateFault", msg)
}

// InsufficientClusterCapacity (400).
func InsufficientClusterCapacity(msg string) *Error {
	return modeled("InsufficientClusterCapacityFault", msg)
}

// InvalidRetentionPeriod (400, InvalidRetentionPeriodFault).
func InvalidRetentionPeriod(msg string) *Error {
	return modeled("InvalidRetentionPeriodFault", msg)
}
