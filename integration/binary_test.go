package integration

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// fakeshiftBinary builds cmd/fakeshift once per test run.
func fakeshiftBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = err
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(dir)))
		binPath = filepath.Join(os.TempDir(), fmt.Sprintf("fakeshift-itest-%d", os.Getpid()))
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/fakeshift")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// runningBinary is a fakeshift process started by a test.
type runningBinary struct {
	cmd     *exec.Cmd
	pgAddr  string
	httpURL string
	done    chan struct{} // closed when the process has exited
	err     error         // its exit status, once done is closed
	stderr  *strings.Builder
}

func startBinary(t *testing.T, args ...string) *runningBinary {
	t.Helper()
	cmd := exec.Command(fakeshiftBinary(t), append([]string{"--pg-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	rb := &runningBinary{cmd: cmd, done: make(chan struct{}), stderr: &strings.Builder{}}
	cmd.Stderr = rb.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-rb.done
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		rb.err = cmd.Wait()
		close(rb.done)
	}()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "fakeshift exited before it was ready: %s", rb.stderr)
			if f := strings.Fields(line); len(f) > 1 && f[0] == "postgres" {
				rb.pgAddr = f[1]
			} else if len(f) > 1 && f[0] == "http" {
				rb.httpURL = f[1]
			}
			if strings.HasPrefix(line, "ready in ") {
				go func() {
					for range lines {
					}
				}()
				require.NotEmpty(t, rb.pgAddr)
				return rb
			}
		case <-timeout:
			t.Fatalf("fakeshift was not ready in 20s: %s", rb.stderr)
		}
	}
}

func (rb *runningBinary) dsn(user, password string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/dev?sslmode=disable", user, password, rb.pgAddr)
}

func TestBinaryShutdownAndRestart(t *testing.T) {
	dataDir := t.TempDir()
	ctx := context.Background()

	rb := startBinary(t, "--data-dir", dataDir)
	conn, err := pgx.Connect(ctx, rb.dsn("awsuser", "Fakeshift1"))
	require.NoError(t, err)
	for _, stmt := range []string{
		"create user keeper password 'Keeper123'",
		"create table kept (id int, note varchar(20))",
		"insert into kept values (1, 'survives'), (2, 'restarts')",
		"grant select on kept to keeper",
	} {
		_, err := conn.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
	}

	require.NoError(t, rb.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-rb.done:
		require.NoError(t, rb.err, "fakeshift exits 0 on SIGTERM; stderr: %s", rb.stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("fakeshift did not exit within 10s of SIGTERM")
	}
	_, err = conn.Exec(ctx, "select 1")
	require.Equal(t, "57P01", pgCode(err), "the open session was told of the shutdown: %v", err)
	require.NotContains(t, rb.stderr.String(), "Keeper123", "no password in the log")

	rb2 := startBinary(t, "--data-dir", dataDir)
	conn2, err := pgx.Connect(ctx, rb2.dsn("keeper", "Keeper123"))
	require.NoError(t, err, "the user made before the restart logs in")
	defer conn2.Close(ctx)
	var n int
	require.NoError(t, conn2.QueryRow(ctx, "select count(*) from kept").Scan(&n))
	require.Equal(t, 2, n, "user tables persist with --data-dir")
}
