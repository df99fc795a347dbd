package objects

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkPutObject is the cost of a PutObject with 512 KiB chunks (the default), in memory and
// on disk (without fsync). Each iteration overwrites the same key, so it includes removing
// the data of the previous one.
func BenchmarkPutObject(b *testing.B) {
	for _, disk := range []bool{false, true} {
		where := "memory"
		if disk {
			where = "disk"
		}
		for _, size := range []int{1 << 10, 1 << 20} {
			b.Run(fmt.Sprintf("%s/%dKiB", where, size>>10), func(b *testing.B) {
				e := newEnv(b, disk)
				be := e.b
				e.mustBucket("bench")
				data := randomData(size, 1)
				r := bytes.NewReader(data)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					r.Reset(data)
					if _, err := be.PutObject("bench", "k", map[string]string{"Content-Type": "application/gzip"}, r, int64(size), nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkGetObject reads a 1 MiB object back.
func BenchmarkGetObject(b *testing.B) {
	e := newEnv(b, false)
	e.mustBucket("bench")
	data := randomData(1<<20, 1)
	e.put("bench", "k", data, nil)
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		obj, err := e.b.GetObject("bench", "k", nil)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := obj.Contents.Read(buf)
			if err != nil {
				break
			}
		}
		obj.Contents.Close()
	}
}
