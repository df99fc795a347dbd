package logger

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf8"
)

// Tables are the system tables the logger serves (see package sql's SystemTables for their
// columns; the rows here follow that order and those types).
var Tables = []string{
	"stl_connection_log", "sys_connection_log", "stl_userlog", "sys_userlog",
	"svl_statementtext", "stl_ddltext", "stl_utilitytext", "stl_query", "sys_query_history",
}

// Redshift's text limits: statement text is split into 200-character rows, STL_QUERY and
// SYS_QUERY_HISTORY keep the first 4000 characters.
const (
	textChunk = 200
	queryText = 4000
)

// ScanSystemTable calls emit for each row of one of Tables, oldest first. Statements that
// have not ended yet appear only in sys_query_history (status running).
func (l *Logger) ScanSystemTable(ctx context.Context, table string, emit func(row []any) error) error {
	switch table {
	case "stl_connection_log", "sys_connection_log":
		sys := table == "sys_connection_log"
		return l.scan(ConnectionLog, func(val []byte) error {
			var r Connection
			if err := json.Unmarshal(val, &r); err != nil {
				return fmt.Errorf("decode connection record: %w", err)
			}
			if sys {
				return emit([]any{r.Event, r.RecordTime, r.RemoteHost, r.RemotePort, r.PID, r.DBName, r.UserName,
					r.AuthMethod, r.Duration, r.SSLVersion, r.SSLCipher, r.MTU, r.SSLCompression, r.SSLExpansion,
					r.IAMAuthGUID, r.ApplicationName, r.DriverVersion, r.OSVersion, r.PluginName, r.ProtocolVersion, r.SessionID})
			}
			return emit([]any{r.Event, r.RecordTime, r.RemoteHost, r.RemotePort, r.PID, r.DBName, r.UserName,
				r.AuthMethod, clampInt32(r.Duration), r.SSLVersion, r.SSLCipher, r.MTU, r.SSLCompression, r.SSLExpansion,
				r.IAMAuthGUID, r.ApplicationName, r.OSVersion, r.DriverVersion, r.PluginName, r.ProtocolVersion, r.SessionID})
		})
	case "stl_userlog", "sys_userlog":
		return l.scan(UserLog, func(val []byte) error {
			var r UserChange
			if err := json.Unmarshal(val, &r); err != nil {
				return fmt.Errorf("decode user record: %w", err)
			}
			var valuntil any
			if r.ValidUntil != nil {
				valuntil = *r.ValidUntil
			}
			return emit([]any{r.UserID, r.UserName, r.OldUserName, r.Action, r.CreateDB, r.Super, r.CatUpdate,
				valuntil, r.PID, r.XID, r.RecordTime})
		})
	case "svl_statementtext", "stl_ddltext", "stl_utilitytext", "stl_query", "sys_query_history":
		return l.scanStatements(table, emit)
	}
	return fmt.Errorf("logger: %q is not a table of the audit log", table)
}

func (l *Logger) scanStatements(table string, emit func(row []any) error) error {
	l.Sync()
	done, err := l.completionsByQuery()
	if err != nil {
		return err
	}
	return l.scan(UserActivityLog, func(val []byte) error {
		var a Activity
		if err := json.Unmarshal(val, &a); err != nil {
			return fmt.Errorf("decode activity record: %w", err)
		}
		c, ended := done[a.QueryID]
		label := a.Label
		if label == "" {
			label = "default"
		}
		switch table {
		case "sys_query_history":
			status, end := StatusRunning, any(nil)
			var elapsed int64
			if ended {
				status, end = c.Status, c.End
				elapsed = c.End.Sub(a.RecordTime).Microseconds()
			}
			return emit([]any{a.UserID, a.QueryID, label, a.XID, a.PID, a.DB, a.QueryType, status, false,
				a.RecordTime, end, elapsed, int64(0), elapsed, c.Error, c.Rows, int64(0), prefix(a.Text, queryText), l.version})
		case "stl_query":
			if !ended || a.Kind != KindQuery {
				return nil
			}
			aborted := int32(0)
			if c.Status != StatusSuccess {
				aborted = 1
			}
			return emit([]any{a.UserID, int32(a.QueryID), label, a.XID, a.PID, a.DB, prefix(a.Text, queryText),
				a.RecordTime, c.End, aborted, int32(0), int32(0)})
		default:
			if !ended || table == "stl_ddltext" && a.Kind != KindDDL || table == "stl_utilitytext" && a.Kind != KindUtility {
				return nil
			}
			for i, part := range chunks(a.Text, textChunk) {
				row := []any{a.UserID, a.XID, a.PID, label, a.RecordTime, c.End, int32(i)}
				if table == "svl_statementtext" {
					row = append(row, a.Kind)
				}
				if err := emit(append(row, part)); err != nil {
					return err
				}
			}
			return nil
		}
	})
}

func clampInt32(v int64) int32 {
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	return int32(v)
}

// prefix returns the first n characters of s.
func prefix(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

// chunks splits s into pieces of at most n characters (one empty piece for "").
func chunks(s string, n int) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for s != "" {
		p := prefix(s, n)
		out = append(out, p)
		s = s[len(p):]
	}
	return out
}
