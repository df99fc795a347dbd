package objects

import (
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/store"
)

func TestNewOptions(t *testing.T) {
	db, err := store.Open(store.Options{})
	require.NoError(t, err)
	defer db.Close()
	for _, tc := range []struct {
		chunk   int
		wantErr bool
		want    int64
	}{
		{0, false, DefaultChunkSize},
		{1, false, 1},
		{MaxChunkSize - 1, false, MaxChunkSize - 1},
		{MaxChunkSize, true, 0},
		{-1, true, 0},
	} {
		t.Run(fmt.Sprint(tc.chunk), func(t *testing.T) {
			b, err := New(db.Space("s3"), Options{ChunkSize: tc.chunk})
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, b.chunk)
		})
	}
	_, err = New(nil, Options{})
	require.Error(t, err)
}

func TestBuckets(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.b
		ok, err := b.BucketExists("alpha")
		require.NoError(t, err)
		require.False(t, ok)

		require.NoError(t, b.CreateBucketWith("beta", []byte(`{"owner":"1"}`)))
		e.clock.Advance(time.Minute)
		require.NoError(t, b.CreateBucket("alpha"))
		requireCode(t, b.CreateBucket("alpha"), gofakes3.ErrBucketAlreadyExists)
		requireCode(t, b.CreateBucketWith("beta", nil), gofakes3.ErrBucketAlreadyExists)

		ok, err = b.BucketExists("alpha")
		require.NoError(t, err)
		require.True(t, ok)

		list, err := b.ListBuckets()
		require.NoError(t, err)
		require.Equal(t, []gofakes3.BucketInfo{
			{Name: "alpha", CreationDate: gofakes3.NewContentTime(testStart.Add(time.Minute))},
			{Name: "beta", CreationDate: gofakes3.NewContentTime(testStart)},
		}, list, "by name, created at the clock's time to the second")

		attrs, err := b.BucketAttrs("beta")
		require.NoError(t, err)
		require.Equal(t, `{"owner":"1"}`, string(attrs))
		attrs, err = b.BucketAttrs("alpha")
		require.NoError(t, err)
		require.Nil(t, attrs)
		_, err = b.BucketAttrs("gamma")
		requireCode(t, err, gofakes3.ErrNoSuchBucket)

		require.NoError(t, b.UpdateBucketAttrs("beta", func(old []byte) ([]byte, error) {
			require.Equal(t, `{"owner":"1"}`, string(old))
			return []byte(`{"owner":"2"}`), nil
		}))
		attrs, err = b.BucketAttrs("beta")
		require.NoError(t, err)
		require.Equal(t, `{"owner":"2"}`, string(attrs))

		refused := &sigError{code: "nope"}
		err = b.UpdateBucketAttrs("beta", func([]byte) ([]byte, error) { return []byte("x"), refused })
		require.True(t, err == error(refused), "fn's error as is, got %v", err)
		attrs, err = b.BucketAttrs("beta")
		require.NoError(t, err)
		require.Equal(t, `{"owner":"2"}`, string(attrs), "unchanged after fn failed")
		requireCode(t, b.UpdateBucketAttrs("gamma", func(old []byte) ([]byte, error) { return old, nil }), gofakes3.ErrNoSuchBucket)

		e.put("beta", "k", []byte("v"), nil)
		requireCode(t, b.DeleteBucket("beta"), gofakes3.ErrBucketNotEmpty)
		requireCode(t, b.DeleteBucket("gamma"), gofakes3.ErrNoSuchBucket)
		requireCode(t, b.ForceDeleteBucket("gamma"), gofakes3.ErrNoSuchBucket)
		require.NoError(t, b.DeleteBucket("alpha"))
		_, err = b.DeleteObject("beta", "k")
		require.NoError(t, err)
		require.NoError(t, b.DeleteBucket("beta"))

		list, err = b.ListBuckets()
		require.NoError(t, err)
		require.Empty(t, list)
		require.NoError(t, b.CreateBucket("beta"))
		attrs, err = b.BucketAttrs("beta")
		require.NoError(t, err)
		require.Nil(t, attrs, "attributes went with the bucket")
	})
}

func TestPutGetHead(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		for _, size := range []int{0, 1, 1 << 10, testChunk - 1, testChunk, testChunk + 1, 2 * testChunk, 2*testChunk + 1, 3<<20 + 512<<10} {
			t.Run(fmt.Sprint(size), func(t *testing.T) {
				data := randomData(size, uint64(size))
				key := fmt.Sprintf("obj/%d", size)
				meta := map[string]string{
					"Content-Type":             "application/gzip",
					"X-Amz-Meta-Purpose":       "test",
					HiddenMetaPrefix + "Owner": "123456789012",
					"x-amz-fakeshift-acl":      "private", // hidden whatever its case
					"Last-Modified":            "Mon, 01 Jan 2001 00:00:00 GMT",
				}
				e.put("b", key, data, meta)
				require.Equal(t, data, e.get("b", key))

				wantMeta := map[string]string{
					"Content-Type":       "application/gzip",
					"X-Amz-Meta-Purpose": "test",
					"Last-Modified":      "Wed, 04 Mar 2026 05:06:07 GMT",
				}
				obj, err := e.b.GetObject("b", key, nil)
				require.NoError(t, err)
				require.NoError(t, obj.Contents.Close())
				require.Equal(t, key, obj.Name)
				require.Equal(t, int64(size), obj.Size)
				require.Equal(t, md5hex(data), fmt.Sprintf("%x", obj.Hash))
				require.Equal(t, wantMeta, obj.Metadata)
				require.Nil(t, obj.Range)

				head, err := e.b.HeadObject("b", key)
				require.NoError(t, err)
				body, err := io.ReadAll(head.Contents)
				require.NoError(t, err)
				require.Empty(t, body)
				require.NoError(t, head.Contents.Close())
				require.Equal(t, int64(size), head.Size)
				require.Equal(t, obj.Hash, head.Hash)
				require.Equal(t, wantMeta, head.Metadata)

				all, err := e.b.ObjectMeta("b", key)
				require.NoError(t, err)
				require.Equal(t, map[string]string{
					"Content-Type":             "application/gzip",
					"X-Amz-Meta-Purpose":       "test",
					HiddenMetaPrefix + "Owner": "123456789012",
					"x-amz-fakeshift-acl":      "private",
					"Last-Modified":            "Wed, 04 Mar 2026 05:06:07 GMT",
				}, all)
			})
		}
		e.requireClean()

		_, err := e.b.GetObject("b", "missing", nil)
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		_, err = e.b.HeadObject("b", "missing")
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		_, err = e.b.ObjectMeta("b", "missing")
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		_, err = e.b.GetObject("nob", "k", nil)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		_, err = e.b.HeadObject("nob", "k")
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		_, err = e.b.ObjectMeta("nob", "k")
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		_, err = e.b.PutObject("nob", "k", nil, bytes.NewReader([]byte("x")), 1, nil)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		_, err = e.b.DeleteObject("nob", "k")
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		_, err = e.b.DeleteObject("b", "missing")
		require.NoError(t, err, "deleting a missing object is not an error")

		// Unknown size: the body is read to its end.
		_, err = e.b.PutObject("b", "unknown", nil, bytes.NewReader(randomData(testChunk*2, 7)), -1, nil)
		require.NoError(t, err)
		require.Equal(t, randomData(testChunk*2, 7), e.get("b", "unknown"))
		_, err = e.b.PutObject("b", "unknown", nil, bytes.NewReader(nil), -1, nil)
		require.NoError(t, err)
		require.Empty(t, e.get("b", "unknown"))
		e.requireClean()
	})
}

func TestRanges(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		size := int64(3<<20 + 512<<10)
		data := randomData(int(size), 42)
		e.put("b", "big", data, nil)
		const c = testChunk
		for _, tc := range []struct {
			name          string
			rng           gofakes3.ObjectRangeRequest
			start, length int64
		}{
			{"first byte", gofakes3.ObjectRangeRequest{Start: 0, End: 0}, 0, 1},
			{"within a chunk", gofakes3.ObjectRangeRequest{Start: 10, End: 99}, 10, 90},
			{"a whole chunk", gofakes3.ObjectRangeRequest{Start: c, End: 2*c - 1}, c, c},
			{"across a chunk border", gofakes3.ObjectRangeRequest{Start: c - 5, End: c + 4}, c - 5, 10},
			{"across several chunks", gofakes3.ObjectRangeRequest{Start: c - 1, End: 4 * c}, c - 1, 3*c + 2},
			{"from an offset to the end", gofakes3.ObjectRangeRequest{Start: 3 * c, End: gofakes3.RangeNoEnd}, 3 * c, size - 3*c},
			{"last bytes", gofakes3.ObjectRangeRequest{FromEnd: true, End: 700 << 10}, size - 700<<10, 700 << 10},
			{"end past the size", gofakes3.ObjectRangeRequest{Start: size - 3, End: size + 100}, size - 3, 3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rng := tc.rng
				obj, err := e.b.GetObject("b", "big", &rng)
				require.NoError(t, err)
				defer obj.Contents.Close()
				require.Equal(t, &gofakes3.ObjectRange{Start: tc.start, Length: tc.length}, obj.Range)
				require.Equal(t, size, obj.Size, "Size is the object's")
				got, err := io.ReadAll(obj.Contents)
				require.NoError(t, err)
				require.True(t, bytes.Equal(data[tc.start:tc.start+tc.length], got), "bytes %d+%d", tc.start, tc.length)
			})
		}
		// gofakes3's semantics: a suffix longer than the object is refused (S3 would answer
		// the whole object).
		for _, rng := range []gofakes3.ObjectRangeRequest{{Start: size, End: gofakes3.RangeNoEnd}, {Start: size + 10, End: size + 20}, {FromEnd: true, End: size + 1}} {
			_, err := e.b.GetObject("b", "big", &rng)
			requireCode(t, err, gofakes3.ErrInvalidRange)
		}

		t.Run("small reads", func(t *testing.T) {
			rng := gofakes3.ObjectRangeRequest{Start: c - 3, End: c + 2}
			obj, err := e.b.GetObject("b", "big", &rng)
			require.NoError(t, err)
			defer obj.Contents.Close()
			var got []byte
			buf := make([]byte, 2)
			for {
				n, err := obj.Contents.Read(buf)
				got = append(got, buf[:n]...)
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
			require.Equal(t, data[c-3:c+3], got)
		})
	})
}

// TestFailingBody: a body whose reader fails (s3fake's checking readers fail at the end on a
// bad signature or checksum) or has another size than announced leaves nothing, and the
// reader's error comes back unchanged.
func TestFailingBody(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		old := randomData(testChunk+10, 1)
		e.put("b", "kept", old, nil)
		sig := &sigError{code: "SignatureDoesNotMatch"}
		for _, tc := range []struct {
			name    string
			input   io.Reader
			size    int64
			wantErr error // nil: gofakes3.ErrIncompleteBody
		}{
			{"fails at once", &failingReader{err: errBoom}, 10, errBoom},
			{"fails after a few bytes", &failingReader{data: []byte("abc"), err: errBoom}, 10, errBoom},
			{"fails at the end", &failingReader{data: randomData(100, 2), err: sig}, 100, sig},
			{"fails with the last bytes", &failingReader{data: randomData(100, 2), err: sig, withLast: true}, 100, sig},
			{"fails after several batches", &failingReader{data: randomData(5*testChunk+3, 3), err: sig}, 5*testChunk + 3, sig},
			{"big, fails with the last bytes", &failingReader{data: randomData(5*testChunk, 3), err: sig, withLast: true}, 5 * testChunk, sig},
			{"fails, size unknown", &failingReader{data: randomData(5*testChunk, 3), err: sig}, -1, sig},
			{"gofakes3 digest error", &failingReader{data: randomData(3*testChunk, 4), err: gofakes3.ErrBadDigest}, 3 * testChunk, gofakes3.ErrBadDigest},
			{"shorter", bytes.NewReader(randomData(100, 5)), 101, nil},
			{"shorter by batches", bytes.NewReader(randomData(4*testChunk, 5)), 6 * testChunk, nil},
			{"empty, size announced", bytes.NewReader(nil), 1, nil},
			{"longer", bytes.NewReader(randomData(101, 5)), 100, nil},
			{"longer by batches", bytes.NewReader(randomData(5*testChunk, 5)), 3 * testChunk, nil},
			{"longer than empty", bytes.NewReader([]byte("x")), 0, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, key := range []string{"new", "kept"} {
					input := tc.input
					if f, ok := input.(*failingReader); ok {
						copyOf := *f
						input = &copyOf
					}
					if br, ok := input.(*bytes.Reader); ok {
						br.Seek(0, io.SeekStart)
					}
					_, err := e.b.PutObject("b", key, nil, input, tc.size, nil)
					if tc.wantErr == nil {
						requireCode(t, err, gofakes3.ErrIncompleteBody)
					} else {
						require.True(t, err == tc.wantErr, "the reader's error unchanged, got %T %v", err, err)
						require.ErrorIs(t, err, tc.wantErr)
					}
					_, err = e.b.HeadObject("b", "new")
					requireCode(t, err, gofakes3.ErrNoSuchKey)
					require.Equal(t, old, e.get("b", "kept"), "a failed overwrite leaves the object")
					e.requireClean()
				}
			})
		}
		// Parts too.
		id, err := e.b.CreateMultipartUpload("b", "mp", nil)
		require.NoError(t, err)
		_, err = e.b.UploadPart("b", "mp", id, 1, 3*testChunk, &failingReader{data: randomData(3*testChunk, 9), err: sig})
		require.True(t, err == error(sig), "got %v", err)
		_, err = e.b.UploadPart("b", "mp", id, 1, 3*testChunk+1, bytes.NewReader(randomData(3*testChunk, 9)))
		requireCode(t, err, gofakes3.ErrIncompleteBody)
		parts, err := e.b.ListParts("b", "mp", id, 0, 0)
		require.NoError(t, err)
		require.Empty(t, parts.Parts)
		e.requireClean()
	})
}

func TestConditionalPut(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		star := "*"
		str := func(s string) *string { return &s }
		data := []byte("version 1")
		etag := `"` + md5hex(data) + `"`
		put := func(key string, c *gofakes3.PutConditions, body string) error {
			_, err := e.b.PutObject("b", key, nil, bytes.NewReader([]byte(body)), int64(len(body)), c)
			return err
		}
		require.NoError(t, put("k", &gofakes3.PutConditions{IfNoneMatch: &star}, string(data)), "If-None-Match * on a new key")
		mp := completeUpload(t, e, "b", "mp", 2)
		for _, tc := range []struct {
			name string
			key  string
			c    *gofakes3.PutConditions
			ok   bool
		}{
			{"If-None-Match * on an object", "k", &gofakes3.PutConditions{IfNoneMatch: &star}, false},
			{"If-Match its ETag", "k", &gofakes3.PutConditions{IfMatch: &etag}, true},
			{"If-Match its ETag unquoted", "k", &gofakes3.PutConditions{IfMatch: str(md5hex(data))}, true},
			{"If-Match another ETag", "k", &gofakes3.PutConditions{IfMatch: str(`"` + md5hex([]byte("other")) + `"`)}, false},
			{"If-Match a missing object", "absent", &gofakes3.PutConditions{IfMatch: &etag}, false},
			{"If-Match a multipart ETag", "mp", &gofakes3.PutConditions{IfMatch: &mp.etag}, true},
			{"If-Match a multipart ETag without its parts", "mp", &gofakes3.PutConditions{IfMatch: str(mp.etag[:33] + `"`)}, false},
			{"no conditions", "k", &gofakes3.PutConditions{}, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := e.b.HeadObject("b", tc.key)
				err := put(tc.key, tc.c, string(data))
				if tc.ok {
					require.NoError(t, err)
					return
				}
				requireCode(t, err, gofakes3.ErrPreconditionFailed)
				after, _ := e.b.HeadObject("b", tc.key)
				require.Equal(t, before, after, "nothing written")
			})
		}
		e.requireClean()

		// The commit checks again: two writers racing with If-None-Match, one wins.
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = put("race", &gofakes3.PutConditions{IfNoneMatch: &star}, fmt.Sprint("writer ", i))
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				requireCode(t, err, gofakes3.ErrPreconditionFailed)
			}
		}
		require.Equal(t, 1, won)
		e.requireClean()
	})
}

func TestOverwriteAndDeleteRemoveData(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		big := randomData(3<<20+512<<10, 1)
		e.put("b", "k", big, nil)
		require.Equal(t, 7, e.keys(famData))
		e.put("b", "k", randomData(1<<20, 2), nil)
		require.Equal(t, 2, e.keys(famData), "the old chunks are gone")
		require.Equal(t, randomData(1<<20, 2), e.get("b", "k"))
		e.put("b", "k", nil, nil)
		require.Zero(t, e.keys(famData))
		e.put("b", "k", big, nil)
		e.put("b", "other", big, nil)
		require.Equal(t, 14, e.keys(famData))
		_, err := e.b.DeleteObject("b", "k")
		require.NoError(t, err)
		require.Equal(t, 7, e.keys(famData))
		_, err = e.b.DeleteObject("b", "other")
		require.NoError(t, err)
		require.Zero(t, e.keys(famData))
		require.Zero(t, e.keys(famMarker))
		require.Zero(t, e.keys(famObject))
	})
}

// TestReaderOutlivesOverwrite: an open GetObject does not hold a snapshot; it fails with
// ErrDataGone once the data it reads is removed.
func TestReaderOutlivesOverwrite(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		data := randomData(4*testChunk, 1)
		e.put("b", "k", data, nil)
		obj, err := e.b.GetObject("b", "k", nil)
		require.NoError(t, err)
		defer obj.Contents.Close()
		first := make([]byte, 100)
		_, err = io.ReadFull(obj.Contents, first)
		require.NoError(t, err)
		require.Equal(t, data[:100], first)
		e.put("b", "k", []byte("new"), nil)
		_, err = io.ReadAll(obj.Contents)
		require.ErrorIs(t, err, ErrDataGone)
	})
}

func TestDeleteMulti(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		e.put("b", "a", []byte("1"), nil)
		e.put("b", "c", randomData(3*testChunk, 1), nil)
		res, err := e.b.DeleteMulti("b", "a", "b-missing", "c")
		require.NoError(t, err)
		require.Equal(t, []gofakes3.ObjectID{{Key: "a"}, {Key: "b-missing"}, {Key: "c"}}, res.Deleted)
		require.Empty(t, res.Error)
		list, err := e.b.ListBucket("b", nil, gofakes3.ListBucketPage{})
		require.NoError(t, err)
		require.Empty(t, list.Contents)
		e.requireClean()
		_, err = e.b.DeleteMulti("nob", "a")
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
	})
}

func TestCopyObject(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("src")
		e.mustBucket("dst")
		data := randomData(3*testChunk+7, 3)
		e.put("src", "k", data, map[string]string{"X-Amz-Meta-A": "1", HiddenMetaPrefix + "Owner": "111"})
		e.clock.Advance(time.Hour)
		res, err := e.b.CopyObject("src", "k", "dst", "copy", map[string]string{"X-Amz-Meta-B": "2", "Last-Modified": "ignored"})
		require.NoError(t, err)
		require.Equal(t, `"`+md5hex(data)+`"`, res.ETag)
		require.Equal(t, testStart.Add(time.Hour), res.LastModified.Time)
		require.Equal(t, data, e.get("dst", "copy"))
		meta, err := e.b.ObjectMeta("dst", "copy")
		require.NoError(t, err)
		require.Equal(t, map[string]string{"X-Amz-Meta-B": "2", "Last-Modified": "Wed, 04 Mar 2026 06:06:07 GMT"}, meta, "metadata replaced")

		// The copy has its own data: it stays when the source goes.
		_, err = e.b.DeleteObject("src", "k")
		require.NoError(t, err)
		require.Equal(t, data, e.get("dst", "copy"))

		// Onto itself, with new metadata.
		_, err = e.b.CopyObject("dst", "copy", "dst", "copy", map[string]string{"X-Amz-Meta-C": "3"})
		require.NoError(t, err)
		require.Equal(t, data, e.get("dst", "copy"))
		meta, err = e.b.ObjectMeta("dst", "copy")
		require.NoError(t, err)
		require.Equal(t, "3", meta["X-Amz-Meta-C"])

		// A multipart source gives a plain object, whose ETag is its MD5.
		mp := completeUpload(t, e, "src", "mp", 2)
		res, err = e.b.CopyObject("src", "mp", "dst", "mpcopy", nil)
		require.NoError(t, err)
		require.Equal(t, `"`+md5hex(mp.data)+`"`, res.ETag)
		head, err := e.b.HeadObject("dst", "mpcopy")
		require.NoError(t, err)
		require.NotContains(t, head.Metadata, MultipartETagHeader)
		e.requireClean()

		_, err = e.b.CopyObject("src", "missing", "dst", "x", nil)
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		_, err = e.b.CopyObject("nob", "k", "dst", "x", nil)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		_, err = e.b.CopyObject("dst", "copy", "nob", "x", nil)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		e.requireClean()
	})
}

func TestListBucket(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		e.mustBucket("b2") // a bucket whose name extends b's: none of its keys show
		keys := []string{
			"AWSLogs/111/redshift/us-east-1/2026/03/04/a.gz",
			"AWSLogs/111/redshift/us-east-1/2026/03/04/b.gz",
			"AWSLogs/111/redshift/us-east-1/2026/03/05/c.gz",
			"AWSLogs/222/x",
			"a",
			"a/b",
			"a/b/c",
			"a/c",
			"ab",
			"b",
			"z//double",
		}
		for i, k := range keys {
			e.put("b", k, []byte(k), nil)
			e.clock.Advance(time.Second)
			_ = i
		}
		e.put("b2", "a", []byte("other bucket"), nil)

		type page struct {
			keys, prefixes []string
			truncated      bool
			next           string
		}
		str := func(s string) *string { return &s }
		for _, tc := range []struct {
			name          string
			prefix, delim *string
			marker        string
			max           int64
			want          page
		}{
			{name: "everything", want: page{keys: keys}},
			{name: "prefix", prefix: str("a/"), want: page{keys: []string{"a/b", "a/b/c", "a/c"}}},
			{name: "prefix without match", prefix: str("nothing"), want: page{}},
			{name: "delimiter at the top", delim: str("/"), want: page{keys: []string{"a", "ab", "b"}, prefixes: []string{"AWSLogs/", "a/", "z/"}}},
			{name: "folder", prefix: str("a/"), delim: str("/"), want: page{keys: []string{"a/b", "a/c"}, prefixes: []string{"a/b/"}}},
			{name: "partial name", prefix: str("AWSLogs/1"), delim: str("/"), want: page{prefixes: []string{"AWSLogs/111/"}}},
			{name: "deep", prefix: str("AWSLogs/111/redshift/us-east-1/2026/03/"), delim: str("/"),
				want: page{prefixes: []string{"AWSLogs/111/redshift/us-east-1/2026/03/04/", "AWSLogs/111/redshift/us-east-1/2026/03/05/"}}},
			{name: "double delimiter", prefix: str("z/"), delim: str("/"), want: page{prefixes: []string{"z//"}}},
			{name: "other delimiter", delim: str("b"), want: page{
				keys:     []string{"AWSLogs/111/redshift/us-east-1/2026/03/04/a.gz", "AWSLogs/111/redshift/us-east-1/2026/03/05/c.gz", "AWSLogs/222/x", "a", "a/c"},
				prefixes: []string{"AWSLogs/111/redshift/us-east-1/2026/03/04/b", "a/b", "ab", "b", "z//doub"}}},
			{name: "max keys", max: 3, want: page{keys: keys[:3], truncated: true, next: keys[2]}},
			{name: "max keys, exact", prefix: str("a/"), max: 3, want: page{keys: []string{"a/b", "a/b/c", "a/c"}}},
			{name: "marker", marker: "a/b", want: page{keys: []string{"a/b/c", "a/c", "ab", "b", "z//double"}}},
			{name: "marker not a key", marker: "a/bb", want: page{keys: []string{"a/c", "ab", "b", "z//double"}}},
			{name: "marker before the prefix", prefix: str("a/"), marker: "0", want: page{keys: []string{"a/b", "a/b/c", "a/c"}}},
			{name: "marker after the prefix", prefix: str("a/"), marker: "b", want: page{}},
			{name: "marker is a common prefix", delim: str("/"), marker: "a/", want: page{keys: []string{"ab", "b"}, prefixes: []string{"z/"}}},
			{name: "marker inside a common prefix", delim: str("/"), marker: "a/b", want: page{keys: []string{"ab", "b"}, prefixes: []string{"z/"}}},
			{name: "prefixes count against max keys", delim: str("/"), max: 2, want: page{keys: []string{"a"}, prefixes: []string{"AWSLogs/"}, truncated: true, next: "a"}},
			{name: "page ends on a key", delim: str("/"), max: 3, want: page{keys: []string{"a"}, prefixes: []string{"AWSLogs/", "a/"}, truncated: true, next: "a/"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var p *gofakes3.Prefix
				if tc.prefix != nil || tc.delim != nil {
					pp := gofakes3.NewPrefix(tc.prefix, tc.delim)
					p = &pp
				}
				list, err := e.b.ListBucket("b", p, gofakes3.ListBucketPage{Marker: tc.marker, HasMarker: tc.marker != "", MaxKeys: tc.max})
				require.NoError(t, err)
				var got page
				for _, c := range list.Contents {
					got.keys = append(got.keys, c.Key)
				}
				for _, c := range list.CommonPrefixes {
					got.prefixes = append(got.prefixes, c.Prefix)
				}
				got.truncated, got.next = list.IsTruncated, list.NextMarker
				if len(tc.want.prefixes) == 0 {
					tc.want.prefixes = nil
				}
				require.Equal(t, tc.want, got)
			})
		}

		t.Run("contents", func(t *testing.T) {
			list, err := e.b.ListBucket("b", nil, gofakes3.ListBucketPage{MaxKeys: 1})
			require.NoError(t, err)
			require.Equal(t, []*gofakes3.Content{{
				Key:          keys[0],
				LastModified: gofakes3.NewContentTime(testStart),
				ETag:         `"` + md5hex([]byte(keys[0])) + `"`,
				Size:         int64(len(keys[0])),
				StorageClass: gofakes3.StorageStandard,
			}}, list.Contents)
		})

		t.Run("paging through", func(t *testing.T) {
			for _, delim := range []string{"", "/"} {
				for max := int64(1); max <= 4; max++ {
					p := gofakes3.Prefix{Delimiter: delim, HasDelimiter: delim != ""}
					full, err := e.b.ListBucket("b", &p, gofakes3.ListBucketPage{})
					require.NoError(t, err)
					var want, got []string
					for _, c := range full.Contents {
						want = append(want, c.Key)
					}
					for _, c := range full.CommonPrefixes {
						want = append(want, c.Prefix)
					}
					marker := ""
					for pages := 0; ; pages++ {
						require.Less(t, pages, 20)
						list, err := e.b.ListBucket("b", &p, gofakes3.ListBucketPage{Marker: marker, HasMarker: marker != "", MaxKeys: max})
						require.NoError(t, err)
						require.LessOrEqual(t, int64(len(list.Contents)+len(list.CommonPrefixes)), max)
						for _, c := range list.Contents {
							got = append(got, c.Key)
						}
						for _, c := range list.CommonPrefixes {
							got = append(got, c.Prefix)
						}
						if !list.IsTruncated {
							require.Empty(t, list.NextMarker)
							break
						}
						marker = list.NextMarker
					}
					require.ElementsMatch(t, want, got, "delimiter %q, max %d", delim, max)
				}
			}
		})

		_, err := e.b.ListBucket("nob", nil, gofakes3.ListBucketPage{})
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
	})
}

// TestRollupMatchesGofakes3 checks that for ordinary keys the listing's roll-up agrees with
// gofakes3's Prefix.Match.
func TestRollupMatchesGofakes3(t *testing.T) {
	keys := []string{"a", "a/b", "a/b/c", "ab/c", "AWSLogs/1/x", "x.gz", "a//b"}
	str := func(s string) *string { return &s }
	for _, p := range []gofakes3.Prefix{
		gofakes3.NewPrefix(nil, str("/")),
		gofakes3.NewPrefix(str("a"), str("/")),
		gofakes3.NewPrefix(str("a/"), str("/")),
		gofakes3.NewPrefix(str("a/b"), str("/")),
		gofakes3.NewPrefix(str("AWS"), str("/")),
	} {
		ru := newRollup(&p)
		for _, k := range keys {
			var m gofakes3.PrefixMatch
			ok := p.Match(k, &m)
			if !ok {
				continue
			}
			cp := ru.commonPrefix(k)
			if m.CommonPrefix {
				require.Equal(t, m.MatchedPart, cp, "prefix %v key %q", p, k)
			} else {
				require.Empty(t, cp, "prefix %v key %q", p, k)
			}
		}
	}
}

// upload is a completed multipart upload.
type upload struct {
	data []byte
	etag string
}

// completeUpload uploads an object of n parts (all but the last MinPartSize long) and
// completes it.
func completeUpload(t *testing.T, e *env, bucket, key string, n int) upload {
	t.Helper()
	id, err := e.b.CreateMultipartUpload(bucket, key, map[string]string{"Content-Type": "text/plain"})
	require.NoError(t, err)
	var data []byte
	var sums []byte
	var parts []gofakes3.CompletedPart
	for i := 1; i <= n; i++ {
		size := MinPartSize
		if i == n {
			size = 1 << 10
		}
		p := randomData(size, uint64(i)+100)
		etag, err := e.b.UploadPart(bucket, key, id, i, int64(len(p)), bytes.NewReader(p))
		require.NoError(t, err)
		require.Equal(t, `"`+md5hex(p)+`"`, etag)
		parts = append(parts, gofakes3.CompletedPart{PartNumber: i, ETag: etag})
		data = append(data, p...)
		s := md5.Sum(p)
		sums = append(sums, s[:]...)
	}
	_, etag, err := e.b.CompleteMultipartUpload(bucket, key, id, &gofakes3.CompleteMultipartUploadRequest{Parts: parts})
	require.NoError(t, err)
	want := fmt.Sprintf(`"%s-%d"`, md5hex(sums), n)
	require.Equal(t, want, etag)
	return upload{data: data, etag: etag}
}

func TestMultipart(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.b
		e.mustBucket("b")
		id, err := b.CreateMultipartUpload("b", "logs/big.gz", map[string]string{"Content-Type": "application/gzip", HiddenMetaPrefix + "Owner": "1"})
		require.NoError(t, err)
		p1 := randomData(MinPartSize, 1)
		p2 := randomData(MinPartSize+3, 2)
		p3 := randomData(1<<10, 3)
		for i, p := range [][]byte{p1, randomData(MinPartSize+100, 9), p3} {
			etag, err := b.UploadPart("b", "logs/big.gz", id, i+1, int64(len(p)), bytes.NewReader(p))
			require.NoError(t, err)
			require.Equal(t, `"`+md5hex(p)+`"`, etag)
			e.clock.Advance(time.Second)
		}
		// Part 2 again: it replaces the first upload of it, whose data goes.
		etag2, err := b.UploadPart("b", "logs/big.gz", id, 2, int64(len(p2)), bytes.NewReader(p2))
		require.NoError(t, err)
		// And a part that will not be listed.
		_, err = b.UploadPart("b", "logs/big.gz", id, 5, 10, bytes.NewReader(randomData(10, 5)))
		require.NoError(t, err)
		e.requireClean()

		parts, err := b.ListParts("b", "logs/big.gz", id, 0, 0)
		require.NoError(t, err)
		require.Equal(t, gofakes3.ListMultipartUploadPartsResult{
			Bucket: "b", Key: "logs/big.gz", UploadID: id, StorageClass: gofakes3.StorageStandard,
			MaxParts: 1000, NextPartNumberMarker: 5,
			Parts: []gofakes3.ListMultipartUploadPartItem{
				{PartNumber: 1, LastModified: gofakes3.NewContentTime(testStart), ETag: `"` + md5hex(p1) + `"`, Size: int64(len(p1))},
				{PartNumber: 2, LastModified: gofakes3.NewContentTime(testStart.Add(3 * time.Second)), ETag: etag2, Size: int64(len(p2))},
				{PartNumber: 3, LastModified: gofakes3.NewContentTime(testStart.Add(2 * time.Second)), ETag: `"` + md5hex(p3) + `"`, Size: int64(len(p3))},
				{PartNumber: 5, LastModified: gofakes3.NewContentTime(testStart.Add(3 * time.Second)), ETag: `"` + md5hex(randomData(10, 5)) + `"`, Size: 10},
			},
		}, *parts)
		parts, err = b.ListParts("b", "logs/big.gz", id, 1, 2)
		require.NoError(t, err)
		require.Len(t, parts.Parts, 2)
		require.Equal(t, []int{2, 3}, []int{parts.Parts[0].PartNumber, parts.Parts[1].PartNumber})
		require.True(t, parts.IsTruncated)
		require.Equal(t, 3, parts.NextPartNumberMarker)
		require.Equal(t, 1, parts.PartNumberMarker)
		parts, err = b.ListParts("b", "logs/big.gz", id, 3, 2)
		require.NoError(t, err)
		require.Len(t, parts.Parts, 1)
		require.False(t, parts.IsTruncated)

		complete := func(ps ...gofakes3.CompletedPart) (string, error) {
			_, etag, err := b.CompleteMultipartUpload("b", "logs/big.gz", id, &gofakes3.CompleteMultipartUploadRequest{Parts: ps})
			return etag, err
		}
		cp := func(n int, etag string) gofakes3.CompletedPart {
			return gofakes3.CompletedPart{PartNumber: n, ETag: etag}
		}
		e1, e3 := `"`+md5hex(p1)+`"`, `"`+md5hex(p3)+`"`

		// Refusals leave the upload as it was.
		for _, tc := range []struct {
			name  string
			parts []gofakes3.CompletedPart
			code  gofakes3.ErrorCode
		}{
			{"no parts", nil, gofakes3.ErrMalformedXML},
			{"out of order", []gofakes3.CompletedPart{cp(2, etag2), cp(1, e1)}, gofakes3.ErrInvalidPartOrder},
			{"twice the same", []gofakes3.CompletedPart{cp(1, e1), cp(1, e1)}, gofakes3.ErrInvalidPartOrder},
			{"missing part", []gofakes3.CompletedPart{cp(1, e1), cp(4, e3)}, gofakes3.ErrInvalidPart},
			{"wrong ETag", []gofakes3.CompletedPart{cp(1, e1), cp(2, e1)}, gofakes3.ErrInvalidPart},
			{"small part before the last", []gofakes3.CompletedPart{cp(1, e1), cp(3, e3), cp(5, `"`+md5hex(randomData(10, 5))+`"`)}, gofakes3.ErrInvalidArgument},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := complete(tc.parts...)
				requireCode(t, err, tc.code)
				if tc.code == gofakes3.ErrInvalidArgument {
					require.ErrorIs(t, err, ErrEntityTooSmall)
				}
				parts, err := b.ListParts("b", "logs/big.gz", id, 0, 0)
				require.NoError(t, err)
				require.Len(t, parts.Parts, 4)
			})
		}

		chunksBefore := e.keys(famData)
		e.clock.Advance(time.Hour)
		etag, err := complete(cp(1, e1), cp(2, etag2), cp(3, upper(e3)))
		require.NoError(t, err)
		s1, s2, s3 := md5.Sum(p1), md5.Sum(p2), md5.Sum(p3)
		require.Equal(t, fmt.Sprintf(`"%s-3"`, md5hex(append(append(s1[:], s2[:]...), s3[:]...))), etag)
		require.Equal(t, chunksBefore-1, e.keys(famData), "the parts' data is the object's, not copied; the unlisted part's is gone")
		require.Zero(t, e.keys(famPart))
		require.Zero(t, e.keys(famUpload))
		e.requireClean()

		whole := append(append(append([]byte(nil), p1...), p2...), p3...)
		require.Equal(t, whole, e.get("b", "logs/big.gz"))
		head, err := b.HeadObject("b", "logs/big.gz")
		require.NoError(t, err)
		require.Equal(t, int64(len(whole)), head.Size)
		require.Equal(t, map[string]string{
			"Content-Type":      "application/gzip",
			"Last-Modified":     "Wed, 04 Mar 2026 06:06:10 GMT",
			MultipartETagHeader: etag,
		}, head.Metadata)
		require.Equal(t, etag[1:33], fmt.Sprintf("%x", head.Hash))
		meta, err := b.ObjectMeta("b", "logs/big.gz")
		require.NoError(t, err)
		require.Equal(t, "1", meta[HiddenMetaPrefix+"Owner"])
		list, err := b.ListBucket("b", nil, gofakes3.ListBucketPage{})
		require.NoError(t, err)
		require.Len(t, list.Contents, 1)
		require.Equal(t, etag, list.Contents[0].ETag)

		// A range across the parts' border.
		rng := gofakes3.ObjectRangeRequest{Start: int64(len(p1)) - 10, End: int64(len(p1)+len(p2)) + 10}
		obj, err := b.GetObject("b", "logs/big.gz", &rng)
		require.NoError(t, err)
		got, err := io.ReadAll(obj.Contents)
		require.NoError(t, err)
		obj.Contents.Close()
		require.Equal(t, whole[len(p1)-10:len(p1)+len(p2)+11], got)

		// The upload is gone.
		_, err = complete(cp(1, e1))
		requireCode(t, err, gofakes3.ErrNoSuchUpload)
		_, err = b.UploadPart("b", "logs/big.gz", id, 1, 1, bytes.NewReader([]byte("x")))
		requireCode(t, err, gofakes3.ErrNoSuchUpload)
		_, err = b.ListParts("b", "logs/big.gz", id, 0, 0)
		requireCode(t, err, gofakes3.ErrNoSuchUpload)
		requireCode(t, b.AbortMultipartUpload("b", "logs/big.gz", id), gofakes3.ErrNoSuchUpload)

		// Overwriting the multipart object removes its parts' data.
		e.put("b", "logs/big.gz", []byte("small"), nil)
		require.Equal(t, 1, e.keys(famData))
		e.requireClean()

		// Abort removes the parts.
		id2, err := b.CreateMultipartUpload("b", "aborted", nil)
		require.NoError(t, err)
		_, err = b.UploadPart("b", "aborted", id2, 1, 3*testChunk, bytes.NewReader(randomData(3*testChunk, 1)))
		require.NoError(t, err)
		require.NoError(t, b.AbortMultipartUpload("b", "aborted", id2))
		require.Equal(t, 1, e.keys(famData))
		require.Zero(t, e.keys(famPart))
		e.requireClean()

		// Unknown uploads, keys, buckets.
		_, err = b.UploadPart("b", "k", "00000000000000000999", 1, 1, bytes.NewReader([]byte("x")))
		requireCode(t, err, gofakes3.ErrNoSuchUpload)
		_, err = b.UploadPart("b", "k", "garbage", 1, 1, bytes.NewReader([]byte("x")))
		requireCode(t, err, gofakes3.ErrNoSuchUpload)
		_, err = b.UploadPart("b", "k", id2, 0, 1, bytes.NewReader([]byte("x")))
		requireCode(t, err, gofakes3.ErrInvalidPart)
		_, err = b.UploadPart("b", "k", id2, gofakes3.MaxUploadPartNumber+1, 1, bytes.NewReader([]byte("x")))
		requireCode(t, err, gofakes3.ErrInvalidPart)
		id3, err := b.CreateMultipartUpload("b", "k", nil)
		require.NoError(t, err)
		_, err = b.UploadPart("b", "other-key", id3, 1, 1, bytes.NewReader([]byte("x")))
		requireCode(t, err, gofakes3.ErrNoSuchUpload)
		_, err = b.CreateMultipartUpload("nob", "k", nil)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		_, err = b.ListMultipartUploads("nob", nil, gofakes3.Prefix{}, 0)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)

		// A single empty part is a valid upload.
		id4, err := b.CreateMultipartUpload("b", "empty", nil)
		require.NoError(t, err)
		etag, err = b.UploadPart("b", "empty", id4, 1, 0, bytes.NewReader(nil))
		require.NoError(t, err)
		_, _, err = b.CompleteMultipartUpload("b", "empty", id4, &gofakes3.CompleteMultipartUploadRequest{Parts: []gofakes3.CompletedPart{cp(1, etag)}})
		require.NoError(t, err)
		require.Empty(t, e.get("b", "empty"))
		e.requireClean()
	})
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }

func TestListMultipartUploads(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.b
		e.mustBucket("b")
		type up struct {
			key string
			id  gofakes3.UploadID
		}
		var ups []up
		for _, k := range []string{"a/1", "a/2", "b", "a/1", "c/x/y", "b"} {
			id, err := b.CreateMultipartUpload("b", k, nil)
			require.NoError(t, err)
			ups = append(ups, up{k, id})
			e.clock.Advance(time.Second)
		}
		// key order, then creation order: a/1 (0, 3), a/2 (1), b (2, 5), c/x/y (4)
		order := []up{ups[0], ups[3], ups[1], ups[2], ups[5], ups[4]}
		names := func(r *gofakes3.ListMultipartUploadsResult) (out []string) {
			for _, u := range r.Uploads {
				out = append(out, u.Key+"#"+string(u.UploadID))
			}
			for _, p := range r.CommonPrefixes {
				out = append(out, "PRE "+p.Prefix)
			}
			return out
		}
		name := func(u up) string { return u.key + "#" + string(u.id) }

		res, err := b.ListMultipartUploads("b", nil, gofakes3.Prefix{}, 0)
		require.NoError(t, err)
		var want []string
		for _, u := range order {
			want = append(want, name(u))
		}
		require.Equal(t, want, names(res))
		require.False(t, res.IsTruncated)
		require.Equal(t, int64(1000), res.MaxUploads)
		require.Equal(t, testStart, res.Uploads[0].Initiated.Time)
		require.Equal(t, gofakes3.StorageStandard, res.Uploads[0].StorageClass)

		str := func(s string) *string { return &s }
		res, err = b.ListMultipartUploads("b", nil, gofakes3.NewPrefix(nil, str("/")), 0)
		require.NoError(t, err)
		require.Equal(t, []string{name(ups[2]), name(ups[5]), "PRE a/", "PRE c/"}, names(res))
		res, err = b.ListMultipartUploads("b", nil, gofakes3.NewPrefix(str("a/"), nil), 0)
		require.NoError(t, err)
		require.Equal(t, []string{name(ups[0]), name(ups[3]), name(ups[1])}, names(res))
		require.Equal(t, "a/", res.Prefix)

		// Paging, by two: the markers name the last upload listed.
		var got []string
		var marker *gofakes3.UploadListMarker
		for pages := 0; ; pages++ {
			require.Less(t, pages, 10)
			res, err := b.ListMultipartUploads("b", marker, gofakes3.Prefix{}, 2)
			require.NoError(t, err)
			require.LessOrEqual(t, len(res.Uploads), 2)
			got = append(got, names(res)...)
			if !res.IsTruncated {
				break
			}
			last := res.Uploads[len(res.Uploads)-1]
			require.Equal(t, last.Key, res.NextKeyMarker)
			require.Equal(t, last.UploadID, res.NextUploadIDMarker)
			marker = &gofakes3.UploadListMarker{Object: res.NextKeyMarker, UploadID: res.NextUploadIDMarker}
		}
		require.Equal(t, want, got)

		// A key marker alone: the keys after it.
		res, err = b.ListMultipartUploads("b", &gofakes3.UploadListMarker{Object: "a/1"}, gofakes3.Prefix{}, 0)
		require.NoError(t, err)
		require.Equal(t, want[2:], names(res))
		require.Equal(t, "a/1", res.KeyMarker)

		// Paging with common prefixes.
		res, err = b.ListMultipartUploads("b", nil, gofakes3.NewPrefix(nil, str("/")), 1)
		require.NoError(t, err)
		require.Equal(t, []string{"PRE a/"}, names(res)[len(names(res))-1:])
		require.True(t, res.IsTruncated)
		require.Equal(t, "a/", res.NextKeyMarker)
		res, err = b.ListMultipartUploads("b", &gofakes3.UploadListMarker{Object: "a/"}, gofakes3.NewPrefix(nil, str("/")), 1)
		require.NoError(t, err)
		require.Equal(t, []string{name(ups[2])}, names(res))
	})
}

// TestMultipartPersists: an upload survives restarts at every step.
func TestMultipartPersists(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		id, err := e.b.CreateMultipartUpload("b", "k", map[string]string{"X-Amz-Meta-A": "1"})
		require.NoError(t, err)
		p1 := randomData(MinPartSize, 1)
		etag1, err := e.b.UploadPart("b", "k", id, 1, int64(len(p1)), bytes.NewReader(p1))
		require.NoError(t, err)
		e.restart()
		res, err := e.b.ListMultipartUploads("b", nil, gofakes3.Prefix{}, 0)
		require.NoError(t, err)
		require.Len(t, res.Uploads, 1)
		require.Equal(t, id, res.Uploads[0].UploadID)
		p2 := randomData(100, 2)
		etag2, err := e.b.UploadPart("b", "k", id, 2, int64(len(p2)), bytes.NewReader(p2))
		require.NoError(t, err)
		e.restart()
		parts, err := e.b.ListParts("b", "k", id, 0, 0)
		require.NoError(t, err)
		require.Len(t, parts.Parts, 2)
		id2, err := e.b.CreateMultipartUpload("b", "k", nil)
		require.NoError(t, err)
		require.Greater(t, id2, id, "upload ids keep increasing across restarts")
		_, etag, err := e.b.CompleteMultipartUpload("b", "k", id, &gofakes3.CompleteMultipartUploadRequest{Parts: []gofakes3.CompletedPart{{PartNumber: 1, ETag: etag1}, {PartNumber: 2, ETag: etag2}}})
		require.NoError(t, err)
		e.restart()
		require.Equal(t, append(append([]byte(nil), p1...), p2...), e.get("b", "k"))
		list, err := e.b.ListBucket("b", nil, gofakes3.ListBucketPage{})
		require.NoError(t, err)
		require.Equal(t, etag, list.Contents[0].ETag)
		meta, err := e.b.ObjectMeta("b", "k")
		require.NoError(t, err)
		require.Equal(t, "1", meta["X-Amz-Meta-A"])
		e.requireClean()
	})
}

func TestDeleteBucketRemovesUploads(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		id, err := e.b.CreateMultipartUpload("b", "k", nil)
		require.NoError(t, err)
		_, err = e.b.UploadPart("b", "k", id, 1, 3*testChunk, bytes.NewReader(randomData(3*testChunk, 1)))
		require.NoError(t, err)
		require.NoError(t, e.b.DeleteBucket("b"), "uploads in progress do not keep a bucket")
		require.Equal(t, 1, e.keys(""), "nothing left but the upload counter")
		require.Equal(t, 1, e.keys(counterKey))
	})
}

func TestForceDeleteBucket(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		e.mustBucket("keep")
		e.put("keep", "k", []byte("stays"), nil)
		for i := range 300 { // more than a batch of records
			e.put("b", fmt.Sprintf("k%03d", i), []byte("x"), nil)
		}
		e.put("b", "big", randomData(5*testChunk, 1), nil)
		completeUpload(t, e, "b", "mp", 2)
		id, err := e.b.CreateMultipartUpload("b", "pending", nil)
		require.NoError(t, err)
		_, err = e.b.UploadPart("b", "pending", id, 1, 10, bytes.NewReader(randomData(10, 1)))
		require.NoError(t, err)

		require.NoError(t, e.b.ForceDeleteBucket("b"))
		ok, err := e.b.BucketExists("b")
		require.NoError(t, err)
		require.False(t, ok)
		require.Equal(t, 1, e.keys(famObject))
		require.Equal(t, 1, e.keys(famData))
		require.Zero(t, e.keys(famUpload))
		require.Zero(t, e.keys(famPart))
		e.requireClean()
		require.Equal(t, []byte("stays"), e.get("keep", "k"))
	})
}

// TestSweep simulates crashes: data written but never committed, data an overwrite or
// abort marked but did not remove, part records a completion did not delete. The next New
// removes them, and nothing else.
func TestSweep(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		live := randomData(3*testChunk, 1)
		e.put("b", "live", live, nil)
		mp := completeUpload(t, e, "b", "mp", 2)

		// A write that died after flushing batches: pending data.
		d, err := e.b.ingest(bytes.NewReader(randomData(7*testChunk+1, 2)), 7*testChunk+1)
		require.NoError(t, err)
		require.Equal(t, int64(6), d.flushed, "three batches of two chunks written, the rest held for the commit")
		require.Equal(t, 1, e.keys(famMarker))

		// An overwrite that committed but died before removing the old data.
		var g garbage
		old, err := e.b.loadObject("b", "live")
		require.NoError(t, err)
		require.NoError(t, e.space.Update(func(tx *store.Tx) error {
			var err error
			g, err = markGarbage(tx, refsOf(old.Segs))
			if err != nil {
				return err
			}
			return tx.Put(objectKey("b", "live"), encodeObject(&objectRecord{Modified: testStart, Meta: map[string]string{}}))
		}))
		require.NotEmpty(t, g.marker)

		// A completion that died before deleting all its part records.
		id, err := e.b.CreateMultipartUpload("b", "mp2", nil)
		require.NoError(t, err)
		pdata := randomData(10, 3)
		_, err = e.b.UploadPart("b", "mp2", id, 1, 10, bytes.NewReader(pdata))
		require.NoError(t, err)
		var part []byte
		require.NoError(t, e.space.View(func(tx *store.Tx) error {
			part, err = tx.Get(partKey("b", "mp2", id, 1))
			return err
		}))
		p, err := decodePart(part)
		require.NoError(t, err)
		require.NoError(t, e.space.Update(func(tx *store.Tx) error {
			if err := tx.Delete(uploadKey("b", "mp2", id)); err != nil {
				return err
			}
			return tx.Put(objectKey("b", "mp2"), encodeObject(&objectRecord{Size: 10, MD5: p.MD5, Parts: 1, Modified: testStart, Segs: []segment{p.Seg}}))
		}))

		e.restart()
		require.Zero(t, e.keys(famMarker))
		require.Zero(t, e.keys(famPart))
		e.requireClean()
		require.Equal(t, mp.data, e.get("b", "mp"))
		require.Empty(t, e.get("b", "live"))
		require.Equal(t, pdata, e.get("b", "mp2"), "the orphan part's data belongs to the object")
	})
}

func TestConcurrentWrites(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					data := randomData((w*10+i)%3*testChunk+w*100+i, uint64(w*10+i))
					key := fmt.Sprint("shared/", i%3)
					if i%2 == 0 {
						key = fmt.Sprint("own/", w)
					}
					_, err := e.b.PutObject("b", key, nil, bytes.NewReader(data), int64(len(data)), nil)
					if err != nil {
						t.Error(err)
						return
					}
					if i%5 == 4 {
						if _, err := e.b.DeleteObject("b", key); err != nil {
							t.Error(err)
							return
						}
					}
					obj, err := e.b.GetObject("b", "shared/0", nil)
					if err == nil {
						_, err = io.Copy(io.Discard, obj.Contents)
						obj.Contents.Close()
						if err != nil && !errors.Is(err, ErrDataGone) {
							t.Error(err)
						}
					}
				}
			}()
		}
		wg.Wait()
		e.requireClean()
	})
}

// TestEntityTooSmallRendering: through gofakes3, a part too small is a 400 whose body says
// EntityTooSmall with S3's details.
func TestEntityTooSmallRendering(t *testing.T) {
	err := entityTooSmall(10, 1, `"abc"`)
	require.Equal(t, http.StatusBadRequest, err.(gofakes3.Error).ErrorCode().Status())
	require.ErrorIs(t, err, ErrEntityTooSmall)
	require.Contains(t, err.Error(), "EntityTooSmall")
}

// TestKeysWithNUL: an object key holding NUL and what looks like an upload id does not mix
// its upload's parts with another's.
func TestKeysWithNUL(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		id1, err := e.b.CreateMultipartUpload("b", "a", nil)
		require.NoError(t, err)
		odd := "a\x00" + string(id1)
		id2, err := e.b.CreateMultipartUpload("b", odd, nil)
		require.NoError(t, err)
		for _, u := range []struct {
			key string
			id  gofakes3.UploadID
		}{{"a", id1}, {odd, id2}} {
			_, err := e.b.UploadPart("b", u.key, u.id, 1, 3, bytes.NewReader([]byte(u.key[:1]+"xy")))
			require.NoError(t, err)
		}
		parts, err := e.b.ListParts("b", "a", id1, 0, 0)
		require.NoError(t, err)
		require.Len(t, parts.Parts, 1)
		res, err := e.b.ListMultipartUploads("b", nil, gofakes3.Prefix{}, 0)
		require.NoError(t, err)
		require.Len(t, res.Uploads, 2)
		require.Equal(t, odd, res.Uploads[1].Key)
		require.NoError(t, e.b.AbortMultipartUpload("b", "a", id1))
		parts, err = e.b.ListParts("b", odd, id2, 0, 0)
		require.NoError(t, err)
		require.Len(t, parts.Parts, 1, "the other upload keeps its part")
		e.requireClean()
		e.put("b", odd, []byte("x"), nil)
		require.Equal(t, []byte("x"), e.get("b", odd))
	})
}
