package duckdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/fakeshift/fakeshift/sql"
)

// System tables.
//
// Every table of sql.SystemTables is served by one DuckDB table function, sysFunction, whose
// argument is the table's name, registered on each instance together with a replacement scan.
//
// Name resolution is DuckDB's own. When its binder finds no table, view or CTE for a table
// reference it asks the replacement scans, for unqualified names (stl_query, STL_QUERY,
// "stl_query") and schema-qualified ones (pg_catalog.stl_query, "pg_catalog"."STL_QUERY")
// alike, and the C API hands the callback the bare table name only. replaceScan answers a
// system table's name, in any case, with sysFunction('stl_query'); the reference keeps the
// name as written as its alias, so stl_query.userid and q.userid work as usual. No statement
// text is rewritten. Two consequences (see TestSystemTableNameResolution): a user table of
// the same name wins for the unqualified name, which Redshift, searching pg_catalog first,
// would not do; and a qualifier that names another schema lacking the table
// (public.stl_query, nosuch.stl_query) reaches the system table too, where Redshift answers
// 42P01.
//
// The bind callback finds the session by its DuckDB connection id and decides what it may
// see (sql.Visibility): it refuses a SuperuserOnly table to others (42501), and the scan keeps
// of a VisibleOwnRows table the rows of the viewer's own. The scan runs the RecordSource on a
// goroutine of its own that writes the visible rows straight into the data chunk that DuckDB
// asks to be filled, one chunk at a time, while DuckDB's thread waits in the callback: no row
// is held beyond the one being written.

// sysFunction is the name of the table function that serves the system tables.
const sysFunction = "fakeshift_system_table"

// registerSystemTables defines sysFunction and the replacement scan on the instance. Callers
// hold no lock; the engine is not yet shared.
func (e *Engine) registerSystemTables() error {
	var dc mapping.Connection
	if mapping.Connect(e.db, &dc) == mapping.StateError {
		return errors.New("cannot connect")
	}
	defer mapping.Disconnect(&dc)

	f := mapping.CreateTableFunction()
	defer mapping.DestroyTableFunction(&f)
	mapping.TableFunctionSetName(f, sysFunction)
	lt := mapping.CreateLogicalType(mapping.TypeVarchar)
	mapping.TableFunctionAddParameter(f, lt)
	mapping.DestroyLogicalType(&lt)
	mapping.TableFunctionSetExtraInfo(f, newHandle(e), sysDeletePtr)
	mapping.TableFunctionSetBind(f, sysBindPtr)
	mapping.TableFunctionSetInit(f, sysInitPtr)
	mapping.TableFunctionSetFunction(f, sysScanPtr)
	mapping.TableFunctionSupportsProjectionPushdown(f, true)
	if mapping.RegisterTableFunction(dc, f) == mapping.StateError {
		return errors.New("cannot register the system tables' function")
	}
	mapping.AddReplacementScan(e.db, sysReplacePtr, nil, nil)
	return nil
}

// replaceScan answers DuckDB's question about a relation name it could not find.
func replaceScan(info mapping.ReplacementScanInfo, name string) {
	t, ok := sql.LookupSystemTable(strings.ToLower(name))
	if !ok {
		return
	}
	mapping.ReplacementScanSetFunctionName(info, sysFunction)
	v := mapping.CreateVarchar(t.Name)
	mapping.ReplacementScanAddParameter(info, v)
	mapping.DestroyValue(&v)
}

// Errors raised inside DuckDB's callbacks reach the session as DuckDB error text. They carry
// their SQLSTATE in it, as "[fakeshift 42501] permission denied for relation x", which
// classify takes apart.
const statePrefix = "[fakeshift "

func withState(code, msg string) string { return statePrefix + code + "] " + msg }

// carriedState takes apart a message made by withState.
func carriedState(m string) (code, msg string, ok bool) {
	rest, found := strings.CutPrefix(m, statePrefix)
	if !found || len(rest) < 7 || rest[5] != ']' || rest[6] != ' ' {
		return "", "", false
	}
	return rest[:5], rest[7:], true
}

// errClosing is the error of a scan cut short by Engine.Close.
var errClosing = withState(sql.CodeAdminShutdown, "terminating connection due to administrator command")

func errPermission(table string) string {
	return withState(sql.CodeInsufficientPrivilege, "permission denied for relation "+table)
}

// scanError is the DuckDB error text for an error of a RecordSource. A *sql.Error keeps its
// SQLSTATE; any other error is internal.
func scanError(table string, err error) string {
	if e, ok := errors.AsType[*sql.Error](err); ok {
		return withState(e.Code, e.Message)
	}
	return withState(sql.CodeInternalError, "system table "+table+": "+err.Error())
}

// sysBind is what a bound reference to a system table knows: the table and who reads it.
type sysBind struct {
	e      *Engine
	c      *Conn
	t      *sql.SysTable
	viewer sql.Viewer
}

func bindSystemTable(info mapping.BindInfo) {
	e, _ := handleValue(mapping.BindGetExtraInfo(info)).(*Engine)
	if e == nil || e.src == nil {
		mapping.BindSetError(info, "system tables are not available")
		return
	}
	v := mapping.BindGetParameter(info, 0)
	var name string
	if !mapping.IsNullValue(v) { // duckdb_get_varchar aborts on NULL
		name = strings.ToLower(mapping.GetVarchar(v))
	}
	mapping.DestroyValue(&v)
	t, ok := sql.LookupSystemTable(name)
	if !ok {
		mapping.BindSetError(info, withState(sql.CodeUndefinedTable, `relation "`+name+`" does not exist`))
		return
	}

	var cc mapping.ClientContext
	mapping.TableFunctionGetClientContext(info, &cc)
	id := uint64(mapping.ClientContextGetConnectionId(cc))
	mapping.DestroyClientContext(&cc)
	c := e.session(id)
	// Without a session, the connection is the engine's own, which binds the catalog views
	// that read a system table when it makes them (catalog.go): it sees no row, and no table
	// only superusers read.
	viewer := sql.Viewer{UserID: -1}
	if c != nil {
		viewer = sql.Viewer{UserID: c.id.UserID, UserName: c.id.User, Superuser: c.id.Superuser}
	}
	if t.Visibility == sql.SuperuserOnly && !viewer.Superuser {
		mapping.BindSetError(info, errPermission(t.Name))
		return
	}

	for _, col := range t.Columns {
		lt := logicalType(col.Type)
		mapping.BindAddResultColumn(info, col.Name, lt)
		mapping.DestroyLogicalType(&lt)
	}
	mapping.BindSetBindData(info, newHandle(&sysBind{e: e, c: c, t: t, viewer: viewer}), sysDeletePtr)
}

// logicalType is DuckDB's type for a system table column type; the caller destroys it.
func logicalType(t sql.ColumnType) mapping.LogicalType {
	if t == sql.TypeIntArray {
		child := mapping.CreateLogicalType(mapping.TypeInteger)
		defer mapping.DestroyLogicalType(&child)
		return mapping.CreateListType(child)
	}
	return mapping.CreateLogicalType(duckType(t))
}

// duckType is DuckDB's type for a system table column type of a scalar type.
func duckType(t sql.ColumnType) mapping.Type {
	switch t {
	case sql.TypeInt:
		return mapping.TypeInteger
	case sql.TypeBigint:
		return mapping.TypeBigInt
	case sql.TypeTimestamp:
		return mapping.TypeTimestamp
	case sql.TypeBool:
		return mapping.TypeBoolean
	}
	return mapping.TypeVarchar
}

// Column writers, by the DuckDB type of the output vector.
type colKind uint8

const (
	ckVarchar colKind = iota
	ckInt32
	ckInt64
	ckTimestamp
	ckBool
	ckIntList
	ckVirtual // a column DuckDB asks for that the table does not have: always NULL
)

func colKindOf(t sql.ColumnType) colKind {
	switch t {
	case sql.TypeInt:
		return ckInt32
	case sql.TypeBigint:
		return ckInt64
	case sql.TypeTimestamp:
		return ckTimestamp
	case sql.TypeBool:
		return ckBool
	case sql.TypeIntArray:
		return ckIntList
	}
	return ckVarchar
}

// outCol is one column of the output chunk.
type outCol struct {
	src  int // index in the table's columns (ckVirtual: -1)
	kind colKind
	name string

	vec  mapping.Vector
	data unsafe.Pointer
	mask unsafe.Pointer // validity words; nil until a NULL is written to this chunk
}

// sysScan is one run of a bound system table reference. DuckDB calls scanSystemTable for each
// chunk, from the thread that runs the statement; the RecordSource runs on the scan's own
// goroutine (produce), writing the visible rows into the chunk that scanSystemTable hands it.
type sysScan struct {
	b    *sysBind
	cols []outCol
	own  int // index of the viewer's user column, or -1 when every row is visible
	ownT colKind

	// Owned by the side that runs DuckDB's callbacks.
	started  bool
	finished bool

	req  chan mapping.DataChunk // fill -> producer: a chunk to fill
	resp chan fillResult        // producer -> fill: the chunk is full, or the scan ended
	stop chan struct{}          // closed when DuckDB lets go of the scan
	once sync.Once

	// Owned by the producer.
	n    int   // rows in the current chunk
	fail error // the first error write found; the scan ends with it
}

type fillResult struct {
	n    int
	done bool
	err  string // DuckDB error text, "" for none
}

// chunkCapacity is the number of rows of a DuckDB data chunk.
var chunkCapacity = int(mapping.VectorSize())

func initSystemTable(info mapping.InitInfo) {
	b, _ := handleValue(mapping.InitGetBindData(info)).(*sysBind)
	if b == nil {
		mapping.InitSetError(info, "system table: no bind data")
		return
	}
	s := &sysScan{b: b, own: -1,
		req: make(chan mapping.DataChunk), resp: make(chan fillResult), stop: make(chan struct{})}
	n := int(mapping.InitGetColumnCount(info))
	s.cols = make([]outCol, n)
	for i := range n {
		src := int(mapping.InitGetColumnIndex(info, mapping.IdxT(i)))
		if src < 0 || src >= len(b.t.Columns) {
			s.cols[i] = outCol{src: -1, kind: ckVirtual}
			continue
		}
		col := b.t.Columns[src]
		s.cols[i] = outCol{src: src, kind: colKindOf(col.Type), name: col.Name}
	}
	if b.c == nil {
		s.own = math.MaxInt // the engine's own connection sees nothing
	} else if b.t.Visibility == sql.VisibleOwnRows && !b.viewer.Superuser {
		s.own = b.t.ColumnIndex(b.t.UserColumn)
		s.ownT = ckVarchar
		if s.own >= 0 {
			s.ownT = colKindOf(b.t.Columns[s.own].Type)
		} else {
			s.own = math.MaxInt // no user column: nothing is visible
		}
	}
	mapping.InitSetMaxThreads(info, 1)
	mapping.InitSetInitData(info, newHandle(s), sysDeletePtr)
}

// release is called when DuckDB destroys the scan (finished, abandoned, interrupted).
func (s *sysScan) release() {
	s.once.Do(func() { close(s.stop) })
}

func scanSystemTable(info mapping.FunctionInfo, out mapping.DataChunk) {
	s, _ := handleValue(mapping.FunctionGetInitData(info)).(*sysScan)
	if s == nil || s.finished {
		mapping.DataChunkSetSize(out, 0)
		return
	}
	if !s.started {
		s.started = true
		if !s.b.e.startScan(s) {
			s.finished = true
			mapping.DataChunkSetSize(out, 0)
			mapping.FunctionSetError(info, errClosing)
			return
		}
	}
	s.req <- out
	r := <-s.resp
	mapping.DataChunkSetSize(out, mapping.IdxT(r.n))
	if r.done {
		s.finished = true
		if r.err != "" {
			mapping.DataChunkSetSize(out, 0)
			mapping.FunctionSetError(info, r.err)
		}
	}
}

func (s *sysScan) stopped() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// errScanStopped ends a RecordSource's scan that DuckDB no longer needs.
var errScanStopped = errors.New("system table scan stopped")

// startScan runs the scan's producer, unless the engine is closing.
func (e *Engine) startScan(s *sysScan) bool {
	e.smu.Lock()
	defer e.smu.Unlock()
	if e.ctx.Err() != nil {
		return false
	}
	e.scans.Add(1)
	go s.produce(e.ctx, s.b.c.runContext())
	return true
}

// produce runs the RecordSource. It holds a chunk (between a request and its response) only
// while DuckDB's thread waits in scanSystemTable, so DuckDB's memory is never touched behind
// its back. It ends when the RecordSource does, or when DuckDB lets go of the scan (release),
// the statement's context ends or the engine closes.
func (s *sysScan) produce(base, stmt context.Context) {
	e := s.b.e
	defer e.scans.Done()
	ctx, cancel := context.WithCancel(base)
	defer cancel()
	if stmt != nil {
		defer context.AfterFunc(stmt, cancel)()
	}
	holding := false
	wait := func() bool {
		select {
		case ch := <-s.req:
			s.bindChunk(ch)
			holding = true
			return true
		case <-s.stop:
			return false
		}
	}
	if !wait() {
		return
	}
	err := s.run(ctx, func(row []any) error {
		if s.fail != nil {
			return s.fail // a source that goes on after an error gets it again
		}
		if !s.visible(row) {
			if !holding && s.stopped() {
				s.fail = errScanStopped
				return s.fail
			}
			return ctx.Err()
		}
		if !holding && !wait() {
			s.fail = errScanStopped
			return s.fail
		}
		if err := s.write(row); err != nil {
			s.fail = err
			return err
		}
		if s.n == chunkCapacity {
			s.resp <- fillResult{n: s.n}
			holding = false
		}
		return nil
	})
	if !holding && !wait() {
		return
	}
	if s.fail != nil {
		err = s.fail
	}
	var msg string
	switch {
	case err == nil:
	case base.Err() != nil:
		msg = errClosing
	case ctx.Err() != nil:
		// The statement was canceled: say so as DuckDB does, which mapError reports as a
		// cancellation.
		msg = "Interrupted!"
	default:
		msg = scanError(s.b.t.Name, err)
	}
	s.resp <- fillResult{n: s.n, done: true, err: msg}
}

// run calls the RecordSource, turning a panic into an error.
func (s *sysScan) run(ctx context.Context, emit func([]any) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	err = s.b.e.src.ScanSystemTable(ctx, s.b.t.Name, emit)
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// visible reports whether the viewer may see row.
func (s *sysScan) visible(row []any) bool {
	if s.own < 0 {
		return true
	}
	if s.own >= len(row) {
		return false
	}
	switch s.ownT {
	case ckInt32, ckInt64:
		id, ok := asInt64(row[s.own])
		return ok && id == int64(s.b.viewer.UserID)
	case ckVarchar:
		name, ok := row[s.own].(string)
		return ok && name == s.b.viewer.UserName
	}
	return false
}

// bindChunk makes ch the chunk that write fills.
func (s *sysScan) bindChunk(ch mapping.DataChunk) {
	s.n = 0
	for i := range s.cols {
		c := &s.cols[i]
		c.vec = mapping.DataChunkGetVector(ch, mapping.IdxT(i))
		c.data = mapping.VectorGetData(c.vec)
		c.mask = mapping.VectorGetValidity(c.vec)
		if c.kind == ckIntList {
			mapping.ListVectorSetSize(c.vec, 0)
		}
		if c.mask != nil {
			// A writable mask may hold the previous chunk's NULLs.
			words := unsafe.Slice((*uint64)(c.mask), (chunkCapacity+63)/64)
			for w := range words {
				words[w] = math.MaxUint64
			}
		}
	}
}

// write appends row to the current chunk.
func (s *sysScan) write(row []any) error {
	if len(row) < len(s.b.t.Columns) {
		return fmt.Errorf("a row has %d values for %d columns", len(row), len(s.b.t.Columns))
	}
	r := uint64(s.n)
	for i := range s.cols {
		c := &s.cols[i]
		if c.kind == ckVirtual {
			c.setNull(r)
			continue
		}
		v := row[c.src]
		if v == nil {
			c.setNull(r)
			continue
		}
		ok := true
		switch c.kind {
		case ckVarchar:
			var str string
			switch x := v.(type) {
			case string:
				str = x
			case []byte:
				str = string(x)
			default:
				ok = false
			}
			if ok {
				c.setString(r, str)
			}
		case ckInt32:
			var n int64
			if n, ok = asInt64(v); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
				*(*int32)(unsafe.Add(c.data, r*4)) = int32(n)
			} else {
				ok = false
			}
		case ckInt64:
			var n int64
			if n, ok = asInt64(v); ok {
				*(*int64)(unsafe.Add(c.data, r*8)) = n
			}
		case ckTimestamp:
			var t time.Time
			if t, ok = v.(time.Time); ok {
				*(*int64)(unsafe.Add(c.data, r*8)) = t.UnixMicro()
			}
		case ckBool:
			var b bool
			if b, ok = v.(bool); ok {
				*(*bool)(unsafe.Add(c.data, r)) = b
			}
		case ckIntList:
			var ids []int32
			if ids, ok = v.([]int32); ok {
				c.setIntList(r, ids)
			}
		}
		if !ok {
			return fmt.Errorf("column %s: unexpected value %v of type %T", c.name, v, v)
		}
	}
	s.n++
	return nil
}

func (c *outCol) setNull(r uint64) {
	if c.mask == nil {
		mapping.VectorEnsureValidityWritable(c.vec)
		c.mask = mapping.VectorGetValidity(c.vec)
	}
	w := (*uint64)(unsafe.Add(c.mask, (r>>6)*8))
	*w &^= 1 << (r & 63)
	switch c.kind {
	case ckVarchar:
		*(*stringT)(unsafe.Add(c.data, r*16)) = stringT{}
	case ckIntList:
		entry := (*[2]uint64)(unsafe.Add(c.data, r*16))
		entry[0], entry[1] = uint64(mapping.ListVectorGetSize(c.vec)), 0
	}
}

// setIntList stores ids in row r of a LIST(INTEGER) vector: appended to the list's child
// vector, the row's entry pointing at them.
func (c *outCol) setIntList(r uint64, ids []int32) {
	off := uint64(mapping.ListVectorGetSize(c.vec))
	n := uint64(len(ids))
	if n > 0 {
		mapping.ListVectorReserve(c.vec, mapping.IdxT(off+n))
		child := mapping.VectorGetData(mapping.ListVectorGetChild(c.vec))
		for j, id := range ids {
			*(*int32)(unsafe.Add(child, (off+uint64(j))*4)) = id
		}
		mapping.ListVectorSetSize(c.vec, mapping.IdxT(off+n))
	}
	entry := (*[2]uint64)(unsafe.Add(c.data, r*16)) // duckdb_list_entry: offset, length
	entry[0], entry[1] = off, n
}

// setString stores s in row r of a VARCHAR vector: inlined when it has at most 12 bytes, as
// duckdb_string_t does, else through DuckDB's string heap.
func (c *outCol) setString(r uint64, s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > 12 {
		assignString(c.vec, r, s)
		return
	}
	p := (*[16]byte)(unsafe.Add(c.data, r*16))
	*p = [16]byte{}
	*(*uint32)(unsafe.Pointer(p)) = uint32(len(s))
	copy(p[4:], s)
}

// asInt64 reads any Go integer.
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x), true
		}
	}
	return 0, false
}

// Sessions: DuckDB tells a table function's bind callback the id of the connection that
// binds it; the engine maps the id to the session's Conn.

func (e *Engine) addSession(c *Conn) {
	var cc mapping.ClientContext
	mapping.ConnectionGetClientContext(c.dc, &cc)
	c.connID = uint64(mapping.ClientContextGetConnectionId(cc))
	mapping.DestroyClientContext(&cc)
	e.smu.Lock()
	e.sessions[c.connID] = c
	e.smu.Unlock()
}

func (e *Engine) removeSession(c *Conn) {
	e.smu.Lock()
	if e.sessions[c.connID] == c {
		delete(e.sessions, c.connID)
	}
	e.smu.Unlock()
}

func (e *Engine) session(id uint64) *Conn {
	e.smu.Lock()
	defer e.smu.Unlock()
	return e.sessions[id]
}

// ctxBox holds the context of the statement a connection runs, for the scans it starts.
type ctxBox struct{ ctx context.Context }

// setRunContext records the context of the statement that starts now. Callers hold mu.
func (c *Conn) setRunContext(ctx context.Context) {
	c.runCtx.Store(&ctxBox{ctx})
}

func (c *Conn) runContext() context.Context {
	if b := c.runCtx.Load(); b != nil {
		return b.ctx
	}
	return nil
}
