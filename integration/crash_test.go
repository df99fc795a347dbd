package integration

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestCrashKeepsAcknowledgedRecords kills fakeshift (SIGKILL) while four clients run
// statements against it with --data-dir, starts it again on the same directory, and checks
// that nothing the server acknowledged is lost:
//
//   - every statement whose CommandComplete a client received has its activity record in
//     SYS_QUERY_HISTORY (the record is written before the statement runs);
//   - a statement's completion goes to the write-ahead log with the session's next record,
//     so of a session's acknowledged statements only the last may come back as "running"
//     (the process died before the session's next statement was recorded);
//   - users created before the kill, and those whose CREATE USER was acknowledged during
//     the load, log in after the restart;
//   - the rows of acknowledged INSERTs are in their table.
//
// It runs once as fakeshift runs by default (the OS keeps what was written when the
// process dies) and once with --fsync (every commit on disk; the audit records of
// concurrent sessions share their syncs).
func TestCrashKeepsAcknowledgedRecords(t *testing.T) {
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"default", nil},
		{"fsync", []string{"--fsync"}},
	} {
		t.Run(mode.name, func(t *testing.T) { crashAndRecover(t, mode.args...) })
	}
}

const (
	crashClients  = 4
	crashPassword = "Crashpass1"
	crashLoad     = 1500 * time.Millisecond // the load runs this long before the kill
)

// crashMarker is in the text of every statement of the load: client and sequence number.
var crashMarker = regexp.MustCompile(`crash_c(\d+)_i(\d+)`)

// crashClient is what one client saw before the kill.
type crashClient struct {
	acked   []int // sequence numbers of the statements the server acknowledged, in order
	inserts []int // those that were INSERTs
	users   []string
	err     error // the error that stopped it (the kill)
}

func crashAndRecover(t *testing.T, extra ...string) {
	dataDir := t.TempDir()
	args := append([]string{"--data-dir", dataDir}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	rb := startBinary(t, args...)
	master := rb.dsn("awsuser", "Fakeshift1")
	setup, err := pgx.Connect(ctx, master)
	require.NoError(t, err)
	for _, stmt := range []string{
		"create user crash_before password '" + crashPassword + "'",
		"create table crash_t (c int, i int, note varchar(64))",
	} {
		_, err := setup.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	setup.Close(ctx)

	// The load: each client, on its own connection, runs INSERTs and SELECTs (and client 0
	// a CREATE USER now and then), each statement's text unique, until its connection dies.
	clients := make([]crashClient, crashClients)
	var wg sync.WaitGroup
	started := make(chan struct{}, crashClients)
	for c := range clients {
		wg.Go(func() {
			cl := &clients[c]
			cc, err := pgx.ParseConfig(master)
			if err != nil {
				cl.err = err
				return
			}
			// One round trip per statement, no statement cache: every text is new.
			cc.DefaultQueryExecMode = pgx.QueryExecModeExec
			conn, err := pgx.ConnectConfig(ctx, cc)
			if err != nil {
				cl.err = err
				return
			}
			defer conn.Close(context.Background())
			for i := 0; ; i++ {
				tag := fmt.Sprintf("crash_c%d_i%d", c, i)
				var err error
				switch {
				case c == 0 && i%10 == 9:
					user := "crash_u_" + strconv.Itoa(i)
					_, err = conn.Exec(ctx, fmt.Sprintf("create user %s password '%s' /* %s */", user, crashPassword, tag))
					if err == nil {
						cl.users = append(cl.users, user)
					}
				case i%2 == 0:
					_, err = conn.Exec(ctx, fmt.Sprintf("insert into crash_t values (%d, %d, '%s')", c, i, tag))
					if err == nil {
						cl.inserts = append(cl.inserts, i)
					}
				default:
					var n int64
					err = conn.QueryRow(ctx, fmt.Sprintf("select count(*) from crash_t where note <> '%s'", tag)).Scan(&n)
				}
				if err != nil {
					cl.err = err
					return
				}
				cl.acked = append(cl.acked, i) // CommandComplete (and ReadyForQuery) received
				if i == 0 {
					started <- struct{}{}
				}
			}
		})
	}
	for range crashClients {
		select {
		case <-started:
		case <-ctx.Done():
			t.Fatal("the clients did not start")
		}
	}
	time.Sleep(crashLoad)
	require.NoError(t, rb.cmd.Process.Kill()) // SIGKILL: no shutdown, nothing flushed
	<-rb.done
	wg.Wait()
	total := 0
	for c, cl := range clients {
		require.Error(t, cl.err, "client %d runs until the kill", c)
		require.Greater(t, len(cl.acked), 10, "client %d got statements through before the kill (%v)", c, cl.err)
		total += len(cl.acked)
	}

	// Back on the same directory.
	rb2 := startBinary(t, args...)
	conn, err := pgx.Connect(ctx, rb2.dsn("awsuser", "Fakeshift1"))
	require.NoError(t, err, "master login after the restart: %s", rb2.stderr)
	defer conn.Close(ctx)
	// The restart went through the replay of the write-ahead log (the records of the last
	// checkpoint's epoch, those still queued for the store at the kill among them; that none is
	// lost is what the checks below show).
	require.Contains(t, rb2.stderr.String(), "audit records replayed from the write-ahead log")

	status := map[string]string{} // marker -> status of its statement
	rows, err := conn.Query(ctx, "select query_text, status from sys_query_history where query_text like '%crash_c%'")
	require.NoError(t, err)
	for rows.Next() {
		var text, st string
		require.NoError(t, rows.Scan(&text, &st))
		if m := crashMarker.FindString(text); m != "" {
			require.NotContains(t, status, m, "one activity record per statement: %s", text)
			status[m] = st
		}
	}
	require.NoError(t, rows.Err())

	running := 0
	for c, cl := range clients {
		last := cl.acked[len(cl.acked)-1]
		for _, i := range cl.acked {
			m := fmt.Sprintf("crash_c%d_i%d", c, i)
			st, ok := status[m]
			require.True(t, ok, "the acknowledged statement %s has its activity record after the crash", m)
			switch st {
			case "success":
			case "running": // the session's next record, which carries the completion, was not written
				require.Equal(t, last, i, "%s lost its completion, though a later statement of its session was recorded", m)
				running++
			default:
				t.Fatalf("acknowledged statement %s has status %q", m, st)
			}
		}
	}
	t.Logf("%d statements acknowledged before the kill, all recorded; %d of them without their completion", total, running)

	// The rows of acknowledged INSERTs.
	have := map[[2]int]bool{}
	rows, err = conn.Query(ctx, "select c, i from crash_t")
	require.NoError(t, err)
	for rows.Next() {
		var c, i int
		require.NoError(t, rows.Scan(&c, &i))
		have[[2]int{c, i}] = true
	}
	require.NoError(t, rows.Err())
	for c, cl := range clients {
		for _, i := range cl.inserts {
			require.True(t, have[[2]int{c, i}], "the row of acknowledged insert crash_c%d_i%d survives", c, i)
		}
	}

	// Users made before the kill log in.
	users := []string{"crash_before"}
	users = append(users, clients[0].users...)
	require.Greater(t, len(users), 1, "client 0 created users during the load")
	for _, u := range users {
		uc, err := pgx.Connect(ctx, rb2.dsn(u, crashPassword))
		require.NoError(t, err, "user %s, created before the kill, logs in after the restart", u)
		var who string
		require.NoError(t, uc.QueryRow(ctx, "select current_user").Scan(&who))
		require.Equal(t, u, who)
		uc.Close(ctx)
	}
}
