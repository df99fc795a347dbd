package trail

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
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
				listed = append(listed, f.(map[string]any)["s3Object"].(string))
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
