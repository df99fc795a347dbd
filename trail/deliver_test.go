package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake"
)

// flushed is what a flush delivered: the records of its files in delivery order, and its
// deliveries.
func (h *harness) flushed(bucket string) ([]Event, []Delivery) {
	h.t.Helper()
	ds, err := h.svc.Flush(context.Background())
	require.NoError(h.t, err, "a failed delivery is in GetTrailStatus, not an error of Flush")
	var recs []Event
	for _, d := range ds {
		if d.Error != "" || d.Key == "" {
			continue
		}
		raw := h.object(bucket, d.Key)
		var body struct{ Records []Event }
		require.NoError(h.t, json.Unmarshal(raw, &body))
		require.Len(h.t, body.Records, d.Records, d.Key)
		recs = append(recs, body.Records...)
	}
	return recs, ds
}

func ids(evs []Event) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.EventID)
	}
	return out
}

// TestDeliveryFailureThenBacklog: a trail's bucket breaks (deleted, or its policy removed);
// a flush fails, GetTrailStatus shows S3's error code, records made meanwhile are kept; once
// the bucket is fixed the next flush delivers every record owed, each once, in order, and
// the digest lists the backlog's files.
func TestDeliveryFailureThenBacklog(t *testing.T) {
	const bucket = "ct-backlog"
	for _, tc := range []struct {
		name, code string
		breakIt    func(h *harness)
		fix        func(h *harness)
	}{
		{"bucket deleted", "NoSuchBucket", func(h *harness) {
			list, err := h.s3c.ListObjectsV2(as(h.root), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
			require.NoError(t, err)
			for _, o := range list.Contents {
				_, err := h.s3c.DeleteObject(as(h.root), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key})
				require.NoError(t, err)
			}
			_, err = h.s3c.DeleteBucket(as(h.root), &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
			require.NoError(t, err)
		}, func(h *harness) { h.bucketFor(bucket) }},
		{"policy removed", "AccessDenied", func(h *harness) {
			_, err := h.s3c.DeleteBucketPolicy(as(h.root), &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
			require.NoError(t, err)
		}, func(h *harness) { h.putPolicy(bucket) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.bucketFor(bucket)
			h.ok("CreateTrail", map[string]any{"Name": "backlog", "S3BucketName": bucket, "EnableLogFileValidation": true})
			h.record(h.root, "CreateCluster", `{"clusterIdentifier":"before"}`) // before StartLogging: not the trail's
			h.ok("StartLogging", map[string]any{"Name": "backlog"})
			want := []string{h.last.EventID}
			rec := func(n int) {
				for i := range n {
					h.clk.Advance(time.Second)
					want = append(want, h.record(h.root, "DescribeClusters", fmt.Sprintf(`{"clusterIdentifier":"c%d"}`, i)).EventID)
				}
			}
			rec(3)
			got, ds := h.flushed(bucket)
			require.Equal(t, want, ids(got), "the first flush")
			delivered := got
			deliveredAt := h.clk.Now()

			tc.breakIt(h)
			rec(4)
			for attempt := range 2 {
				h.clk.Advance(time.Minute)
				got, ds = h.flushed(bucket)
				require.Empty(t, got, "attempt %d", attempt)
				require.NotEmpty(t, ds)
				require.Equal(t, tc.code, ds[0].Error, "attempt %d", attempt)
				status := h.ok("GetTrailStatus", map[string]any{"Name": "backlog"})
				want = append(want, h.last.EventID) // GetTrailStatus is the trail's too
				require.Equal(t, tc.code, status["LatestDeliveryError"], "attempt %d", attempt)
				require.Equal(t, float64(deliveredAt.Unix()), status["LatestDeliveryTime"], "the last good delivery")
				require.Equal(t, true, status["IsLogging"])
				require.Equal(t, h.clk.Now().Format(time.RFC3339), status["LatestDeliveryAttemptTime"])
				rec(2)
			}

			tc.fix(h)
			h.clk.Advance(time.Minute)
			got, ds = h.flushed(bucket)
			for _, d := range ds {
				require.Empty(t, d.Error, "%+v", d)
			}
			delivered = append(delivered, got...)
			require.Equal(t, want, ids(delivered), "every record once, in order")
			status := h.ok("GetTrailStatus", map[string]any{"Name": "backlog"})
			require.NotContains(t, status, "LatestDeliveryError")
			require.Equal(t, float64(h.clk.Now().Unix()), status["LatestDeliveryTime"])

			// The digest of the fixed flush lists the backlog's files.
			var digestKey string
			var files []string
			for _, d := range ds {
				if d.Digest != "" {
					digestKey = d.Digest
				} else {
					files = append(files, d.Key)
				}
			}
			require.NotEmpty(t, digestKey)
			dg := h.digest(bucket, digestKey)
			var listed []string
			for _, f := range dg.body["logFiles"].([]any) {
				lf := f.(map[string]any)
				listed = append(listed, lf["s3Object"].(string))
				// The file first gathered before the failure went up rebuilt: its hash
				// is still its content's.
				require.Equal(t, sha256Hex(h.object(bucket, lf["s3Object"].(string))), lf["hashValue"], lf["s3Object"])
			}
			require.Subset(t, listed, files)

			// Nothing is owed any more: another flush delivers only what is new.
			got, _ = h.flushed(bucket)
			require.Equal(t, []string{h.last.EventID}, ids(got), "only the last GetTrailStatus")
		})
	}
}

// TestDeliveryStopStart: records made while a trail is stopped are never its own;
// StopLogging delivers what was owed first, and its own record is the last one the trail
// delivers (alert rules look for it in the trail's files).
func TestDeliveryStopStart(t *testing.T) {
	h := newHarness(t)
	h.bucketFor("ct-stop")
	h.ok("CreateTrail", map[string]any{"Name": "stopper", "S3BucketName": "ct-stop"})
	h.ok("StartLogging", map[string]any{"Name": "stopper"})
	want := []string{h.last.EventID, h.record(h.root, "CreateCluster", `{"clusterIdentifier":"a"}`).EventID}
	h.ok("StopLogging", map[string]any{"Name": "stopper"})
	stop := h.last.EventID
	files := h.trailFiles("ct-stop")
	require.Len(t, files, 1, "StopLogging delivered what was owed")
	for _, recs := range files {
		require.Equal(t, want, ids(recs))
	}
	h.record(h.root, "CreateCluster", `{"clusterIdentifier":"while-stopped"}`)
	got, _ := h.flushed("ct-stop")
	require.Equal(t, []string{stop}, ids(got), "the StopLogging record, and nothing made after it")
	got, _ = h.flushed("ct-stop")
	require.Empty(t, got)
	h.ok("StartLogging", map[string]any{"Name": "stopper"})
	again := h.last.EventID
	got, _ = h.flushed("ct-stop")
	require.Equal(t, []string{again}, ids(got))
}

// TestDeliveryOtherAccounts: a trail delivers its own account's records only.
func TestDeliveryOtherAccounts(t *testing.T) {
	h := newHarness(t)
	other, ok := h.dir.Key("other")
	require.True(t, ok)
	h.bucketFor("ct-mine")
	h.ok("CreateTrail", map[string]any{"Name": "mine", "S3BucketName": "ct-mine"})
	h.ok("StartLogging", map[string]any{"Name": "mine"})
	want := []string{h.last.EventID}
	for i := range 6 {
		if i%2 == 0 {
			h.record(other, "CreateCluster", `{}`)
		} else {
			want = append(want, h.record(h.root, "CreateCluster", `{}`).EventID)
		}
	}
	h.record(other, "CreateCluster", `{}`)
	got, _ := h.flushed("ct-mine")
	require.Equal(t, want, ids(got))
	for _, e := range got {
		require.Equal(t, testAccount, e.RecipientAccountID)
	}
	got, _ = h.flushed("ct-mine")
	require.Empty(t, got)
}

// TestDeliveryConcurrentRecords: records made from many goroutines while flushes run back
// to back are each delivered once. (Record takes its sequence number before its commit: a
// delivery that read record n+1 before record n was committed would pass n by for good, so
// deliveries read no further than Service.committed.)
func TestDeliveryConcurrentRecords(t *testing.T) {
	h := newHarness(t)
	h.bucketFor("ct-busy")
	h.ok("CreateTrail", map[string]any{"Name": "busy", "S3BucketName": "ct-busy"})
	h.ok("StartLogging", map[string]any{"Name": "busy"})
	want := map[string]bool{h.last.EventID: true}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				ev, err := h.svc.Record(Call{Source: "redshift.amazonaws.com", Name: "DescribeClusters",
					Principal: auth.AccountPrincipal(h.root), RequestParameters: json.RawMessage(fmt.Sprintf(`{"n":"%d-%d"}`, g, i))})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				want[ev.EventID] = true
				mu.Unlock()
			}
		})
	}
	seen := map[string]int{}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		got, _ := h.flushed("ct-busy")
		for _, e := range got {
			seen[e.EventID]++
		}
	}
	got, _ := h.flushed("ct-busy")
	for _, e := range got {
		seen[e.EventID]++
	}
	for id := range want {
		require.Equal(t, 1, seen[id], "record %s", id)
	}
	require.Len(t, seen, len(want))
}

// TestDeliveryDuringDeleteTrail: DeleteTrail while a delivery of the trail is uploading
// waits for it, and the trail stays deleted (a delivery saves the trail it loaded: under a
// lock of its own it saved the deleted trail back once its upload was done).
func TestDeliveryDuringDeleteTrail(t *testing.T) {
	h := newHarness(t)
	h.bucketFor("ct-slow")
	h.ok("CreateTrail", map[string]any{"Name": "slow", "S3BucketName": "ct-slow", "EnableLogFileValidation": true})
	h.ok("StartLogging", map[string]any{"Name": "slow"})
	h.record(h.root, "CreateCluster", `{"clusterIdentifier":"a"}`)
	require.NoError(t, h.s3.InjectFault("ct-slow", s3fake.Fault{Count: 1, Delay: 300 * time.Millisecond, Operations: []string{"PutObject"}}))

	type flushed struct {
		ds  []Delivery
		err error
	}
	done := make(chan flushed, 1)
	go func() {
		ds, err := h.svc.Flush(context.Background())
		done <- flushed{ds, err}
	}()
	// The delivery saves its file as pending before the upload, which the fault holds.
	require.Eventually(t, func() bool {
		tr, err := h.svc.loadTrail(testAccount, "slow")
		return err == nil && tr != nil && tr.Pending != nil
	}, 5*time.Second, time.Millisecond, "the delivery is uploading")
	h.ok("DeleteTrail", map[string]any{"Name": "slow"})
	var f flushed
	waited := false
	select {
	case f = <-done:
		waited = true
	default:
		f = <-done
	}
	require.NoError(t, f.err)
	require.NotEmpty(t, f.ds)
	require.Empty(t, f.ds[0].Error, "%+v", f.ds)

	tr, err := h.svc.loadTrail(testAccount, "slow")
	require.NoError(t, err)
	require.Nil(t, tr, "the deleted trail stays deleted")
	require.True(t, waited, "DeleteTrail waits for the delivery under way")
	h.fails("TrailNotFoundException", "GetTrail", map[string]any{"Name": "slow"})
	ds, err := h.svc.Flush(context.Background())
	require.NoError(t, err)
	require.Empty(t, ds)
}

// TestStopLoggingStoresItsRecord: ServeAPI keeps the record of a StopLogging that stops a
// trail in the transaction that stops it, and says so (Outcome.Stored), so the front door
// keeps no second one; the trail ends at that record by its sequence number. A StopLogging
// of a trail that is not logging changes nothing and is left to the caller to record.
func TestStopLoggingStoresItsRecord(t *testing.T) {
	h := newHarness(t)
	h.bucketFor("ct-stored")
	h.ok("CreateTrail", map[string]any{"Name": "stored", "S3BucketName": "ct-stored"})
	h.ok("StartLogging", map[string]any{"Name": "stored"})
	start := h.last.EventID

	serve := func(op string) Outcome {
		body := []byte(`{"Name":"arn:aws:cloudtrail:us-east-1:` + testAccount + `:trail/stored"}`)
		r := httptest.NewRequest(http.MethodPost, "http://localhost/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", targetPrefix+op)
		sum := sha256.Sum256(body)
		require.NoError(t, v4.NewSigner().SignHTTP(context.Background(),
			aws.Credentials{AccessKeyID: h.root.AccessKeyID, SecretAccessKey: h.root.SecretAccessKey},
			r, hex.EncodeToString(sum[:]), "cloudtrail", "us-east-1", time.Now()))
		w := httptest.NewRecorder()
		out := h.svc.ServeAPI(w, r, "req-"+op)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		return out
	}
	out := serve("StopLogging") // by ARN; the record is not kept by the caller
	require.True(t, out.Recorded)
	require.NotNil(t, out.Stored)
	stop := out.Stored.EventID
	tr, err := h.svc.loadTrail(testAccount, "stored")
	require.NoError(t, err)
	require.False(t, tr.IsLogging)
	require.True(t, tr.StopPending)
	require.Equal(t, h.svc.last.Load(), tr.StopSeq, "the stop names its record")
	h.record(h.root, "CreateCluster", `{"clusterIdentifier":"after"}`)

	again := serve("StopLogging") // stopped already: the caller records it
	require.True(t, again.Recorded)
	require.Nil(t, again.Stored)
	_, err = h.svc.Record(again.Call)
	require.NoError(t, err)

	got, _ := h.flushed("ct-stored")
	require.Equal(t, []string{stop}, ids(got), "the stop's record, and nothing made after it")
	got, _ = h.flushed("ct-stored")
	require.Empty(t, got)
	var all []Event
	for _, recs := range h.trailFiles("ct-stored") {
		all = append(all, recs...)
	}
	require.ElementsMatch(t, []string{start, stop}, ids(all), "StopLogging delivered what was owed first")
	tr, err = h.svc.loadTrail(testAccount, "stored")
	require.NoError(t, err)
	require.False(t, tr.StopPending)
	require.Zero(t, tr.StopSeq)
	evs, _, err := h.lookupDirect(h.root, attr("EventName", "StopLogging"))
	require.NoError(t, err)
	require.Len(t, evs, 2, "one record per StopLogging")
}

// TestFileBodyRebuildsNextFile: a pending file rebuilt from the store (after a failed or
// cut-short upload) has the bytes and the hash of the file the delivery first gathered.
func TestFileBodyRebuildsNextFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		records int
	}{
		{"one record", 1},
		{"a few, between another account's", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			other, ok := h.dir.Key("other")
			require.True(t, ok)
			h.bucketFor("ct-body")
			h.ok("CreateTrail", map[string]any{"Name": "body", "S3BucketName": "ct-body"})
			h.ok("StartLogging", map[string]any{"Name": "body"})
			for i := range tc.records {
				h.record(h.root, "CreateCluster", fmt.Sprintf(`{"clusterIdentifier":"c%d"}`, i))
				if i%3 == 0 {
					h.record(other, "CreateCluster", `{}`)
				}
			}
			h.svc.mu.Lock()
			defer h.svc.mu.Unlock()
			tr, err := h.svc.loadTrail(testAccount, "body")
			require.NoError(t, err)
			p, f, err := h.svc.nextFile(tr, h.clk.Now())
			require.NoError(t, err)
			require.NotNil(t, p)
			again, err := h.svc.fileBody(testAccount, p.From, p.To)
			require.NoError(t, err)
			require.Equal(t, f, again)
			zr, err := gzip.NewReader(bytes.NewReader(f.gz))
			require.NoError(t, err)
			raw, err := io.ReadAll(zr)
			require.NoError(t, err)
			require.Equal(t, sha256Hex(raw), f.hash, "the hash is of the uncompressed file")
			var body struct{ Records []Event }
			require.NoError(t, json.Unmarshal(raw, &body))
			require.Len(t, body.Records, f.records)
			require.Equal(t, tc.records+1, f.records, "StartLogging and the records")
		})
	}
}
