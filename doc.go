// Package fakeshift is a local emulator of Amazon Redshift database audit logging, as a
// library: Start runs the whole emulator (a Redshift-like PostgreSQL endpoint per cluster and
// one HTTP endpoint for the AWS APIs and the control API) and Close stops it.
//
// Start wires the packages below it; it is the only place that knows them all. The HTTP
// front door routes each request by the service named in its SigV4 credential scope.
package fakeshift
