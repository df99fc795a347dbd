package pgwire

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

// loginBytes is a client's valid startup and MD5 answer for the test engine (fixed salt).
func loginBytes() []byte {
	sm := &pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "alice", "database": "dev"}}
	b, _ := sm.Encode(nil)
	pm := &pgproto3.PasswordMessage{Password: md5Answer("alice", "pw", []byte{1, 2, 3, 4})}
	b, _ = pm.Encode(b)
	return b
}

// serveBytes runs one connection of srv over a pipe, feeds it input, and waits for the
// server to finish with it.
func serveBytes(t testing.TB, srv *Server, input []byte) {
	client, server := net.Pipe()
	c := srv.newConn(server)
	done := make(chan struct{})
	go func() {
		defer srv.wg.Done()
		defer close(done)
		c.serve()
	}()
	go io.Copy(io.Discard, client)
	client.SetWriteDeadline(time.Now().Add(2 * time.Second))
	client.Write(input)
	client.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("connection goroutine did not end for input %q", input)
	}
}

func FuzzConn(f *testing.F) {
	login := loginBytes()
	q, _ := (&pgproto3.Query{String: "select 1"}).Encode(nil)
	parse, _ := (&pgproto3.Parse{Query: "select $1::int"}).Encode(nil)
	bind, _ := (&pgproto3.Bind{Parameters: [][]byte{{0, 0, 0, 1}}, ParameterFormatCodes: []int16{1}}).Encode(nil)
	exec, _ := (&pgproto3.Execute{}).Encode(nil)
	sync, _ := (&pgproto3.Sync{}).Encode(nil)
	f.Add(false, []byte{})
	f.Add(false, login)
	f.Add(false, []byte{0, 0, 0, 8, 4, 210, 22, 47}) // SSLRequest
	f.Add(false, []byte{0, 0, 0, 16, 4, 210, 22, 46, 0, 0, 3, 233, 1, 2, 3, 4})
	f.Add(true, q)
	f.Add(true, append(append(append(append([]byte{}, parse...), bind...), exec...), sync...))
	f.Add(true, []byte{'Q', 0x40, 0, 0, 0})
	f.Add(true, []byte{'B', 0, 0, 0, 12, 0, 0, 0, 0, 0, 1, 0, 2})

	srv, err := NewServer(Config{Engine: &testEngine{}, MaxMessageSize: 1 << 20, StartupTimeout: 2 * time.Second})
	require.NoError(f, err)
	f.Cleanup(func() { srv.Close() })
	f.Fuzz(func(t *testing.T, afterLogin bool, data []byte) {
		input := data
		if afterLogin {
			input = append(append([]byte{}, login...), data...)
		}
		serveBytes(t, srv, input)
	})
}

func TestOversizedMessageRefused(t *testing.T) {
	srv, _, addr := startServer(t)
	_ = srv
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	_, err = nc.Write(loginBytes())
	require.NoError(t, err)
	fe := pgproto3.NewFrontend(nc, nc)
	readUntilReady(t, fe)
	// A Query whose length prefix claims 1 GiB: refused at once, nothing is allocated for it.
	hdr := []byte{'Q', 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hdr[1:], 1<<30)
	_, err = nc.Write(hdr)
	require.NoError(t, err)
	msg, err := fe.Receive()
	require.NoError(t, err)
	er, ok := msg.(*pgproto3.ErrorResponse)
	require.True(t, ok, "got %T", msg)
	require.Equal(t, "FATAL", er.Severity)
	require.Equal(t, "08P01", er.Code)

	// The server goes on serving other sessions.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "select 5").Scan(&n))
	require.Equal(t, 5, n)
}

func TestGarbageThenServing(t *testing.T) {
	_, _, addr := startServer(t)
	for _, garbage := range [][]byte{
		{0, 0, 0, 3},                      // startup length too small
		{0x7f, 0xff, 0xff, 0xff, 0, 0, 0}, // startup length absurd
		{0, 0, 0, 8, 0, 2, 0, 0},          // protocol 2.0
		append(loginBytes(), 'Z', 0, 0, 0, 4),
	} {
		nc, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		nc.Write(garbage)
		nc.SetReadDeadline(time.Now().Add(2 * time.Second))
		io.Copy(io.Discard, nc) // the server closes the connection
		nc.Close()
	}
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, dsn(addr, "alice", "pw"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "select 1").ReadAll()
	require.NoError(t, err)
}

func TestGSSENCRequestAnsweredN(t *testing.T) {
	_, _, addr := startServer(t)
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	gss, _ := (&pgproto3.GSSEncRequest{}).Encode(nil)
	_, err = nc.Write(gss)
	require.NoError(t, err)
	reply := make([]byte, 1)
	_, err = io.ReadFull(nc, reply)
	require.NoError(t, err)
	require.Equal(t, byte('N'), reply[0])
	// The same connection goes on with a normal startup.
	_, err = nc.Write(loginBytes())
	require.NoError(t, err)
	readUntilReady(t, pgproto3.NewFrontend(nc, nc))
}

// readUntilReady reads server messages up to the next ReadyForQuery.
func readUntilReady(t *testing.T, fe *pgproto3.Frontend) {
	t.Helper()
	for {
		msg, err := fe.Receive()
		require.NoError(t, err)
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return
		}
	}
}
