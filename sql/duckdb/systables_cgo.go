package duckdb

/*
#include <stdint.h>
#include <stdlib.h>

// The callbacks DuckDB calls, exported from Go below. Their prototypes are written with
// void * for DuckDB's handle types (each a pointer), as cgo declares the exports.
void fakeshiftSysBind(void *info);
void fakeshiftSysInit(void *info);
void fakeshiftSysScan(void *info, void *output);
void fakeshiftSysDelete(void *data);
void fakeshiftSysReplace(void *info, char *name, void *data);

typedef void (*fakeshift_bind_t)(void *);
typedef void (*fakeshift_init_t)(void *);
typedef void (*fakeshift_scan_t)(void *, void *);
typedef void (*fakeshift_delete_t)(void *);
typedef void (*fakeshift_replace_t)(void *, char *, void *);

// duckdb_vector_assign_string_element_len, declared here rather than through duckdb.h
// (which lives in another module): duckdb_vector is a pointer and idx_t a uint64_t. The
// symbol comes from the static DuckDB library that duckdb-go-bindings links.
void duckdb_vector_assign_string_element_len(void *vector, uint64_t index, const char *str, uint64_t len);
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// The C addresses of the callbacks.
var (
	sysBindPtr    = unsafe.Pointer(C.fakeshift_bind_t(C.fakeshiftSysBind))
	sysInitPtr    = unsafe.Pointer(C.fakeshift_init_t(C.fakeshiftSysInit))
	sysScanPtr    = unsafe.Pointer(C.fakeshift_scan_t(C.fakeshiftSysScan))
	sysDeletePtr  = unsafe.Pointer(C.fakeshift_delete_t(C.fakeshiftSysDelete))
	sysReplacePtr = unsafe.Pointer(C.fakeshift_replace_t(C.fakeshiftSysReplace))
)

// newHandle wraps v in a cgo.Handle kept in C memory, for DuckDB to hold as the extra info,
// bind data or init data of a table function. fakeshiftSysDelete releases it.
func newHandle(v any) unsafe.Pointer {
	p := C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0))))
	*(*C.uintptr_t)(p) = C.uintptr_t(cgo.NewHandle(v))
	return p
}

func handleValue(p unsafe.Pointer) any {
	if p == nil {
		return nil
	}
	return cgo.Handle(*(*C.uintptr_t)(p)).Value()
}

// releaser is a value behind a handle that must be told when DuckDB lets go of it.
type releaser interface{ release() }

//export fakeshiftSysDelete
func fakeshiftSysDelete(p unsafe.Pointer) {
	if p == nil {
		return
	}
	h := cgo.Handle(*(*C.uintptr_t)(p))
	if r, ok := h.Value().(releaser); ok {
		r.release()
	}
	h.Delete()
	C.free(p)
}

// assignString stores a string longer than 12 bytes in a VARCHAR vector (DuckDB copies it
// into the vector's string heap).
func assignString(v mapping.Vector, row uint64, s string) {
	C.duckdb_vector_assign_string_element_len(v.Ptr, C.uint64_t(row),
		(*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.uint64_t(len(s)))
}

//export fakeshiftSysReplace
func fakeshiftSysReplace(info unsafe.Pointer, name *C.char, _ unsafe.Pointer) {
	defer func() {
		if r := recover(); r != nil {
			mapping.ReplacementScanSetError(mapping.ReplacementScanInfo{Ptr: info}, fmt.Sprint("system table: ", r))
		}
	}()
	replaceScan(mapping.ReplacementScanInfo{Ptr: info}, C.GoString(name))
}

//export fakeshiftSysBind
func fakeshiftSysBind(info unsafe.Pointer) {
	bi := mapping.BindInfo{Ptr: info}
	defer func() {
		if r := recover(); r != nil {
			mapping.BindSetError(bi, fmt.Sprint("system table: ", r))
		}
	}()
	bindSystemTable(bi)
}

//export fakeshiftSysInit
func fakeshiftSysInit(info unsafe.Pointer) {
	ii := mapping.InitInfo{Ptr: info}
	defer func() {
		if r := recover(); r != nil {
			mapping.InitSetError(ii, fmt.Sprint("system table: ", r))
		}
	}()
	initSystemTable(ii)
}

//export fakeshiftSysScan
func fakeshiftSysScan(info, output unsafe.Pointer) {
	fi := mapping.FunctionInfo{Ptr: info}
	out := mapping.DataChunk{Ptr: output}
	defer func() {
		if r := recover(); r != nil {
			mapping.DataChunkSetSize(out, 0)
			mapping.FunctionSetError(fi, fmt.Sprint("system table: ", r))
		}
	}()
	scanSystemTable(fi, out)
}
