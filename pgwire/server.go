package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// ErrServerClosed is returned by Serve after Shutdown or Close. Use errors.Is.
var ErrServerClosed = errors.New("pgwire: server closed")

// DefaultMaxMessageSize bounds one protocol message (a query, a Bind's parameters). Redshift's
// own statement limit is 16 MB.
const DefaultMaxMessageSize = 64 << 20

// Config configures a Server. Only Engine is required.
type Config struct {
	Engine Engine
	// TLS, when set, answers SSLRequest with 'S' and this configuration; nil answers 'N'.
	TLS *tls.Config
	// Now tells the time for session start and end; nil means time.Now.
	Now func() time.Time
	// Logger receives connection-level events; nil means slog.Default().
	Logger *slog.Logger
	// MaxMessageSize bounds a message body; 0 means DefaultMaxMessageSize.
	MaxMessageSize int
	// StartupTimeout bounds the time from accept to a logged-in session; 0 means one minute.
	StartupTimeout time.Duration
}

// Server serves the PostgreSQL protocol on listeners the caller owns.
type Server struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	byPID     map[int32]*conn
	wg        sync.WaitGroup
}

// NewServer returns a server; it does no I/O.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("pgwire: Config.Engine is nil")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.StartupTimeout <= 0 {
		cfg.StartupTimeout = time.Minute
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		ctx:       ctx,
		cancel:    cancel,
		listeners: map[net.Listener]struct{}{},
		conns:     map[*conn]struct{}{},
		byPID:     map[int32]*conn{},
	}, nil
}

// Serve accepts connections on ln until Shutdown or Close, and then returns ErrServerClosed.
// It closes ln when it returns.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
		ln.Close()
	}()

	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("accept on %s: %w", ln.Addr(), err)
		}
		backoff = 0
		c := s.newConn(nc)
		if c == nil {
			nc.Close()
			return ErrServerClosed
		}
		go func() {
			defer s.wg.Done()
			c.serve()
		}()
	}
}

func (s *Server) newConn(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	// rowBuf starts non-nil: sendRows slices the values of a row out of it, and a nil slice is
	// NULL on the wire where an empty value must be a non-nil empty one.
	c := &conn{srv: s, nc: nc, codec: newCodec(), done: make(chan struct{}), rowBuf: make([]byte, 0, 256)}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return c
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	close(c.done)
	if c.pid != 0 && s.byPID[c.pid] == c {
		delete(s.byPID, c.pid)
	}
}

func (s *Server) register(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byPID[c.pid] = c
	if s.closed {
		c.stop()
	}
}

// cancelStatement handles a CancelRequest: the running statement of the session whose key
// matches is cancelled. A key that matches nothing is ignored, as PostgreSQL does.
func (s *Server) cancelStatement(pid int32, secret []byte) {
	s.mu.Lock()
	c := s.byPID[pid]
	s.mu.Unlock()
	if c == nil || len(secret) != 4 || binary.BigEndian.Uint32(secret) != c.secret {
		s.log.Debug("cancel request matched no session", "pid", pid)
		return
	}
	c.cancelRunning()
}

// Shutdown stops accepting, ends every session with FATAL 57P01 admin_shutdown (cancelling
// running statements), and waits for them until ctx is done, after which it closes the
// remaining connections. It is safe to call more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		c.stop()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		s.mu.Lock()
		for c := range s.conns {
			c.nc.Close()
		}
		s.mu.Unlock()
		<-done
		return fmt.Errorf("pgwire shutdown: %w", ctx.Err())
	}
}

// EndSessions ends every open connection as Shutdown does (FATAL 57P01, running statements
// cancelled) but goes on accepting new ones: a cluster reboot. It waits for those
// connections to end until ctx is done, and then closes them.
func (s *Server) EndSessions(ctx context.Context) error {
	s.mu.Lock()
	ending := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		ending = append(ending, c)
		c.stop()
	}
	s.mu.Unlock()
	for _, c := range ending {
		select {
		case <-c.done:
		case <-ctx.Done():
			for _, c := range ending {
				c.nc.Close()
			}
			for _, c := range ending {
				<-c.done
			}
			return fmt.Errorf("pgwire end sessions: %w", ctx.Err())
		}
	}
	return nil
}

// Close shuts down, giving sessions five seconds to end.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

func newSecret() uint32 {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("pgwire: crypto/rand: %v", err))
	}
	return binary.BigEndian.Uint32(b[:])
}
