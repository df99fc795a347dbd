// Package logger owns a cluster's audit records: connection, user and user-activity records
// in the store, keyed per cluster and log type in order, each written before the statement it
// describes runs. What is known only after a statement (end time, rows, status) is batched by
// the logger's single writer. The logger serves the records as the rows of Redshift's system
// tables (it implements sql.RecordSource without importing sql) and hands out the audit
// identifiers (pids, transaction ids, query ids).
package logger
