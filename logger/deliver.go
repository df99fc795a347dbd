package logger

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fakeshift/fakeshift/store"
)

// Delivery state, beside the records: per log type, the cursor (the last sequence number
// delivered) and the minute of the last file's name; and the manifest of a delivery under
// way, saved before its upload so that after a crash the same records go to the same key.
const (
	keyCursor   = "deliv/cursor/"   // deliv/cursor/<log type> -> cursor
	keyManifest = "deliv/manifest/" // deliv/manifest/<log type> -> manifest
)

// LogTypes are the audit logs, in delivery order.
var LogTypes = []string{ConnectionLog, UserLog, UserActivityLog}

// Destination is where a cluster's log files go.
type Destination struct {
	// Prefix is put literally before AWSLogs/ ("audit/" gives audit/AWSLogs/...).
	Prefix    string
	AccountID string
	Region    string
	ClusterID string
	// Upload stores one file. It must be safe to call again with the same key and bytes
	// (a delivery interrupted by a crash is uploaded again).
	Upload func(ctx context.Context, key string, body []byte) error
}

// Delivered describes one uploaded file.
type Delivered struct {
	LogType string
	Key     string
	Records int
	Bytes   int // compressed
}

type cursor struct {
	Seq        int64     `json:"seq"`
	LastMinute time.Time `json:"last_minute,omitzero"` // the minute of the last file's name
}

type manifest struct {
	From   int64     `json:"from"` // first sequence number in the file
	To     int64     `json:"to"`   // last sequence number in the file
	Key    string    `json:"key"`
	Minute time.Time `json:"minute"` // of the key's name
}

// Deliver uploads, for each log type, the records owed to S3 (made while delivery was on
// for that type) that are not delivered yet, as one gzip file in Redshift's line format
// named for the delivery minute. holdBack keeps each log's newest record for the next
// delivery, as Redshift does ("records that are older than, but not including, the latest
// record are copied to log files"); a flush passes false. A failed upload leaves the records
// pending, in order, for the next delivery; the first error is returned after the other log
// types were tried.
func (l *Logger) Deliver(ctx context.Context, d Destination, holdBack bool) ([]Delivered, error) {
	l.deliverLock.Lock()
	defer l.deliverLock.Unlock()
	l.Sync()
	var out []Delivered
	var errs []error
	for _, logType := range LogTypes {
		for {
			got, resumed, err := l.deliverType(ctx, d, logType, holdBack)
			if err != nil {
				errs = append(errs, fmt.Errorf("deliver %s: %w", logType, err))
				break
			}
			if got != nil {
				out = append(out, *got)
			}
			if !resumed {
				break // a resumed delivery covered only its own records: on to the rest
			}
		}
	}
	return out, errors.Join(errs...)
}

// deliverType makes and uploads one file of a log type; resumed says it was the file of an
// interrupted delivery.
func (l *Logger) deliverType(ctx context.Context, d Destination, logType string, holdBack bool) (_ *Delivered, resumed bool, _ error) {
	var cur cursor
	if err := l.getJSON([]byte(keyCursor+logType), &cur); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	var man manifest
	err := l.getJSON([]byte(keyManifest+logType), &man)
	switch {
	case err == nil && man.From > cur.Seq:
		// A delivery was under way when the process stopped: the same records, the same key.
		resumed = true
	case err == nil || errors.Is(err, store.ErrNotFound):
		man = manifest{}
	default:
		return nil, false, err
	}

	body, from, to, n, err := l.buildFile(logType, cur.Seq, man.To, holdBack)
	if err != nil || n == 0 {
		return nil, false, err
	}
	if man.Key == "" {
		minute := l.clock.Now().UTC().Truncate(time.Minute)
		if !minute.After(cur.LastMinute) {
			minute = cur.LastMinute.Add(time.Minute) // never two files of one log type under one name
		}
		man = manifest{From: from, To: to, Key: fileKey(d, logType, minute), Minute: minute}
		if err := l.putJSON([]byte(keyManifest+logType), man); err != nil {
			return nil, false, err
		}
	}
	if err := d.Upload(ctx, man.Key, body); err != nil {
		return nil, false, err
	}
	next := cursor{Seq: man.To, LastMinute: man.Minute}
	err = l.space.Update(func(tx *store.Tx) error {
		b, err := json.Marshal(next)
		if err != nil {
			return err
		}
		if err := tx.Put([]byte(keyCursor+logType), b); err != nil {
			return err
		}
		return tx.Delete([]byte(keyManifest + logType))
	})
	if err != nil {
		return nil, false, fmt.Errorf("advance the delivery cursor: %w", err)
	}
	return &Delivered{LogType: logType, Key: man.Key, Records: n, Bytes: len(body)}, resumed, nil
}

// buildFile makes the gzip file of the owed records after the cursor: up to upTo when a
// manifest fixes the range, else all of them (but the newest with holdBack). It returns the
// file, the range of sequence numbers it covers and how many records it holds. Lines are
// compressed as they are read, one record behind (the held-back one is the last): only the
// compressed file is held in memory.
func (l *Logger) buildFile(logType string, after, upTo int64, holdBack bool) ([]byte, int64, int64, int, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf) // no name, no time: the same records give the same bytes
	var (
		pending    []byte // the last owed line read, not yet written
		pendingSeq int64
		first      int64
		written    int
		lastWrote  int64
	)
	emit := func() {
		if pending == nil {
			return
		}
		if written == 0 {
			first = pendingSeq
		}
		zw.Write(pending)
		written++
		lastWrote = pendingSeq
	}
	start := recordKey(logType, after+1)
	err := l.space.View(func(tx *store.Tx) error {
		return tx.ScanFrom([]byte(keyRecords+logType+"/"), start, func(_, chunk []byte) error {
			return eachInChunk(chunk, func(seq int64, val []byte) error {
				if seq <= after {
					return nil // the chunk began before the cursor
				}
				if upTo > 0 && seq > upTo {
					return errStopScan
				}
				line, deliver, err := formatRecord(logType, val)
				if err != nil {
					return fmt.Errorf("record %d: %w", seq, err)
				}
				if deliver {
					emit()
					pending, pendingSeq = line, seq
				}
				return nil
			})
		})
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return nil, 0, 0, 0, err
	}
	if !holdBack || upTo > 0 {
		emit()
	}
	if written == 0 {
		return nil, 0, 0, 0, nil
	}
	if err := zw.Close(); err != nil {
		return nil, 0, 0, 0, err
	}
	to := lastWrote
	if upTo > 0 {
		to = upTo
	}
	return buf.Bytes(), first, to, written, nil
}

// formatRecord renders one stored record as its log file line, and says whether it is owed.
func formatRecord(logType string, val []byte) ([]byte, bool, error) {
	switch logType {
	case ConnectionLog:
		var r Connection
		if err := json.Unmarshal(val, &r); err != nil {
			return nil, false, err
		}
		return AppendConnectionLine(nil, &r), r.Deliver, nil
	case UserLog:
		var r UserChange
		if err := json.Unmarshal(val, &r); err != nil {
			return nil, false, err
		}
		return AppendUserLine(nil, &r), r.Deliver, nil
	default:
		var r Activity
		if err := json.Unmarshal(val, &r); err != nil {
			return nil, false, err
		}
		return AppendActivityLine(nil, &r), r.Deliver, nil
	}
}

// fileKey is a log file's key: [prefix]AWSLogs/<acct>/redshift/<region>/YYYY/MM/DD/
// <acct>_redshift_<region>_<cluster>_<logtype>_<YYYY-MM-DDTHH:MM>.gz.
func fileKey(d Destination, logType string, minute time.Time) string {
	return d.Prefix + "AWSLogs/" + d.AccountID + "/redshift/" + d.Region + "/" + minute.Format("2006/01/02") + "/" +
		d.AccountID + "_redshift_" + d.Region + "_" + d.ClusterID + "_" + logType + "_" + minute.Format("2006-01-02T15:04") + ".gz"
}

// deliveredUpTo is the last sequence number of a log type in a delivered file: records up
// to it are no longer owed to S3.
func (l *Logger) deliveredUpTo(logType string) int64 {
	var cur cursor
	if err := l.getJSON([]byte(keyCursor+logType), &cur); err != nil {
		return 0
	}
	return cur.Seq
}

func (l *Logger) getJSON(key []byte, v any) error {
	b, err := l.space.Get(key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

func (l *Logger) putJSON(key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return l.space.Put(key, b)
}
