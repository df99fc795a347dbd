package logger

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/store"
)

// uploads is a Destination.Upload that keeps the files, and can be told to fail.
type uploads struct {
	files map[string][]byte
	order []string
	fail  error
}

func (u *uploads) upload(_ context.Context, key string, body []byte) error {
	if u.fail != nil {
		return u.fail
	}
	if u.files == nil {
		u.files = map[string][]byte{}
	}
	u.files[key] = bytes.Clone(body)
	u.order = append(u.order, key)
	return nil
}

func gunzip(t *testing.T, b []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(out)
}

func TestDeliver(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 23, 14, 5, 30, 0, time.UTC))
	db := openStore(t, store.Options{})
	l, err := Open(Options{Store: db, ClusterID: "c1", Clock: clk})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	up := &uploads{}
	dest := Destination{Prefix: "audit/", AccountID: "123456789012", Region: "us-east-1", ClusterID: "c1", Upload: up.upload}
	ctx := context.Background()

	act := func(text string) Activity {
		return Activity{DB: "dev", UserName: "awsuser", PID: 1073741825, UserID: 100, XID: 1001, RecordTime: clk.Now(), Text: text}
	}
	require.NoError(t, l.Activity(act("select 'before logging'")), "not owed: logging is off")
	l.SetDelivery(func(logType string) bool { return logType != UserLog })
	require.NoError(t, l.Activity(act("select 1")))
	require.NoError(t, l.Activity(act("select\n  2")))
	require.NoError(t, l.User(UserChange{UserID: 101, UserName: "alice", Action: "create", RecordTime: clk.Now()}))
	require.NoError(t, l.Connection(Connection{Event: EventAuthenticated, RecordTime: clk.Now(), UserName: "awsuser", DBName: "dev"}))

	got, err := l.Deliver(ctx, dest, false)
	require.NoError(t, err)
	require.Len(t, got, 2, "connection and activity logs; the user log is not exported")
	key := "audit/AWSLogs/123456789012/redshift/us-east-1/2026/11/23/123456789012_redshift_us-east-1_c1_useractivitylog_2026-11-23T14:05.gz"
	require.Contains(t, up.files, key)
	a1, a2 := act("select 1"), act("select\n  2")
	want := string(AppendActivityLine(nil, &a1)) + string(AppendActivityLine(nil, &a2))
	require.Equal(t, want, gunzip(t, up.files[key]))
	require.Contains(t, up.files, strings.Replace(key, "useractivitylog", "connectionlog", 1))

	// Nothing new: nothing delivered. New records in the same minute take the next minute.
	got, err = l.Deliver(ctx, dest, false)
	require.NoError(t, err)
	require.Empty(t, got)
	require.NoError(t, l.Activity(act("select 3")))
	require.NoError(t, l.Activity(act("select 4")))
	got, err = l.Deliver(ctx, dest, true)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, 1, got[0].Records, "the newest record is held back")
	require.True(t, strings.HasSuffix(got[0].Key, "_useractivitylog_2026-11-23T14:06.gz"), got[0].Key)

	// A failed upload keeps the records, in order, for the next delivery.
	up.fail = errors.New("S3 says no")
	_, err = l.Deliver(ctx, dest, false)
	require.ErrorContains(t, err, "S3 says no")
	up.fail = nil
	a4 := act("select 4")
	clk.Advance(time.Hour)
	got, err = l.Deliver(ctx, dest, false)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, string(AppendActivityLine(nil, &a4)), gunzip(t, up.files[got[0].Key]))
	require.True(t, strings.HasSuffix(got[0].Key, "_2026-11-23T14:07.gz"),
		"the interrupted delivery keeps the key it chose: %s", got[0].Key)
}

// TestDeliverAfterCrash: a manifest saved before an upload that never finished sends the
// same records to the same key, once.
func TestDeliverAfterCrash(t *testing.T) {
	dir, walDir := t.TempDir(), t.TempDir()
	clk := clock.NewManual(time.Date(2026, 11, 23, 14, 5, 0, 0, time.UTC))
	open := func() (*store.DB, *Logger) {
		db, err := store.Open(store.Options{Dir: dir})
		require.NoError(t, err)
		l, err := Open(Options{Store: db, ClusterID: "c1", Clock: clk, WALDir: walDir})
		require.NoError(t, err)
		return db, l
	}
	db, l := open()
	l.SetDelivery(func(string) bool { return true })
	for _, u := range []string{"a", "b"} {
		require.NoError(t, l.User(UserChange{UserID: 101, UserName: u, Action: "create", RecordTime: clk.Now()}))
	}
	up := &uploads{fail: errors.New("killed")}
	dest := Destination{AccountID: "123456789012", Region: "us-east-1", ClusterID: "c1", Upload: up.upload}
	_, err := l.Deliver(context.Background(), dest, false)
	require.Error(t, err)
	l.Close()
	db.Close()

	clk.Advance(10 * time.Minute)
	db, l = open()
	defer db.Close()
	defer l.Close()
	l.SetDelivery(func(string) bool { return true }) // the cluster sets it again at start
	require.NoError(t, l.User(UserChange{UserID: 101, UserName: "c", Action: "create", RecordTime: clk.Now()}))
	up.fail = nil
	got, err := l.Deliver(context.Background(), dest, false)
	require.NoError(t, err)
	require.Len(t, got, 2, "the interrupted file, then the rest, in one delivery")
	require.Equal(t, 2, got[0].Records, "the interrupted file holds what it held")
	require.True(t, strings.HasSuffix(got[0].Key, "_userlog_2026-11-23T14:05.gz"), got[0].Key)
	require.Equal(t, 1, got[1].Records)
	require.True(t, strings.HasSuffix(got[1].Key, "_userlog_2026-11-23T14:15.gz"), got[1].Key)
	got, err = l.Deliver(context.Background(), dest, false)
	require.NoError(t, err)
	require.Empty(t, got)
	require.Len(t, up.order, 2)
}

// BenchmarkDeliver delivers 100,000 activity records of about 200 bytes per iteration (the
// files are built and handed to an uploader that keeps nothing): records per second is
// the figure, for the aim of one million records in under 10 s.
func BenchmarkDeliver(b *testing.B) {
	const n = 100_000
	db := openStore(b, store.Options{})
	l, err := Open(Options{Store: db, ClusterID: "bench"})
	require.NoError(b, err)
	b.Cleanup(func() { l.Close() })
	l.SetDelivery(func(string) bool { return true })
	text := "select " + strings.Repeat("x", 100) + " from events where id = 42"
	dest := Destination{AccountID: "123456789012", Region: "us-east-1", ClusterID: "bench",
		Upload: func(context.Context, string, []byte) error { return nil }}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for i := range n {
			require.NoError(b, l.Activity(Activity{DB: "dev", UserName: "awsuser", PID: 1073741825, UserID: 100,
				XID: int64(i), RecordTime: time.Now(), Text: text}))
		}
		l.Sync()
		b.StartTimer()
		got, err := l.Deliver(context.Background(), dest, false)
		require.NoError(b, err)
		require.Equal(b, n, got[0].Records)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
