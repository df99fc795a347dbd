// Package cluster owns one emulated Redshift cluster: its identity, its catalog of users and
// groups (durable in the store), its session parameters, and the sessions on its PostgreSQL
// endpoint. It implements pgwire's Engine: a login is checked against the catalog, user and
// group DDL, transaction control and SET / SHOW / RESET run here, and every other statement
// runs in the cluster's own SQL engine (package sql).
//
// Nothing in it is global: a process may run many clusters, each with its own listener,
// engine and catalog.
package cluster
