package integration

// The benchmarks the README's "Benchmarks" section reports (run them with scripts/bench.sh).
// Each one runs against fakeshift and, when FAKESHIFT_BENCH_PG_DSN names a real PostgreSQL
// (a user that logs in with md5 or SCRAM), against it too, with the same client and the same
// statements, so that the two can be compared figure for figure. No statement is treated
// specially for a benchmark: they go through the same path as any client's.

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/fixtures"
)

// benchPGEnv names the environment variable with the DSN of a real PostgreSQL to compare with.
const benchPGEnv = "FAKESHIFT_BENCH_PG_DSN"

// kvRows is the size of the table the point query reads.
const kvRows = 10000

// benchTarget is one server the benchmarks run against.
type benchTarget struct {
	name string
	// dsn gives the target's DSN with the given sslmode.
	dsn func(sslmode string) string
}

// benchTargets is fakeshift (started here for b) and, when the environment names one, a
// real PostgreSQL.
func benchTargets(b *testing.B) []benchTarget {
	f := fixtures.New(b)
	cfg := f.Config()
	targets := []benchTarget{{name: "fakeshift", dsn: func(sslmode string) string {
		return f.DSNWith(cfg.MasterUser, cfg.MasterPassword, "sslmode="+sslmode)
	}}}
	if dsn := os.Getenv(benchPGEnv); dsn != "" {
		targets = append(targets, benchTarget{name: "postgres", dsn: func(sslmode string) string {
			return withSSLMode(dsn, sslmode)
		}})
	}
	return targets
}

// withSSLMode sets sslmode in a DSN, URL or keyword/value form.
func withSSLMode(dsn, sslmode string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("sslmode", sslmode)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " sslmode=" + sslmode // a later keyword wins
}

// BenchmarkStartToReady starts the emulator with its in-memory defaults on loopback ports
// (Start returns once both listeners accept connections) and closes it. ns/op is start plus
// close; start-ns and close-ns report the two halves.
func BenchmarkStartToReady(b *testing.B) {
	ctx := context.Background()
	cfg := fakeshift.Config{PGAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	var start, stop time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		srv, err := fakeshift.Start(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := srv.Close(); err != nil {
			b.Fatal(err)
		}
		start += t1.Sub(t0)
		stop += time.Since(t1)
	}
	b.ReportMetric(float64(start.Nanoseconds())/float64(b.N), "start-ns/op")
	b.ReportMetric(float64(stop.Nanoseconds())/float64(b.N), "close-ns/op")
}

// BenchmarkStartToFirstQuery is what a test that starts fakeshift waits for before its first
// answer: Start, a pgx connection as the master user, "select 1" (the session's first engine
// statement opens its engine connection), then Close of the connection and the emulator.
// first-query-ns is the time from Start to the answer.
func BenchmarkStartToFirstQuery(b *testing.B) {
	ctx := context.Background()
	cfg := fakeshift.Config{PGAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	var first time.Duration
	for b.Loop() {
		t0 := time.Now()
		srv, err := fakeshift.Start(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		f := &fixtures.Fakeshift{Server: srv}
		conn, err := pgx.Connect(ctx, f.MasterDSN())
		if err != nil {
			b.Fatal(err)
		}
		var n int
		if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil || n != 1 {
			b.Fatalf("select 1: %d, %v", n, err)
		}
		first += time.Since(t0)
		conn.Close(ctx)
		if err := srv.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(first.Nanoseconds())/float64(b.N), "first-query-ns/op")
}

// BenchmarkConnect opens and closes one pgx connection (start-up, login, ParameterStatus,
// BackendKeyData, ReadyForQuery, Terminate), plain and over TLS.
func BenchmarkConnect(b *testing.B) {
	ctx := context.Background()
	targets := benchTargets(b)
	for _, mode := range []struct{ name, sslmode string }{{"plain", "disable"}, {"tls", "require"}} {
		b.Run(mode.name, func(b *testing.B) {
			for _, tg := range targets {
				b.Run(tg.name, func(b *testing.B) {
					dsn := tg.dsn(mode.sslmode)
					cc, err := pgx.ParseConfig(dsn)
					if err != nil {
						b.Fatal(err)
					}
					// One connection first: it makes fakeshift's self-signed certificate and
					// says whether the server takes this mode at all.
					conn, err := pgx.ConnectConfig(ctx, cc)
					if err != nil {
						b.Skipf("%s with sslmode=%s: %v", tg.name, mode.sslmode, err)
					}
					if _, isTLS := conn.PgConn().Conn().(*tls.Conn); isTLS != (mode.sslmode == "require") {
						b.Fatalf("%s with sslmode=%s: TLS is %v", tg.name, mode.sslmode, isTLS)
					}
					conn.Close(ctx)
					b.ReportAllocs()
					for b.Loop() {
						conn, err := pgx.ConnectConfig(ctx, cc)
						if err != nil {
							b.Fatal(err)
						}
						if err := conn.Close(ctx); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkRoundTrip runs one statement per op through pgx's default mode (extended
// protocol, statements prepared once per connection and cached): "select 1", and a point
// query on the primary key of a 10,000-row table with a random key each time. clients=8 runs
// eight goroutines, each with its own connection; ns/op is then wall time per statement
// across all eight.
func BenchmarkRoundTrip(b *testing.B) {
	ctx := context.Background()
	type server struct {
		name  string
		conns []*pgx.Conn
	}
	var servers []server
	for _, tg := range benchTargets(b) {
		s := server{name: tg.name}
		for i := 0; i < 8; i++ {
			conn, err := pgx.Connect(ctx, tg.dsn("disable"))
			if err != nil {
				b.Fatalf("connect to %s: %v", tg.name, err)
			}
			b.Cleanup(func() { conn.Close(context.Background()) })
			s.conns = append(s.conns, conn)
		}
		setupKV(b, tg.name, s.conns[0])
		servers = append(servers, s)
	}

	statements := []struct {
		name string
		run  func(conn *pgx.Conn, key int) error
	}{
		{"select1", func(conn *pgx.Conn, _ int) error {
			var n int
			if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil {
				return err
			}
			if n != 1 {
				return fmt.Errorf("select 1 gave %d", n)
			}
			return nil
		}},
		{"point", func(conn *pgx.Conn, key int) error {
			var v string
			if err := conn.QueryRow(ctx, "select v from kv where k = $1", key).Scan(&v); err != nil {
				return err
			}
			if v == "" {
				return fmt.Errorf("key %d: empty value", key)
			}
			return nil
		}},
	}

	// Every connection has both statements prepared and checked before any timing.
	for _, s := range servers {
		for _, conn := range s.conns {
			for _, st := range statements {
				if err := st.run(conn, 42); err != nil {
					b.Fatalf("%s on %s: %v", st.name, s.name, err)
				}
			}
			var v string
			if err := conn.QueryRow(ctx, "select v from kv where k = $1", 4321).Scan(&v); err != nil || v != "value 4321" {
				b.Fatalf("%s: kv[4321] = %q, %v", s.name, v, err)
			}
		}
	}

	for _, st := range statements {
		b.Run(st.name, func(b *testing.B) {
			b.Run("clients=1", func(b *testing.B) {
				for _, s := range servers {
					b.Run(s.name, func(b *testing.B) {
						conn := s.conns[0]
						b.ReportAllocs()
						for b.Loop() {
							if err := st.run(conn, rand.IntN(kvRows)); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			})
			b.Run("clients=8", func(b *testing.B) {
				for _, s := range servers {
					b.Run(s.name, func(b *testing.B) {
						pool := make(chan *pgx.Conn, len(s.conns))
						for _, c := range s.conns {
							pool <- c
						}
						// RunParallel starts parallelism × GOMAXPROCS goroutines: at least eight,
						// exactly eight when GOMAXPROCS divides 8 (2 here). Each holds one
						// connection for its whole run; any goroutine beyond the eighth waits for
						// a connection and finds the work done, so at most eight are ever used.
						procs := runtime.GOMAXPROCS(0)
						b.SetParallelism((len(s.conns) + procs - 1) / procs)
						b.ReportAllocs()
						b.RunParallel(func(pb *testing.PB) {
							conn := <-pool
							defer func() { pool <- conn }()
							for pb.Next() {
								if err := st.run(conn, rand.IntN(kvRows)); err != nil {
									b.Error(err)
									return
								}
							}
						})
					})
				}
			})
		})
	}
}

// setupKV makes kv(k int primary key, v varchar(32)) with keys 0..9999 and values
// "value <k>", replacing any table of that name.
func setupKV(b *testing.B, name string, conn *pgx.Conn) {
	ctx := context.Background()
	for _, stmt := range []string{
		"drop table if exists kv",
		"create table kv(k int primary key, v varchar(32))",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			b.Fatalf("%s: %s: %v", name, stmt, err)
		}
	}
	// Rows in batches of 1,000 per INSERT: plain SQL that fakeshift and PostgreSQL both run.
	for lo := 0; lo < kvRows; lo += 1000 {
		var sb strings.Builder
		sb.WriteString("insert into kv values ")
		for k := lo; k < lo+1000 && k < kvRows; k++ {
			if k > lo {
				sb.WriteByte(',')
			}
			sb.WriteString("(" + strconv.Itoa(k) + ", 'value " + strconv.Itoa(k) + "')")
		}
		if _, err := conn.Exec(ctx, sb.String()); err != nil {
			b.Fatalf("%s: insert into kv: %v", name, err)
		}
	}
	var n int64
	if err := conn.QueryRow(ctx, "select count(*) from kv").Scan(&n); err != nil || n != kvRows {
		b.Fatalf("%s: kv has %d rows, %v", name, n, err)
	}
}

// BenchmarkRecordedRoundTrip is "select 1" through pgx's default mode, as in RoundTrip, with
// the store in memory (the default), on disk (--data-dir) and on disk with a sync per commit
// (--data-dir --fsync). Every statement writes its activity record before it runs and waits
// for it (with --fsync, until it is on disk: concurrent sessions share one sync through the
// logger's group commit), so the three differ only in what recording costs. clients=8 is
// eight connections at once; ns/op is then wall time per statement across all eight, the
// inverse of the throughput. cpu-ns/op is the process's CPU time per statement (fakeshift and
// the pgx clients, which share the process), from getrusage. The logger's own benchmark
// (logger BenchmarkRecordStatement) is the same recording without the round trip.
func BenchmarkRecordedRoundTrip(b *testing.B) {
	ctx := context.Background()
	for _, mode := range []struct {
		name string
		opts func(b *testing.B) []fixtures.Option
	}{
		{"memory", func(*testing.B) []fixtures.Option { return nil }},
		{"data-dir", func(b *testing.B) []fixtures.Option {
			return []fixtures.Option{fixtures.WithDataDir(b.TempDir())}
		}},
		{"data-dir-fsync", func(b *testing.B) []fixtures.Option {
			return []fixtures.Option{fixtures.WithDataDir(b.TempDir()),
				fixtures.WithConfig(func(c *fakeshift.Config) { c.Fsync = true })}
		}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			f := fixtures.New(b, mode.opts(b)...)
			conns := make([]*pgx.Conn, 8)
			for i := range conns {
				conn, err := pgx.Connect(ctx, f.MasterDSN())
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { conn.Close(context.Background()) })
				if err := selectOne(ctx, conn); err != nil { // prepared and checked before timing
					b.Fatal(err)
				}
				conns[i] = conn
			}
			for _, clients := range []int{1, 8} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					b.ReportAllocs()
					cpu0 := processCPU()
					defer func() {
						b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
					}()
					if clients == 1 {
						for b.Loop() {
							if err := selectOne(ctx, conns[0]); err != nil {
								b.Fatal(err)
							}
						}
						return
					}
					// As in RoundTrip: each goroutine holds one connection for its whole run, and
					// any goroutine beyond the clients-th finds none free until the work is done.
					pool := make(chan *pgx.Conn, clients)
					for _, c := range conns[:clients] {
						pool <- c
					}
					procs := runtime.GOMAXPROCS(0)
					b.SetParallelism((clients + procs - 1) / procs)
					b.RunParallel(func(pb *testing.PB) {
						conn := <-pool
						defer func() { pool <- conn }()
						for pb.Next() {
							if err := selectOne(ctx, conn); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		})
	}
}

func selectOne(ctx context.Context, conn *pgx.Conn) error {
	var n int
	if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("select 1 gave %d", n)
	}
	return nil
}

// processCPU is the user and system CPU time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
