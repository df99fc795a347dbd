package pgwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"syscall"

	"github.com/jackc/pgx/v5/pgproto3"
)

var (
	syscallECONNRESET = syscall.ECONNRESET
	syscallEPIPE      = syscall.EPIPE
)

// loop serves messages until the session ends and says why.
func (c *conn) loop(log *slog.Logger) EndReason {
	for {
		if c.stopping.Load() {
			return c.endShutdown()
		}
		msg, err := c.be.Receive()
		if err != nil {
			if c.stopping.Load() {
				return c.endShutdown()
			}
			var tooBig *pgproto3.ExceededMaxBodyLenErr
			if errors.As(err, &tooBig) {
				log.Warn("message too large", "size", tooBig.ActualBodyLen, "max", tooBig.MaxExpectedBodyLen)
				c.be.Send(Fatal("08P01", fmt.Sprintf("invalid message length %d (the limit is %d bytes)", tooBig.ActualBodyLen, tooBig.MaxExpectedBodyLen)).response())
				c.be.Flush()
				return EndProtocol
			}
			if isClientGone(err) {
				log.Debug("client gone", "err", err)
				return EndClientGone
			}
			log.Info("protocol error", "err", err)
			c.be.Send(Fatal("08P01", "invalid frontend message: "+err.Error()).response())
			c.be.Flush()
			return EndProtocol
		}
		if c.skipToSync {
			if _, ok := msg.(*pgproto3.Sync); !ok {
				if _, ok := msg.(*pgproto3.Terminate); !ok {
					continue
				}
			}
		}
		switch m := msg.(type) {
		case *pgproto3.Query:
			c.simpleQuery(m.String)
		case *pgproto3.Parse:
			c.extended(c.parse(m))
		case *pgproto3.Bind:
			c.extended(c.bind(m))
		case *pgproto3.Describe:
			c.extended(c.describe(m))
		case *pgproto3.Execute:
			c.extended(c.execute(m))
		case *pgproto3.Close:
			c.extended(c.closeObject(m))
		case *pgproto3.Sync:
			c.skipToSync = false
			if c.sess.TxStatus() == TxIdle {
				c.closePortals()
			}
			c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(c.sess.TxStatus())})
			c.flush()
		case *pgproto3.Flush:
			c.flush()
		case *pgproto3.Terminate:
			return EndTerminate
		case *pgproto3.FunctionCall:
			c.sendError(&Error{Code: "0A000", Message: "the fastpath function call protocol is not supported"})
			c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(c.sess.TxStatus())})
			c.flush()
		case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
			// Outside a COPY these are ignored, as PostgreSQL does.
		default:
			c.be.Send(Fatal("08P01", fmt.Sprintf("unexpected message type %T", msg)).response())
			c.be.Flush()
			return EndProtocol
		}
		if c.fatalSent {
			c.flush()
			if c.stopping.Load() {
				return EndShutdown
			}
			return EndFatal
		}
	}
}

func (c *conn) endShutdown() EndReason {
	c.be.Send(errAdminShutdown.response())
	c.be.Flush()
	return EndShutdown
}

func (c *conn) flush() {
	c.pending = 0
	if err := c.be.Flush(); err != nil {
		c.srv.log.Debug("flush to client failed", "err", err)
	}
}

// sendError queues an ErrorResponse for err; a FATAL one ends the connection after the
// current message.
func (c *conn) sendError(err error) {
	e, known := toWire(err)
	if !known {
		c.srv.log.Error("statement failed with an internal error", "pid", c.pid, "err", err)
	}
	if e.fatal() {
		c.fatalSent = true
	}
	c.be.Send(e.response())
}

// extended handles the outcome of an extended-protocol message: an error is sent and the
// rest of the batch is skipped until Sync.
func (c *conn) extended(err error) {
	if err != nil {
		c.sendError(err)
		c.skipToSync = true
	}
}

// run calls fn with a context that a CancelRequest cancels, and turns the resulting error
// into 57014 when the statement was cancelled.
func (c *conn) run(fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(c.ctx)
	c.mu.Lock()
	c.running, c.canceled = cancel, false
	c.mu.Unlock()
	err := fn(ctx)
	c.mu.Lock()
	canceled := c.canceled
	c.running, c.canceled = nil, false
	c.mu.Unlock()
	cancel()
	if err != nil && canceled {
		if c.stopping.Load() {
			return errAdminShutdown
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != "57014" {
			return errCanceled
		}
	}
	return err
}

func (c *conn) simpleQuery(query string) {
	stmts := c.sess.Split(query)
	if len(stmts) == 0 {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
	}
	for _, text := range stmts {
		err := c.run(func(ctx context.Context) error {
			st, err := c.sess.Prepare(ctx, text, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := st.Execute(ctx, nil)
			if err != nil {
				return err
			}
			cols := st.Columns()
			if len(cols) > 0 {
				c.be.Send(rowDescription(cols, nil))
			}
			formats := textFormats(len(cols))
			_, err = c.sendRows(res, cols, formats, 0)
			return err
		})
		if err != nil {
			c.sendError(err)
			break
		}
		if c.fatalSent {
			break
		}
	}
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(c.sess.TxStatus())})
	c.flush()
}

// sendRows streams up to maxRows rows (0 = all) of res. done reports that the result is
// exhausted, in which case CommandComplete was sent and res closed.
func (c *conn) sendRows(res Result, cols []Column, formats []int16, maxRows int32) (done bool, err error) {
	dest := make([]any, len(cols))
	if cap(c.rowVals) < len(cols) {
		c.rowVals = make([][]byte, len(cols))
		c.rowNulls = make([]bool, len(cols))
	}
	if cap(c.rowOffsets) < len(cols)+1 {
		c.rowOffsets = make([]int, len(cols)+1)
	}
	vals, offs, nulls := c.rowVals[:len(cols)], c.rowOffsets[:len(cols)+1], c.rowNulls[:len(cols)]
	var n int32
	for {
		if maxRows > 0 && n == maxRows {
			c.be.Send(&pgproto3.PortalSuspended{})
			return false, nil
		}
		if err := res.Next(dest); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			res.Close()
			return true, err
		}
		n++
		buf := c.rowBuf[:0] // never nil (newConn): an empty value is not NULL
		for i, v := range dest {
			offs[i] = len(buf)
			buf, nulls[i], err = c.codec.appendValue(buf, cols[i].TypeOID, formats[i], v)
			if err != nil {
				res.Close()
				return true, fmt.Errorf("encode column %q: %w", cols[i].Name, err)
			}
			dest[i] = nil
		}
		offs[len(cols)] = len(buf)
		for i := range vals {
			if nulls[i] {
				vals[i] = nil
				continue
			}
			vals[i] = buf[offs[i]:offs[i+1]:offs[i+1]]
		}
		c.rowBuf = buf
		c.be.Send(&pgproto3.DataRow{Values: vals})
		c.pending += len(buf) + 4*len(vals) + 7
		if c.pending >= flushThreshold {
			c.flush()
		}
	}
	tag := res.Tag()
	if err := res.Close(); err != nil {
		return true, err
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return true, nil
}

func textFormats(n int) []int16 { return make([]int16, n) }

func rowDescription(cols []Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		f := pgproto3.FieldDescription{
			Name:                 []byte(col.Name),
			TableOID:             col.TableOID,
			TableAttributeNumber: uint16(col.AttNum),
			DataTypeOID:          col.TypeOID,
			DataTypeSize:         col.TypeSize,
			TypeModifier:         col.TypeMod,
		}
		if formats != nil {
			f.Format = formats[i]
		}
		fields[i] = f
	}
	return &pgproto3.RowDescription{Fields: fields}
}
