package objects

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/store"
)

// item is one entry of ListBucketVersions, for comparing listings: a version or delete
// marker ("key@id", latest marked "*", delete markers "!"), or a common prefix ("cp/").
type item string

func items(res *gofakes3.ListBucketVersionsResult) []item {
	var out []item
	for _, v := range res.Versions {
		switch v := v.(type) {
		case *gofakes3.Version:
			out = append(out, versionItem(v.Key, v.VersionID, v.IsLatest, false))
		case *gofakes3.DeleteMarker:
			out = append(out, versionItem(v.Key, v.VersionID, v.IsLatest, true))
		}
	}
	for _, p := range res.CommonPrefixes {
		out = append(out, item(p.Prefix))
	}
	return out
}

func versionItem(key string, id gofakes3.VersionID, latest, marker bool) item {
	s := key + "@" + string(id)
	if latest {
		s += "*"
	}
	if marker {
		s += "!"
	}
	return item(s)
}

func (e *env) versions(bucket string) []item {
	e.t.Helper()
	res, err := e.b.ListBucketVersions(bucket, nil, nil)
	require.NoError(e.t, err)
	require.False(e.t, res.IsTruncated)
	return items(res)
}

func (e *env) putVersion(bucket, key string, data []byte, meta map[string]string) gofakes3.VersionID {
	e.t.Helper()
	res, err := e.b.PutObject(bucket, key, meta, bytes.NewReader(data), int64(len(data)), nil)
	require.NoError(e.t, err)
	return res.VersionID
}

func (e *env) getVersion(bucket, key string, id gofakes3.VersionID) []byte {
	e.t.Helper()
	obj, err := e.b.GetObjectVersion(bucket, key, id, nil)
	require.NoError(e.t, err)
	defer obj.Contents.Close()
	require.False(e.t, obj.IsDeleteMarker)
	require.Equal(e.t, id, obj.VersionID)
	data, err := io.ReadAll(obj.Contents)
	require.NoError(e.t, err)
	return data
}

func (e *env) setVersioning(bucket string, status gofakes3.VersioningStatus) {
	e.t.Helper()
	require.NoError(e.t, e.b.SetVersioningConfiguration(bucket, gofakes3.VersioningConfiguration{Status: status}))
}

func TestVersionIDs(t *testing.T) {
	var ids []string
	for _, seq := range []uint64{1, 2, 31, 32, 1 << 20, math.MaxUint64 - 1, math.MaxUint64} {
		id := formatVersionID(seq)
		require.Len(t, id, versionIDLen)
		require.Regexp(t, `^[0-9A-V]+$`, string(id), "URL-safe")
		got, ok := parseVersionID(id)
		require.True(t, ok, id)
		require.Equal(t, seq, got)
		ids = append(ids, string(id))
	}
	require.True(t, slices.IsSortedFunc(ids, func(a, b string) int { return strings.Compare(b, a) }), "newer ids sort first: %v", ids)

	for _, bad := range []gofakes3.VersionID{"", "null", "VVVVVVVVVVVVV", "VVVVVVVVVVVU1", "vvvvvvvvvvvvu", "VVVVVVVVVVVU", "VVVVVVVVVVVVU0", "VVVVVVVVVVV-0"} {
		_, ok := parseVersionID(bad)
		require.False(t, ok, "%q", bad)
	}
}

func TestVersioningConfiguration(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		for _, step := range []struct {
			name string
			set  gofakes3.VersioningConfiguration
			code gofakes3.ErrorCode
			want gofakes3.VersioningStatus
		}{
			{"empty leaves it unversioned", gofakes3.VersioningConfiguration{}, "", gofakes3.VersioningNone},
			{"MFA delete", gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled, MFADelete: gofakes3.MFADeleteEnabled}, gofakes3.ErrNotImplemented, gofakes3.VersioningNone},
			{"bad status", gofakes3.VersioningConfiguration{Status: "Off"}, gofakes3.ErrIllegalVersioningConfiguration, gofakes3.VersioningNone},
			{"enable", gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled, MFADelete: gofakes3.MFADeleteDisabled}, "", gofakes3.VersioningEnabled},
			{"enable again", gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled}, "", gofakes3.VersioningEnabled},
			{"empty cannot unversion", gofakes3.VersioningConfiguration{}, "", gofakes3.VersioningEnabled},
			{"suspend", gofakes3.VersioningConfiguration{Status: gofakes3.VersioningSuspended}, "", gofakes3.VersioningSuspended},
			{"enable after suspend", gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled}, "", gofakes3.VersioningEnabled},
		} {
			t.Run(step.name, func(t *testing.T) {
				err := e.b.SetVersioningConfiguration("b", step.set)
				if step.code != "" {
					requireCode(t, err, step.code)
				} else {
					require.NoError(t, err)
				}
				cfg, err := e.b.VersioningConfiguration("b")
				require.NoError(t, err)
				require.Equal(t, step.want, cfg.Status)
				require.Equal(t, gofakes3.MFADeleteNone, cfg.MFADelete)
			})
		}
		_, err := e.b.VersioningConfiguration("nob")
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		requireCode(t, e.b.SetVersioningConfiguration("nob", gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled}), gofakes3.ErrNoSuchBucket)

		// The status and the attributes live in one record: neither loses the other.
		require.NoError(t, e.b.UpdateBucketAttrs("b", func([]byte) ([]byte, error) { return []byte("attrs"), nil }))
		e.setVersioning("b", gofakes3.VersioningSuspended)
		attrs, err := e.b.BucketAttrs("b")
		require.NoError(t, err)
		require.Equal(t, "attrs", string(attrs))
		e.restart()
		cfg, err := e.b.VersioningConfiguration("b")
		require.NoError(t, err)
		require.Equal(t, gofakes3.VersioningSuspended, cfg.Status)
	})
}

func TestVersioningEnabled(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.b
		e.mustBucket("b")
		e.setVersioning("b", gofakes3.VersioningEnabled)
		one, two := []byte("version one"), randomData(2*testChunk+5, 2)

		e.clock.Advance(time.Second)
		v1 := e.putVersion("b", "k", one, map[string]string{"Content-Type": "text/plain", HiddenMetaPrefix + "Owner": "1"})
		e.clock.Advance(time.Second)
		v2 := e.putVersion("b", "k", two, map[string]string{"Content-Type": "application/gzip", HiddenMetaPrefix + "Owner": "2"})
		require.NotEmpty(t, v1)
		require.NotEqual(t, v1, v2)
		require.Less(t, string(v2), string(v1), "the newer id sorts first")

		require.Equal(t, two, e.get("b", "k"), "GetObject answers the latest")
		obj, err := b.HeadObject("b", "k")
		require.NoError(t, err)
		require.Equal(t, v2, obj.VersionID)
		require.Equal(t, "application/gzip", obj.Metadata["Content-Type"])
		require.NoError(t, obj.Contents.Close())

		require.Equal(t, one, e.getVersion("b", "k", v1), "an older version keeps its data")
		require.Equal(t, two, e.getVersion("b", "k", v2))
		head, err := b.HeadObjectVersion("b", "k", v1)
		require.NoError(t, err)
		require.NoError(t, head.Contents.Close())
		require.Equal(t, int64(len(one)), head.Size)
		require.Equal(t, md5hex(one), fmt.Sprintf("%x", head.Hash))
		require.Equal(t, map[string]string{"Content-Type": "text/plain", "Last-Modified": "Wed, 04 Mar 2026 05:06:08 GMT"}, head.Metadata,
			"each version has its own metadata, the hidden entries left out")
		meta, err := b.ObjectVersionMeta("b", "k", v1)
		require.NoError(t, err)
		require.Equal(t, "1", meta[HiddenMetaPrefix+"Owner"])

		rng, err := b.GetObjectVersion("b", "k", v2, &gofakes3.ObjectRangeRequest{Start: testChunk - 2, End: testChunk + 1})
		require.NoError(t, err)
		part, err := io.ReadAll(rng.Contents)
		require.NoError(t, err)
		require.NoError(t, rng.Contents.Close())
		require.Equal(t, two[testChunk-2:testChunk+2], part)

		require.Equal(t, []item{versionItem("k", v2, true, false), versionItem("k", v1, false, false)}, e.versions("b"))
		res, err := b.ListBucketVersions("b", nil, nil)
		require.NoError(t, err)
		ver := res.Versions[1].(*gofakes3.Version)
		require.Equal(t, `"`+md5hex(one)+`"`, ver.ETag)
		require.Equal(t, int64(len(one)), ver.Size)
		require.Equal(t, testStart.Add(time.Second), ver.LastModified.Time)

		// Missing versions and keys; ids that cannot be ours.
		for _, tc := range []struct {
			key  string
			id   gofakes3.VersionID
			code gofakes3.ErrorCode
		}{
			{"k", formatVersionID(999999), gofakes3.ErrNoSuchVersion},
			{"k", NullVersion, gofakes3.ErrNoSuchVersion},
			{"k", "bogus", gofakes3.ErrInvalidArgument},
			{"missing", v1, gofakes3.ErrNoSuchKey},
			{"missing", "bogus", gofakes3.ErrInvalidArgument},
		} {
			_, err := b.GetObjectVersion("b", tc.key, tc.id, nil)
			requireCode(t, err, tc.code)
			_, err = b.HeadObjectVersion("b", tc.key, tc.id)
			requireCode(t, err, tc.code)
		}
		_, err = b.GetObjectVersion("nob", "k", v1, nil)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)

		// A delete adds a marker; the key is gone for GET, HEAD and listings.
		e.clock.Advance(time.Second)
		del, err := b.DeleteObject("b", "k")
		require.NoError(t, err)
		require.True(t, del.IsDeleteMarker)
		dm := del.VersionID
		require.Less(t, string(dm), string(v2))
		_, err = b.GetObject("b", "k", nil)
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		_, err = b.HeadObject("b", "k")
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		_, err = b.ObjectMeta("b", "k")
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		list, err := b.ListBucket("b", nil, gofakes3.ListBucketPage{})
		require.NoError(t, err)
		require.Empty(t, list.Contents)
		require.Equal(t, one, e.getVersion("b", "k", v1), "versions stay")
		marker, err := b.GetObjectVersion("b", "k", dm, nil)
		require.NoError(t, err)
		require.True(t, marker.IsDeleteMarker)
		require.Equal(t, dm, marker.VersionID)
		require.NoError(t, marker.Contents.Close())
		_, err = b.ObjectVersionMeta("b", "k", dm)
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		require.Equal(t, []item{versionItem("k", dm, true, true), versionItem("k", v2, false, false), versionItem("k", v1, false, false)}, e.versions("b"))
		requireCode(t, b.DeleteBucket("b"), gofakes3.ErrBucketNotEmpty)
		_, err = b.PutObject("b", "k", nil, bytes.NewReader([]byte("x")), 1, &gofakes3.PutConditions{IfMatch: new(`"` + md5hex(two) + `"`)})
		requireCode(t, err, gofakes3.ErrPreconditionFailed)

		// A delete of a key that never was adds a marker too, as in S3.
		del2, err := b.DeleteObject("b", "never")
		require.NoError(t, err)
		require.True(t, del2.IsDeleteMarker)
		_, _, err = b.CopyObjectVersion("b", "never", del2.VersionID, "b", "copy", nil)
		requireCode(t, err, gofakes3.ErrInvalidArgument)

		// Removing the marker brings the latest version back.
		res2, err := b.DeleteObjectVersion("b", "k", dm)
		require.NoError(t, err)
		require.Equal(t, gofakes3.ObjectDeleteResult{IsDeleteMarker: true, VersionID: dm}, res2)
		require.Equal(t, two, e.get("b", "k"))

		// Removing the current version makes the previous one current, and its data goes.
		res2, err = b.DeleteObjectVersion("b", "k", v2)
		require.NoError(t, err)
		require.Equal(t, gofakes3.ObjectDeleteResult{VersionID: v2}, res2)
		require.Equal(t, one, e.get("b", "k"))
		_, err = b.GetObjectVersion("b", "k", v2, nil)
		requireCode(t, err, gofakes3.ErrNoSuchVersion)
		e.requireClean()
		require.Equal(t, []item{versionItem("k", v1, true, false), versionItem("never", del2.VersionID, true, true)}, e.versions("b"))

		// Versions or keys that do not exist: an empty result.
		for _, id := range []gofakes3.VersionID{v2, NullVersion} {
			res2, err = b.DeleteObjectVersion("b", "k", id)
			require.NoError(t, err)
			require.Zero(t, res2)
		}
		res2, err = b.DeleteObjectVersion("b", "missing", v1)
		require.NoError(t, err)
		require.Zero(t, res2)
		_, err = b.DeleteObjectVersion("b", "k", "bogus")
		requireCode(t, err, gofakes3.ErrInvalidArgument)
		_, err = b.DeleteObjectVersion("nob", "k", v1)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)

		// Multipart completions and copies are versions too.
		up, err := b.CreateMultipartUpload("b", "k", nil)
		require.NoError(t, err)
		etag, err := b.UploadPart("b", "k", up, 1, 3, bytes.NewReader([]byte("mpu")))
		require.NoError(t, err)
		v3, mpETag, err := b.CompleteMultipartUpload("b", "k", up, &gofakes3.CompleteMultipartUploadRequest{Parts: []gofakes3.CompletedPart{{PartNumber: 1, ETag: etag}}})
		require.NoError(t, err)
		require.Less(t, string(v3), string(v1))
		_, v4, err := b.CopyObjectVersion("b", "k", v1, "b", "k", map[string]string{"Content-Type": "text/csv"})
		require.NoError(t, err)
		require.Less(t, string(v4), string(v3))
		require.Equal(t, one, e.get("b", "k"), "copied from the old version")
		mp, err := b.HeadObjectVersion("b", "k", v3)
		require.NoError(t, err)
		require.Equal(t, mpETag, mp.Metadata[MultipartETagHeader], "the multipart ETag is the version's")
		_, err = b.CopyObject("b", "k", "b", "copy", nil)
		require.NoError(t, err)
		require.Equal(t, []item{
			versionItem("copy", e.currentID("b", "copy"), true, false),
			versionItem("k", v4, true, false), versionItem("k", v3, false, false), versionItem("k", v1, false, false),
			versionItem("never", del2.VersionID, true, true),
		}, e.versions("b"))

		// DeleteMultiVersions: plain deletes add markers, versioned ones remove.
		multi, err := b.DeleteMultiVersions("b", gofakes3.ObjectID{Key: "copy"}, gofakes3.ObjectID{Key: "k", VersionID: string(v3)},
			gofakes3.ObjectID{Key: "k", VersionID: "bogus"})
		require.NoError(t, err)
		require.Equal(t, []gofakes3.ObjectID{{Key: "copy"}, {Key: "k", VersionID: string(v3)}}, multi.Deleted)
		require.Len(t, multi.Error, 1)
		require.Equal(t, gofakes3.ErrInvalidArgument, multi.Error[0].Code)
		_, err = b.GetObjectVersion("b", "k", v3, nil)
		requireCode(t, err, gofakes3.ErrNoSuchVersion)
		_, err = b.GetObject("b", "copy", nil)
		requireCode(t, err, gofakes3.ErrNoSuchKey)
		_, err = b.DeleteMultiVersions("nob", gofakes3.ObjectID{Key: "k"})
		requireCode(t, err, gofakes3.ErrNoSuchBucket)
		e.requireClean()

		// Versions outlive a restart, and the ids go on getting newer.
		before := e.versions("b")
		e.restart()
		b = e.b
		require.Equal(t, before, e.versions("b"))
		require.Equal(t, one, e.getVersion("b", "k", v1))
		v5 := e.putVersion("b", "k", []byte("after restart"), nil)
		require.Less(t, string(v5), string(v4))
		require.Equal(t, versionItem("k", v5, true, false), e.versions("b")[2])

		// Only versions and delete markers: still not empty; forced, everything goes.
		for _, it := range e.versions("b") {
			key, id, _ := strings.Cut(strings.TrimRight(string(it), "*!"), "@")
			if key == "never" {
				continue
			}
			_, err := b.DeleteObjectVersion("b", key, gofakes3.VersionID(id))
			require.NoError(t, err)
		}
		require.Equal(t, []item{versionItem("never", del2.VersionID, true, true)}, e.versions("b"))
		requireCode(t, b.DeleteBucket("b"), gofakes3.ErrBucketNotEmpty)
		e.put("b", "k", randomData(testChunk+1, 3), nil)
		require.NoError(t, b.ForceDeleteBucket("b"))
		require.Zero(t, e.keys(famObject))
		require.Zero(t, e.keys(famVersion))
		e.requireClean()
		require.NoError(t, b.CreateBucket("b"))
		require.Empty(t, e.versions("b"))
		cfg, err := b.VersioningConfiguration("b")
		require.NoError(t, err)
		require.Equal(t, gofakes3.VersioningNone, cfg.Status, "a new bucket of the same name starts unversioned")
	})
}

// currentID is the version id of a key's current version.
func (e *env) currentID(bucket, key string) gofakes3.VersionID {
	e.t.Helper()
	obj, err := e.b.HeadObject(bucket, key)
	require.NoError(e.t, err)
	require.NoError(e.t, obj.Contents.Close())
	return obj.VersionID
}

// TestVersioningSuspended follows a key through S3's figures: an object of the unversioned
// bucket, versions while enabled, null versions replacing each other while suspended.
func TestVersioningSuspended(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.b
		e.mustBucket("b")
		data := func(n int) []byte { return randomData(testChunk+n, uint64(n)) }
		steps := []struct {
			name   string
			do     func(t *testing.T) gofakes3.VersionID // the id the step answers
			wantID string                                // "" none, "null", "new" a new id
			want   []string                              // the listing: ids by step name, "null", latest "*", marker "!"
			get    int                                   // the data GetObject answers (data(get)), -1 NoSuchKey
		}{
			{"unversioned", func(t *testing.T) gofakes3.VersionID { return e.putVersion("b", "k", data(0), nil) }, "", []string{"null*"}, 0},
			{"enable", func(t *testing.T) gofakes3.VersionID { e.setVersioning("b", gofakes3.VersioningEnabled); return "" }, "", []string{"null*"}, 0},
			{"v1", func(t *testing.T) gofakes3.VersionID { return e.putVersion("b", "k", data(1), nil) }, "new", []string{"v1*", "null"}, 1},
			{"suspend", func(t *testing.T) gofakes3.VersionID { e.setVersioning("b", gofakes3.VersioningSuspended); return "" }, "", []string{"v1*", "null"}, 1},
			{"null replaces the old null", func(t *testing.T) gofakes3.VersionID { return e.putVersion("b", "k", data(2), nil) }, "null", []string{"null*", "v1"}, 2},
			{"null replaces the current null", func(t *testing.T) gofakes3.VersionID { return e.putVersion("b", "k", data(3), nil) }, "null", []string{"null*", "v1"}, 3},
			{"delete: a null marker replaces it", func(t *testing.T) gofakes3.VersionID {
				res, err := b.DeleteObject("b", "k")
				require.NoError(t, err)
				require.True(t, res.IsDeleteMarker)
				return res.VersionID
			}, "null", []string{"null*!", "v1"}, -1},
			{"enable again", func(t *testing.T) gofakes3.VersionID { e.setVersioning("b", gofakes3.VersioningEnabled); return "" }, "", []string{"null*!", "v1"}, -1},
			{"v2", func(t *testing.T) gofakes3.VersionID { return e.putVersion("b", "k", data(4), nil) }, "new", []string{"v2*", "null!", "v1"}, 4},
			{"suspend again", func(t *testing.T) gofakes3.VersionID { e.setVersioning("b", gofakes3.VersioningSuspended); return "" }, "", []string{"v2*", "null!", "v1"}, 4},
			{"null over a noncurrent null marker", func(t *testing.T) gofakes3.VersionID { return e.putVersion("b", "k", data(5), nil) }, "null", []string{"null*", "v2", "v1"}, 5},
			{"remove the null version", func(t *testing.T) gofakes3.VersionID {
				res, err := b.DeleteObjectVersion("b", "k", NullVersion)
				require.NoError(t, err)
				require.Equal(t, gofakes3.ObjectDeleteResult{VersionID: NullVersion}, res)
				return ""
			}, "", []string{"v2*", "v1"}, 4},
		}
		ids := map[string]gofakes3.VersionID{}
		for _, step := range steps {
			t.Run(step.name, func(t *testing.T) {
				id := step.do(t)
				switch step.wantID {
				case "new":
					ids[step.name] = id
					_, ok := parseVersionID(id)
					require.True(t, ok, "a new version id, got %q", id)
				default:
					require.Equal(t, gofakes3.VersionID(step.wantID), id)
				}
				var want []item
				for _, w := range step.want {
					name := strings.TrimRight(w, "*!")
					id := NullVersion
					if name != "null" {
						id = ids[name]
					}
					want = append(want, versionItem("k", id, strings.Contains(w, "*"), strings.Contains(w, "!")))
				}
				require.Equal(t, want, e.versions("b"))
				if step.get < 0 {
					_, err := b.GetObject("b", "k", nil)
					requireCode(t, err, gofakes3.ErrNoSuchKey)
				} else {
					require.Equal(t, data(step.get), e.get("b", "k"))
				}
				e.requireClean()
			})
		}
		require.Equal(t, data(1), e.getVersion("b", "k", ids["v1"]))

		// In an unversioned bucket, the object is the null version, and answers no id.
		e.mustBucket("plain")
		e.put("plain", "k", []byte("x"), nil)
		obj, err := b.GetObjectVersion("plain", "k", NullVersion, nil)
		require.NoError(t, err)
		require.NoError(t, obj.Contents.Close())
		require.Empty(t, obj.VersionID)
		require.Equal(t, []item{versionItem("k", NullVersion, true, false)}, e.versions("plain"))
		res, err := b.DeleteObjectVersion("plain", "k", NullVersion)
		require.NoError(t, err)
		require.Equal(t, gofakes3.ObjectDeleteResult{VersionID: NullVersion}, res)
		require.Empty(t, e.versions("plain"))
		require.NoError(t, b.DeleteBucket("plain"))
		e.requireClean()
	})
}

func TestListBucketVersionsPaging(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		b := e.b
		e.mustBucket("b")
		e.put("b", "a", []byte("old a"), nil) // the null version, from before versioning
		e.put("b", "dir/old", []byte("x"), nil)
		e.setVersioning("b", gofakes3.VersioningEnabled)
		for i := range 3 {
			e.putVersion("b", "a", fmt.Appendf(nil, "a%d", i), nil)
		}
		e.putVersion("b", "dir/x", []byte("x"), nil)
		e.putVersion("b", "dir/y", []byte("y"), nil)
		_, err := b.DeleteObject("b", "dir/y")
		require.NoError(t, err)
		_, err = b.DeleteObject("b", "gone")
		require.NoError(t, err)
		e.putVersion("b", "z", []byte("z"), nil)
		e.putVersion("b", "a\x00b", []byte("a key holding NUL"), nil)

		full := e.versions("b")
		require.Len(t, full, 11)
		require.Equal(t, versionItem("a", NullVersion, false, false), full[3], "the unversioned object is the oldest version")
		require.Equal(t, []string{"a", "a", "a", "a", "a\x00b", "dir/old", "dir/x", "dir/y", "dir/y", "gone", "z"}, keysOf(full))

		for _, tc := range []struct {
			name   string
			prefix *gofakes3.Prefix
			want   []item
		}{
			{"all", nil, full},
			{"prefix", &gofakes3.Prefix{Prefix: "dir/", HasPrefix: true}, full[5:9]},
			{"delimiter", &gofakes3.Prefix{Delimiter: "/", HasDelimiter: true}, append(append(slices.Clone(full[:5]), full[9:]...), "dir/")},
		} {
			res, err := b.ListBucketVersions("b", tc.prefix, nil)
			require.NoError(t, err)
			require.Equal(t, sortItems(tc.want), sortItems(items(res)), tc.name)
			for size := int64(1); size <= 12; size++ {
				t.Run(fmt.Sprintf("%s/%d", tc.name, size), func(t *testing.T) {
					var got []item
					page := &gofakes3.ListBucketVersionsPage{MaxKeys: size}
					for pages := 0; ; pages++ {
						require.Less(t, pages, 20)
						res, err := b.ListBucketVersions("b", tc.prefix, page)
						require.NoError(t, err)
						require.LessOrEqual(t, int64(len(items(res))), size)
						require.Equal(t, size, res.MaxKeys)
						got = append(got, items(res)...)
						if !res.IsTruncated {
							break
						}
						require.NotEmpty(t, res.NextKeyMarker)
						page = &gofakes3.ListBucketVersionsPage{MaxKeys: size, KeyMarker: res.NextKeyMarker, HasKeyMarker: true,
							VersionIDMarker: res.NextVersionIDMarker, HasVersionIDMarker: res.NextVersionIDMarker != ""}
					}
					require.Equal(t, sortItems(tc.want), sortItems(got))
				})
			}
		}

		// Markers of a version, the null version, a key alone.
		a := full[:4]
		for _, tc := range []struct {
			key  string
			id   gofakes3.VersionID
			want []item
		}{
			{"a", idOf(a[0]), full[1:]},
			{"a", idOf(a[2]), full[3:]},
			{"a", NullVersion, full[4:]},
			{"a", "", full[4:]},
			{"dir/y", idOf(full[7]), full[8:]},
			{"0", "", full},
			{"zz", "", nil},
		} {
			res, err := b.ListBucketVersions("b", nil, &gofakes3.ListBucketVersionsPage{KeyMarker: tc.key, HasKeyMarker: true,
				VersionIDMarker: tc.id, HasVersionIDMarker: tc.id != ""})
			require.NoError(t, err)
			require.Equal(t, tc.want, items(res), "%s %s", tc.key, tc.id)
			require.Equal(t, tc.key, res.KeyMarker)
			require.Equal(t, tc.id, res.VersionIDMarker)
		}
		_, err = b.ListBucketVersions("b", nil, &gofakes3.ListBucketVersionsPage{KeyMarker: "a", HasKeyMarker: true, VersionIDMarker: "bogus", HasVersionIDMarker: true})
		requireCode(t, err, gofakes3.ErrInvalidArgument)
		_, err = b.ListBucketVersions("nob", nil, nil)
		requireCode(t, err, gofakes3.ErrNoSuchBucket)

		// ListBucket lists the current objects, not delete markers, nor a common prefix of
		// markers only.
		_, err = b.DeleteObject("b", "dir/x")
		require.NoError(t, err)
		_, err = b.DeleteObject("b", "dir/old")
		require.NoError(t, err)
		list, err := b.ListBucket("b", &gofakes3.Prefix{Delimiter: "/", HasDelimiter: true}, gofakes3.ListBucketPage{MaxKeys: 2})
		require.NoError(t, err)
		require.Empty(t, list.CommonPrefixes)
		require.Equal(t, []string{"a", "a\x00b"}, contentKeys(list))
		require.True(t, list.IsTruncated)
		list, err = b.ListBucket("b", &gofakes3.Prefix{Delimiter: "/", HasDelimiter: true}, gofakes3.ListBucketPage{Marker: list.NextMarker, HasMarker: true, MaxKeys: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"z"}, contentKeys(list))
		require.False(t, list.IsTruncated)
	})
}

func keysOf(items []item) []string {
	var out []string
	for _, it := range items {
		k, _, _ := strings.Cut(string(it), "@")
		out = append(out, k)
	}
	return out
}

func idOf(it item) gofakes3.VersionID {
	_, id, _ := strings.Cut(strings.TrimRight(string(it), "*!"), "@")
	return gofakes3.VersionID(id)
}

// sortItems puts common prefixes in with the versions, by name: items lists them apart.
func sortItems(in []item) []item {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b item) int {
		ka, _, _ := strings.Cut(string(a), "@")
		kb, _, _ := strings.Cut(string(b), "@")
		return strings.Compare(ka, kb)
	})
	return out
}

func contentKeys(list *gofakes3.ObjectList) []string {
	var out []string
	for _, c := range list.Contents {
		out = append(out, c.Key)
	}
	return out
}

// TestVersionsCrash: a write into a versioned bucket that died before removing the data of
// the null version it replaced leaves it marked, and New removes it.
func TestVersionsCrash(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.mustBucket("b")
		e.put("b", "k", randomData(3*testChunk, 1), nil)
		e.setVersioning("b", gofakes3.VersioningEnabled)
		v1 := e.putVersion("b", "k", randomData(testChunk, 2), nil)
		e.setVersioning("b", gofakes3.VersioningSuspended)

		// What PutObject commits, without its removal of the old null version's data.
		cur, err := e.b.loadObject("b", "k")
		require.NoError(t, err)
		seq, err := e.b.nextSeq()
		require.NoError(t, err)
		require.NoError(t, e.space.Update(func(tx *store.Tx) error {
			rec := &objectRecord{Modified: testStart, Meta: map[string]string{}}
			setVersion(rec, gofakes3.VersioningSuspended, seq)
			_, err := install(tx, "b", "k", gofakes3.VersioningSuspended, rec, cur)
			return err
		}))
		require.Equal(t, 1, e.keys(famMarker))
		e.restart()
		e.requireClean()
		require.Equal(t, []item{versionItem("k", NullVersion, true, false), versionItem("k", v1, false, false)}, e.versions("b"))
	})
}
