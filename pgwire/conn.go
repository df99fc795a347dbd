package pgwire

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Wire constants pgproto3 does not export.
const (
	authTypeDigest    = 13
	protocolVersion30 = pgproto3.ProtocolVersion30
	flushThreshold    = 64 << 10
)

// conn is one client connection, served by one goroutine.
type conn struct {
	srv   *Server
	nc    net.Conn
	done  chan struct{} // closed when the server forgets the connection
	be    *pgproto3.Backend
	codec *codec
	info  ConnInfo
	sess  Session

	pid    int32
	secret uint32

	stmts   map[string]*prepared
	portals map[string]*portal

	// skipToSync is set after an error in the extended protocol: messages are discarded
	// until the next Sync.
	skipToSync bool

	// ctx lives as long as the connection; each statement's context derives from it, so
	// that sessions do not contend on the server-wide context.
	ctx      context.Context
	stopping atomic.Bool
	mu       sync.Mutex // guards running and canceled
	running  context.CancelFunc
	canceled bool

	fatalSent bool // a FATAL error was queued: the connection ends after this message

	rowOffsets []int
	rowNulls   []bool
	rowBuf     []byte // non-nil from newConn on (sendRows)
	rowVals    [][]byte
	pending    int // bytes sent since the last flush
}

type prepared struct {
	name  string
	query string
	stmt  Statement // nil for an empty query
	cols  []Column
	oids  []uint32
}

type portal struct {
	stmt    *prepared
	params  []any
	formats []int16 // one per column
	result  Result  // open while suspended
	done    bool
	tag     string
}

// stop asks the connection to end with FATAL 57P01; it returns at once.
func (c *conn) stop() {
	if c.stopping.Swap(true) {
		return
	}
	c.cancelRunning()
	// Wake a read that is waiting for the client.
	c.nc.SetReadDeadline(time.Now())
}

func (c *conn) cancelRunning() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running != nil {
		c.canceled = true
		c.running()
	}
}

func (c *conn) serve() {
	defer c.srv.forget(c)
	defer c.nc.Close()
	log := c.srv.log.With("remote", c.nc.RemoteAddr().String())

	ctx, cancel := context.WithCancel(c.srv.ctx)
	defer cancel()
	c.ctx = ctx
	c.nc.SetDeadline(time.Now().Add(c.srv.cfg.StartupTimeout))
	ok, err := c.startup()
	if err != nil {
		if c.stopping.Load() {
			log.Debug("connection closed during startup by shutdown")
		} else if isClientGone(err) {
			log.Debug("client left during startup", "err", err)
		} else {
			log.Info("connection refused during startup", "err", err)
		}
		return
	}
	if !ok {
		return
	}
	c.nc.SetDeadline(time.Time{})
	if c.stopping.Load() {
		// Shutdown raced with login: the deadline it set was just cleared.
		c.nc.SetReadDeadline(time.Now())
	}

	reason := c.loop(log)
	c.sess.Close(End{Reason: reason, At: c.srv.cfg.Now()})
	c.closeAll()
}

func isClientGone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscallECONNRESET) || errors.Is(err, syscallEPIPE)
}

// startup runs the startup and authentication exchanges. ok is false when the connection
// ended normally without a session (a CancelRequest, a refused login that was answered).
func (c *conn) startup() (ok bool, err error) {
	c.be = pgproto3.NewBackend(c.nc, c.nc)
	var startup *pgproto3.StartupMessage
	for startup == nil {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			return false, fmt.Errorf("read startup message: %w", err)
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if c.info.TLSVersion != "" {
				return false, errors.New("SSLRequest inside TLS")
			}
			if c.srv.cfg.TLS == nil {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return false, fmt.Errorf("answer SSLRequest: %w", err)
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return false, fmt.Errorf("answer SSLRequest: %w", err)
			}
			tc := tls.Server(c.nc, c.srv.cfg.TLS)
			if err := tc.HandshakeContext(c.ctx); err != nil {
				return false, fmt.Errorf("TLS handshake: %w", err)
			}
			st := tc.ConnectionState()
			c.info.TLSVersion = tlsVersionName(st.Version)
			c.info.TLSCipher = opensslCipherName(st.CipherSuite)
			c.nc = tc
			c.be = pgproto3.NewBackend(tc, tc)
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false, fmt.Errorf("answer GSSENCRequest: %w", err)
			}
		case *pgproto3.CancelRequest:
			c.srv.cancelStatement(int32(m.ProcessID), m.SecretKey)
			return false, nil
		case *pgproto3.StartupMessage:
			startup = m
		default:
			return false, fmt.Errorf("unexpected startup message %T", msg)
		}
	}
	c.be.SetMaxBodyLen(c.srv.cfg.MaxMessageSize)

	c.info.RemoteAddr = c.nc.RemoteAddr()
	c.info.LocalAddr = c.nc.LocalAddr()
	c.info.Start = c.srv.cfg.Now()
	c.info.Client = c
	c.info.Params = make(map[string]string, len(startup.Parameters))
	var unknownOpts []string
	for k, v := range startup.Parameters {
		if strings.HasPrefix(k, "_pq_.") {
			unknownOpts = append(unknownOpts, k)
			continue
		}
		c.info.Params[k] = v
	}
	c.info.ProtocolVersion = protocolVersion30
	if startup.ProtocolVersion != protocolVersion30 || len(unknownOpts) > 0 {
		// Redshift speaks 3.0: a client asking for more is told so.
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unknownOpts})
	}
	if c.info.Params["user"] == "" {
		return false, c.fatal(Fatal("28000", "no PostgreSQL user name specified in startup packet"))
	}

	ctx := c.ctx
	hs, err := c.srv.cfg.Engine.Startup(ctx, &c.info)
	if err != nil {
		return false, c.fatal(err)
	}
	var resp Response
	ch := hs.Challenge()
	switch ch.Kind {
	case AuthNone:
	case AuthCleartext:
		c.be.Send(&pgproto3.AuthenticationCleartextPassword{})
		if resp.Password, err = c.readPassword(pgproto3.AuthTypeCleartextPassword); err != nil {
			return false, err
		}
	case AuthMD5:
		var salt [4]byte
		copy(salt[:], ch.Salt)
		c.be.Send(&pgproto3.AuthenticationMD5Password{Salt: salt})
		if resp.Password, err = c.readPassword(pgproto3.AuthTypeMD5Password); err != nil {
			return false, err
		}
	case AuthDigest:
		c.be.Send(&authDigestRequest{salt: ch.Salt, nonce: ch.Nonce})
		if resp.Digest, resp.ClientNonce, err = c.readDigest(); err != nil {
			return false, err
		}
	default:
		return false, fmt.Errorf("engine asked for unknown auth kind %d", ch.Kind)
	}
	sess, err := hs.Complete(ctx, resp)
	if err != nil {
		return false, c.fatal(err)
	}
	c.sess = sess
	c.pid = sess.PID()
	c.secret = newSecret()

	c.be.Send(&pgproto3.AuthenticationOk{})
	for _, p := range sess.Parameters() {
		c.be.Send(&pgproto3.ParameterStatus{Name: p.Name, Value: p.Value})
	}
	var key [4]byte
	binary.BigEndian.PutUint32(key[:], c.secret)
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: uint32(c.pid), SecretKey: key[:]})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(TxIdle)})
	if err := c.be.Flush(); err != nil {
		sess.Close(End{Reason: EndClientGone, At: c.srv.cfg.Now()})
		return false, fmt.Errorf("send login reply: %w", err)
	}
	c.srv.register(c)
	c.stmts = map[string]*prepared{}
	c.portals = map[string]*portal{}
	return true, nil
}

// fatal sends err as a FATAL ErrorResponse and returns nil when it was sent (the connection
// then ends normally), or the write error.
func (c *conn) fatal(err error) error {
	e, known := toWire(err)
	if !known {
		c.srv.log.Error("startup failed", "err", err)
	}
	fe := *e
	fe.Severity = "FATAL"
	c.be.Send(fe.response())
	if werr := c.be.Flush(); werr != nil {
		return fmt.Errorf("send FATAL %s: %w", fe.Code, werr)
	}
	return nil
}

func (c *conn) readPassword(authType uint32) (string, error) {
	if err := c.be.Flush(); err != nil {
		return "", fmt.Errorf("send authentication request: %w", err)
	}
	if err := c.be.SetAuthType(authType); err != nil {
		return "", err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return "", fmt.Errorf("read password message: %w", err)
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return "", c.protocolFatal(fmt.Sprintf("expected password response, got message type %T", msg))
	}
	return pm.Password, nil
}

// readDigest reads the answer to auth code 13: message 'd' carrying
// int32 digestLen | digest | int32 nonceLen | clientNonce.
func (c *conn) readDigest() (digest, nonce []byte, err error) {
	if err := c.be.Flush(); err != nil {
		return nil, nil, fmt.Errorf("send authentication request: %w", err)
	}
	msg, err := c.be.Receive()
	if err != nil {
		return nil, nil, fmt.Errorf("read digest message: %w", err)
	}
	cd, ok := msg.(*pgproto3.CopyData)
	if !ok {
		return nil, nil, c.protocolFatal(fmt.Sprintf("expected digest response, got message type %T", msg))
	}
	b := cd.Data
	take := func() ([]byte, bool) {
		if len(b) < 4 {
			return nil, false
		}
		n := int(int32(binary.BigEndian.Uint32(b)))
		if n < 0 || n > len(b)-4 {
			return nil, false
		}
		v := append([]byte(nil), b[4:4+n]...)
		b = b[4+n:]
		return v, true
	}
	digest, ok1 := take()
	nonce, ok2 := take()
	if !ok1 || !ok2 {
		return nil, nil, c.protocolFatal("malformed digest response")
	}
	return digest, nonce, nil
}

// protocolFatal answers a protocol violation with FATAL 08P01 and returns an error that ends
// the connection.
func (c *conn) protocolFatal(msg string) error {
	c.be.Send(Fatal("08P01", msg).response())
	c.be.Flush()
	return errors.New("protocol violation: " + msg)
}

// authDigestRequest is Redshift's AuthenticationRequest code 13:
// int32 13 | int32 algo (0 = SHA-256) | int32 saltLen | salt | int32 nonceLen | nonce.
type authDigestRequest struct {
	salt, nonce []byte
}

func (*authDigestRequest) Backend() {}

func (*authDigestRequest) Decode([]byte) error { return errors.New("authDigestRequest is send-only") }

func (a *authDigestRequest) Encode(dst []byte) ([]byte, error) {
	n := 4 + 4 + 4 + 4 + len(a.salt) + 4 + len(a.nonce)
	dst = append(dst, 'R')
	dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	dst = binary.BigEndian.AppendUint32(dst, authTypeDigest)
	dst = binary.BigEndian.AppendUint32(dst, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(a.salt)))
	dst = append(dst, a.salt...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(a.nonce)))
	dst = append(dst, a.nonce...)
	return dst, nil
}

// Notice implements Client.
func (c *conn) Notice(n Notice) {
	code := n.Code
	if code == "" {
		code = "00000"
	}
	sev := n.Severity
	if sev == "" {
		sev = "NOTICE"
	}
	c.be.Send(&pgproto3.NoticeResponse{Severity: sev, Code: code, Message: n.Message, Detail: n.Detail})
}

// ParameterStatus implements Client.
func (c *conn) ParameterStatus(name, value string) {
	c.be.Send(&pgproto3.ParameterStatus{Name: name, Value: value})
}
