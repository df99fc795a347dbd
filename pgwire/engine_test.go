package pgwire

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// testEngine is a tiny engine for the protocol tests: one user "alice" with password "pw"
// (md5), statements "select N" (one int4 row), "select $1::int", "sleep" (blocks until
// cancelled), "fail" (42P01) and "begin"/"commit" for the transaction status.
type testEngine struct {
	mu     sync.Mutex
	ended  []End
	nextID int32
}

type testHandshake struct {
	e    *testEngine
	info *ConnInfo
	salt []byte
}

func (e *testEngine) Startup(ctx context.Context, info *ConnInfo) (Handshake, error) {
	if info.Params["database"] == "nosuchdb" {
		return nil, Fatal("3D000", `database "nosuchdb" does not exist`)
	}
	return &testHandshake{e: e, info: info, salt: []byte{1, 2, 3, 4}}, nil
}

func (h *testHandshake) Challenge() Challenge { return Challenge{Kind: AuthMD5, Salt: h.salt} }

func md5Answer(user, password string, salt []byte) string {
	inner := md5.Sum([]byte(password + user))
	outer := md5.Sum(append([]byte(hex.EncodeToString(inner[:])), salt...))
	return "md5" + hex.EncodeToString(outer[:])
}

func (h *testHandshake) Complete(ctx context.Context, r Response) (Session, error) {
	user := h.info.Params["user"]
	if user != "alice" || r.Password != md5Answer("alice", "pw", h.salt) {
		return nil, Fatal("28000", `password authentication failed for user "`+user+`"`)
	}
	h.e.mu.Lock()
	defer h.e.mu.Unlock()
	h.e.nextID++
	return &testSession{e: h.e, pid: 1000 + h.e.nextID, tx: TxIdle}, nil
}

type testSession struct {
	e   *testEngine
	pid int32
	tx  TxStatus
}

func (s *testSession) Parameters() []Param {
	return []Param{{"server_version", "8.0.2"}, {"client_encoding", "UTF8"}}
}
func (s *testSession) PID() int32 { return s.pid }
func (s *testSession) Split(q string) []string {
	var out []string
	for _, p := range strings.Split(q, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
func (s *testSession) TxStatus() TxStatus { return s.tx }
func (s *testSession) Close(end End) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.ended = append(s.e.ended, end)
}

func (s *testSession) Prepare(ctx context.Context, q string, oids []uint32) (Statement, error) {
	q = strings.ToLower(strings.TrimSpace(q))
	st := &testStmt{s: s, q: q}
	switch {
	case q == "select $1::int":
		st.oids = []uint32{pgtype.Int4OID}
		st.cols = []Column{{Name: "int4", TypeOID: pgtype.Int4OID, TypeSize: 4, TypeMod: -1}}
	case strings.HasPrefix(q, "select "):
		if _, err := strconv.Atoi(strings.TrimPrefix(q, "select ")); err != nil {
			return nil, &Error{Code: "42601", Message: "syntax error", Position: 8}
		}
		st.cols = []Column{{Name: "?column?", TypeOID: pgtype.Int4OID, TypeSize: 4, TypeMod: -1}}
	case q == "rows":
		st.cols = []Column{{Name: "n", TypeOID: pgtype.Int8OID, TypeSize: 8, TypeMod: -1}, {Name: "t", TypeOID: pgtype.TextOID, TypeSize: -1, TypeMod: -1}}
	case q == "sleep", q == "fail", q == "begin", q == "commit", q == "internal":
	default:
		return nil, &Error{Code: "42601", Message: `syntax error at or near "` + q + `"`}
	}
	return st, nil
}

type testStmt struct {
	s    *testSession
	q    string
	oids []uint32
	cols []Column
}

func (st *testStmt) ParamOIDs() []uint32 { return st.oids }
func (st *testStmt) Columns() []Column   { return st.cols }
func (st *testStmt) Close()              {}

func (st *testStmt) Execute(ctx context.Context, params []any) (Result, error) {
	switch st.q {
	case "sleep":
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
			return &testResult{tag: "SLEPT"}, nil
		}
	case "fail":
		if st.s.tx == TxActive {
			st.s.tx = TxFailed
		}
		return nil, &Error{Code: "42P01", Message: `relation "nosuch" does not exist`}
	case "internal":
		return nil, errors.New("secret internal detail")
	case "begin":
		st.s.tx = TxActive
		return &testResult{tag: "BEGIN"}, nil
	case "commit":
		st.s.tx = TxIdle
		return &testResult{tag: "COMMIT"}, nil
	case "select $1::int":
		return &testResult{rows: [][]any{{int32(params[0].(int64))}}, tag: "SELECT 1"}, nil
	case "rows":
		var rows [][]any
		for i := range 10 {
			var t any = "row " + strconv.Itoa(i)
			if i%3 == 0 {
				t = nil
			}
			rows = append(rows, []any{int64(i), t})
		}
		return &testResult{rows: rows, tag: "SELECT 10"}, nil
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(st.q, "select "))
	return &testResult{rows: [][]any{{int32(n)}}, tag: "SELECT 1"}, nil
}

type testResult struct {
	rows [][]any
	i    int
	tag  string
}

func (r *testResult) Next(dest []any) error {
	if r.i >= len(r.rows) {
		return io.EOF
	}
	copy(dest, r.rows[r.i])
	r.i++
	return nil
}
func (r *testResult) Tag() string  { return r.tag }
func (r *testResult) Close() error { return nil }
