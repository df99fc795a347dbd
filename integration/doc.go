// Package integration holds fakeshift's end-to-end tests: real clients (psql, pgx, lib/pq,
// and later the AWS CLI, boto3 and the AWS SDK for Go v2) against a running emulator.
package integration
