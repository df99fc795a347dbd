// Package auth owns who is calling: the accounts fakeshift knows (12-digit id, a 64-hex
// canonical user id that S3 shows as bucket and object Owner, stable across restarts
// because it is derived from the account id), their access keys and the identity each key
// stands for, SigV4 verification of HTTP requests (Authorization header and presigned
// query, aws-chunked streaming bodies signed or not, payload hashes), and the Principal a
// request acts as, for s3fake's policy evaluation, redshiftapi and trail's userIdentity.
// It imports no other fakeshift package, and does not render errors: it classifies them
// (*Error with Code, Message, HTTPStatus) and the service renders them in its own format.
//
// # Default identities
//
// DefaultDirectory(accountID) holds two accounts and two keys:
//
//	test  / test   -> root user of accountID (the --account-id, default 123456789012)
//	other / other  -> root user of 111122223333, so "another account owns the bucket"
//	                  can be played with real clients
//
// Both default keys are their account's root user (CloudTrail userIdentity type "Root",
// ARN arn:aws:iam::<acct>:root, principalId <acct>), as LocalStack does for its test key: an
// emulator user who exports AWS_ACCESS_KEY_ID=test acts as the account, every policy that
// names the account (Principal {"AWS": "<acct>"} or its root ARN) matches, and no IAM user
// has to be invented. Other identities are configured per key: NewKey(id, secret, arn)
// with an IAM user ARN (type IAMUser, principalId AIDA…) or an assumed-role session ARN
// (type AssumedRole, principalId AROA…:<session>); principal ids are derived from the ARN
// so they too are stable across restarts.
//
// # Verification
//
// Verifier.Verify recomputes the signature with the AWS SDK for Go v2 signer
// (aws/signer/v4) over a copy of the request holding exactly the headers the client
// signed, the path as the client sent it (S3: not escaped again; other services: escaped
// once more, as SigV4 requires), and the declared payload hash, and compares in constant
// time. The clock it is given is the wall clock: more than 15 minutes between X-Amz-Date
// and now is too skewed; a presigned URL is good from X-Amz-Date for X-Amz-Expires.
//
// Error codes follow the service in the credential scope. S3 (and an unparseable
// credential): InvalidAccessKeyId, SignatureDoesNotMatch, RequestTimeTooSkewed,
// AuthorizationHeaderMalformed, AuthorizationQueryParametersError, AccessDenied "Request
// has expired". The Query API services (redshift, sts, …) answer as AWS's Query APIs do:
// InvalidClientTokenId for an unknown key, IncompleteSignature for a malformed
// Authorization, SignatureDoesNotMatch "Signature expired: …" for a skewed clock. Both
// dialects' skew errors are ones the AWS SDKs recognise and correct their clock from (with
// the response's Date header).
//
// Limits of reusing the SDK signer, reported as SignatureDoesNotMatch: a signed
// "content-length: 0" (the SDK signs content-length only when positive), and a date given
// only in the Date header (the SDK always signs X-Amz-Date; fakeshift asks for X-Amz-Date).
// A session token (X-Amz-Security-Token) is signed as sent but not checked: fakeshift has
// no temporary credentials yet.
package auth
