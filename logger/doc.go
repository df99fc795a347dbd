// Package logger owns a cluster's audit records: connection, user and user-activity records,
// each written before the statement it describes runs (to the write-ahead log on disk) and
// put in the store by the logger's single writer, in chunks keyed per cluster and log type in
// sequence order. What is known only after a statement (end time, rows, status) is batched by
// the same writer. The logger serves the records as the rows of Redshift's system
// tables (it implements sql.RecordSource without importing sql) and hands out the audit
// identifiers (pids, transaction ids, query ids).
package logger
