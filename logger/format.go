package logger

import (
	"strconv"
	"strings"
	"time"
)

// The line formats of Redshift's audit log files (research: log-formats section 6). Character
// fields are written with one trailing space (an empty value is a single space), integers and
// times bare, the last field bare; every time is UTC.

// noExpiry is what the user log writes for a user without VALID UNTIL: PostgreSQL's internal
// "infinity" timestamp.
const noExpiry = "9223372036854775807"

// pgEpoch is PostgreSQL's timestamp epoch; a VALID UNTIL is written as microseconds since it.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// fieldCleaner keeps a value on its line and in its field: a newline or a '|' inside a
// connection or user log value would split the record for every parser.
var fieldCleaner = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", " ")

func appendChar(b []byte, v string) []byte {
	b = append(b, fieldCleaner.Replace(v)...)
	return append(b, ' ', '|')
}

func appendInt(b []byte, v int64) []byte {
	b = strconv.AppendInt(b, v, 10)
	return append(b, '|')
}

// appendLogTime writes "Mon, 7 Dec 2020 20:01:55:177": day of month unpadded, milliseconds
// after a colon.
func appendLogTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	b = t.AppendFormat(b, "Mon, 2 Jan 2006 15:04:05")
	ms := t.Nanosecond() / int(time.Millisecond)
	return append(b, ':', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}

// AppendConnectionLine appends r as one line of a connectionlog file.
func AppendConnectionLine(b []byte, r *Connection) []byte {
	b = appendChar(b, r.Event)
	b = appendLogTime(b, r.RecordTime)
	b = append(b, '|')
	b = appendChar(b, r.RemoteHost)
	b = appendChar(b, r.RemotePort)
	b = appendInt(b, int64(r.PID))
	b = appendChar(b, r.DBName)
	b = appendChar(b, r.UserName)
	b = appendChar(b, r.AuthMethod)
	b = appendInt(b, r.Duration)
	b = appendChar(b, r.SSLVersion)
	b = appendChar(b, r.SSLCipher)
	b = appendInt(b, int64(r.MTU))
	b = appendChar(b, r.SSLCompression)
	b = appendChar(b, r.SSLExpansion)
	b = appendChar(b, r.IAMAuthGUID)
	b = appendChar(b, r.ApplicationName)
	b = appendChar(b, r.OSVersion)
	b = appendChar(b, r.DriverVersion)
	b = appendChar(b, r.PluginName)
	b = appendInt(b, int64(r.ProtocolVersion))
	b = append(b, fieldCleaner.Replace(r.SessionID)...)
	return append(b, '\n')
}

// AppendUserLine appends r as one line of a userlog file.
func AppendUserLine(b []byte, r *UserChange) []byte {
	b = appendInt(b, int64(r.UserID))
	b = appendChar(b, r.UserName)
	b = appendChar(b, r.OldUserName)
	b = appendChar(b, r.Action)
	b = appendInt(b, int64(r.CreateDB))
	b = appendInt(b, int64(r.Super))
	b = appendInt(b, int64(r.CatUpdate))
	if r.ValidUntil == nil {
		b = append(b, noExpiry...)
		b = append(b, '|')
	} else {
		b = appendInt(b, r.ValidUntil.Sub(pgEpoch).Microseconds())
	}
	b = appendInt(b, int64(r.PID))
	b = appendInt(b, r.XID)
	b = appendLogTime(b, r.RecordTime)
	return append(b, '\n')
}

// AppendActivityLine appends r as one record of a useractivitylog file:
// 'YYYY-MM-DDTHH:MM:SSZ UTC [ db=dev user=alice pid=1 userid=100 xid=7 ]' LOG: text
// The text keeps its newlines: continuation lines carry no prefix, as in Redshift's files.
func AppendActivityLine(b []byte, r *Activity) []byte {
	b = append(b, '\'')
	b = r.RecordTime.UTC().AppendFormat(b, "2006-01-02T15:04:05Z")
	b = append(b, " UTC [ db="...)
	b = append(b, r.DB...)
	b = append(b, " user="...)
	b = append(b, r.UserName...)
	b = append(b, " pid="...)
	b = strconv.AppendInt(b, int64(r.PID), 10)
	b = append(b, " userid="...)
	b = strconv.AppendInt(b, int64(r.UserID), 10)
	b = append(b, " xid="...)
	b = strconv.AppendInt(b, r.XID, 10)
	b = append(b, " ]' LOG: "...)
	b = append(b, r.Text...)
	return append(b, '\n')
}
