package duckdb

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// Rows is the result of one run of a statement. It implements sql.Rows.
//
// A result is read chunk by chunk (DuckDB's vectors of up to 2048 rows) straight from the
// engine; only when the session starts another statement before reading to the end is the
// rest fetched ahead (see Conn.detach).
type Rows struct {
	c    *Conn
	s    *Stmt
	ctx  context.Context
	stop func() // ends the cancellation watch

	res     mapping.Result
	hasRes  bool
	chunk   mapping.DataChunk
	size    uint64 // rows in chunk
	row     uint64 // next row of chunk
	ahead   []mapping.DataChunk
	vecs    []vec
	textify []bool // columns described as text whose values come in another type

	n    int64 // rows returned
	tag  string
	err  error
	done bool
}

// setup checks the result's shape against the statement's description and prepares the
// column readers. Callers hold c.mu.
func (r *Rows) setup() error {
	s := r.s
	n := int(mapping.ColumnCount(&r.res))
	if n != len(s.columns) {
		return &sql.Error{Code: sql.CodeFeatureNotSupported, Message: "cannot determine the result columns of this statement; cast its parameters to a type"}
	}
	r.vecs = make([]vec, n)
	for i := range n {
		t := s.types[i]
		if mapping.ColumnType(&r.res, mapping.IdxT(i)) != t.id || t.nested() || s.described {
			lt := mapping.ColumnLogicalType(&r.res, mapping.IdxT(i))
			actual := newColType(lt)
			mapping.DestroyLogicalType(&lt)
			if actual.oid != t.oid && (t.oid == pgtype.TextOID || t.oid == pgtype.VarcharOID) {
				if r.textify == nil {
					r.textify = make([]bool, n)
				}
				r.textify[i] = true
			}
			t = actual
		}
		if !t.supported() {
			return &sql.Error{Code: sql.CodeFeatureNotSupported,
				Message: `column "` + s.columns[i].Name + `" has a data type that cannot be returned; cast it to varchar`}
		}
		r.vecs[i].init(t)
	}
	return nil
}

// Next fills dest with the next row.
func (r *Rows) Next(dest []any) error {
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for r.row >= r.size {
		if r.done {
			if r.err != nil {
				return r.err
			}
			return io.EOF
		}
		if !c.live {
			r.err = c.usable()
			return r.err
		}
		r.fetch()
	}
	i := r.row
	for k := range r.vecs {
		if r.textify != nil && r.textify[k] {
			dest[k] = r.vecs[k].text(i)
			continue
		}
		dest[k] = r.vecs[k].value(i)
	}
	r.row++
	r.n++
	return nil
}

// fetch makes the next chunk current, or ends the rows. Callers hold c.mu.
func (r *Rows) fetch() {
	r.dropChunk()
	var ch mapping.DataChunk
	if len(r.ahead) > 0 {
		ch = r.ahead[0]
		r.ahead[0] = mapping.DataChunk{}
		r.ahead = r.ahead[1:]
	} else if r.hasRes {
		ch = mapping.FetchChunk(r.res)
		if ch.Ptr == nil {
			r.finish(mapping.ResultErrorType(&r.res), mapping.ResultError(&r.res))
			return
		}
	} else {
		r.finish(0, "")
		return
	}
	r.chunk = ch
	r.size = uint64(mapping.DataChunkGetSize(ch))
	r.row = 0
	for k := range r.vecs {
		r.vecs[k].bind(mapping.DataChunkGetVector(ch, mapping.IdxT(k)))
	}
}

// finish ends the rows after the last chunk, with DuckDB's error if the run failed.
func (r *Rows) finish(typ mapping.ErrorType, msg string) {
	if msg != "" {
		r.err = r.c.fail(mapError(r.ctx, r.s.query, typ, true, msg, r.s.kind))
	}
	if r.err == nil {
		r.tag = commandTag(r.s.kind, r.s.words, r.n, true)
	}
	r.done = true
	r.release()
}

// buffer fetches the rest of a streaming result so that the connection can run another
// statement. Callers hold c.mu.
func (r *Rows) buffer() {
	for r.hasRes {
		ch := mapping.FetchChunk(r.res)
		if ch.Ptr == nil {
			if msg := mapping.ResultError(&r.res); msg != "" {
				r.err = r.c.fail(mapError(r.ctx, r.s.query, mapping.ResultErrorType(&r.res), true, msg, r.s.kind))
			}
			mapping.DestroyResult(&r.res)
			r.hasRes = false
			break
		}
		r.ahead = append(r.ahead, ch)
	}
	r.unwatch()
}

// count reads the affected-row count that DuckDB returns as a one-row "Count" result.
func (r *Rows) count() (int64, bool) {
	if mapping.ColumnCount(&r.res) != 1 || mapping.ColumnType(&r.res, 0) != mapping.TypeBigInt {
		return 0, false
	}
	ch := mapping.FetchChunk(r.res)
	if ch.Ptr == nil {
		return 0, false
	}
	defer mapping.DestroyDataChunk(&ch)
	if mapping.DataChunkGetSize(ch) == 0 {
		return 0, false
	}
	var v vec
	v.init(&colType{id: mapping.TypeBigInt, kind: kInt64})
	v.bind(mapping.DataChunkGetVector(ch, 0))
	n, ok := v.value(0).(int64)
	return n, ok
}

// Tag is the command tag, valid once Next returned io.EOF.
func (r *Rows) Tag() string { return r.tag }

// Close releases the rows; unread rows are discarded.
func (r *Rows) Close() error {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.done = true
	r.release()
	return nil
}

func (r *Rows) dropChunk() {
	if r.chunk.Ptr != nil {
		mapping.DestroyDataChunk(&r.chunk)
		r.chunk = mapping.DataChunk{}
	}
	r.size, r.row = 0, 0
}

func (r *Rows) unwatch() {
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

// release gives back every DuckDB object the rows hold. Callers hold c.mu.
func (r *Rows) release() {
	r.dropChunk()
	for i := range r.ahead {
		mapping.DestroyDataChunk(&r.ahead[i])
	}
	r.ahead = nil
	if r.hasRes {
		mapping.DestroyResult(&r.res)
		r.hasRes = false
	}
	r.unwatch()
	if r.c.active == r {
		r.c.active = nil
	}
	if r.c.open != nil {
		delete(r.c.open, r)
	}
}
