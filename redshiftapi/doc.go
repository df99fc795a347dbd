// Package redshiftapi owns the Amazon Redshift Query API that fakeshift serves (and the STS
// calls fakeshift answers, which speak the same Query protocol): reading form-encoded
// requests, the Redshift validation rules and parameter-group defaults, and writing XML
// responses and errors exactly as the real service does, so that the AWS CLI, boto3 and the
// AWS SDKs work against it unchanged.
//
// [API] serves the calls (service.go, clusters.go, paramgroups.go, logging.go,
// delivery.go) over the protocol layer (query.go, xml.go, shapes.go, errors.go, validate.go,
// params.go): clusters run by a [Runtime] (package fakeshift), their parameter groups and
// logging configuration kept in the store's "redshiftapi" space, EnableLogging checked live
// against S3 as Redshift's service principal, and the delivery of the audit log files
// ([API.FlushLogs], periodic with [API.StartDelivery]) through the in-process S3 client.
//
// # Requests
//
// [ParseRequest] (or [ParseValues] for a body the front door has already read) turns a GET
// query string and/or a POST form body into [Params]. Parameter names are case-sensitive, as
// on AWS. A [Service] checks Action and Version ([Service.Action]). The typed getters of
// Params return the *Error a handler answers with: a missing required parameter is
// MissingParameter, a value of the wrong type is InvalidParameterValue. Lists are read in
// the serialisation botocore and the SDKs send: Name.<member>.N where <member> is the list
// member's locationName in the model (LogExports.member.N, Parameters.Parameter.N.ParameterName,
// VpcSecurityGroupIds.VpcSecurityGroupId.N, Tags.Tag.N.Key, ...). [Params.List] knows the
// member name of every list the served operations take.
//
// # Responses
//
// [Service.WriteResult] writes
//
//	<{Action}Response xmlns="..."><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></{Action}Response>
//
// (without {Action}Result for the operations whose output has no result wrapper in the
// model, such as DeleteClusterParameterGroup), with Content-Type text/xml and the
// x-amzn-RequestId header. [Service.WriteError] writes the ErrorResponse envelope, whose
// RequestId is a direct child of ErrorResponse. Both are indented like the real service's
// responses and write empty elements as <Tags/>. Output shapes are Go types whose xml tags
// give the element names of the model ([Cluster], [ClusterParameterGroup], [Parameter],
// [LoggingStatus], [ClusterCredentials], ...); lists with a locationName use that element
// name for their items, the others use <member>. Timestamps are UTC ISO 8601 with
// milliseconds ([FormatTimestamp]).
//
// # Errors
//
// [Error] carries the wire code, the message, the HTTP status and the fault side (Sender or
// Receiver). There is a constructor for each modeled error fakeshift answers, with the code
// and status of the botocore model (the wire code is the model's error code, e.g.
// ClusterNotFound, not the shape name ClusterNotFoundFault), and for the common Query API
// errors it answers. [AsError] turns any other error into InternalFailure.
//
// # Where the real service's words are unknown
//
// Messages quoted from real responses are marked VERIFIED in the code with their source;
// the others are fakeshift's choice in the real style and are marked UNVERIFIED. Tests
// should match UNVERIFIED messages on substrings only.
package redshiftapi
