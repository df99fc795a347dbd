// Package pgwire owns the PostgreSQL v3 wire protocol as a Redshift cluster speaks it: the
// startup exchange (SSLRequest, GSSENCRequest, CancelRequest, protocol negotiation), TLS, the
// authentication exchanges (cleartext, MD5 and Redshift's SHA-256 digest, auth code 13), the
// simple and extended query loops, cancellation, and ErrorResponse with SQLSTATE.
//
// It knows sessions and the small Engine interface it declares, and nothing of users, S3 or
// logging: whoever implements Engine (package cluster) decides who may log in and what a
// statement does. The server is built without I/O and served on a listener the caller owns.
package pgwire
