package trail

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/fakeshift/fakeshift/auth"
)

// benchParams is a CreateCluster's requestParameters, the size of a typical record's.
const benchParams = `{"clusterIdentifier":"bench","nodeType":"ra3.large","masterUsername":"admin",` +
	`"masterUserPassword":"****","clusterType":"single-node","dBName":"dev","port":5439,"encrypted":false}`

func benchCall(k auth.Key, name string) Call {
	return Call{Source: "redshift.amazonaws.com", Name: name, Principal: auth.AccountPrincipal(k),
		RequestParameters: json.RawMessage(benchParams), RequestID: uuid.NewString(), SourceIP: "127.0.0.1",
		UserAgent: "aws-cli/1.45.11"}
}

// BenchmarkRecord is the cost CloudTrail adds to each API call: one record made and
// stored (in memory).
func BenchmarkRecord(b *testing.B) {
	h := newHarness(b)
	c := benchCall(h.root, "CreateCluster")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.svc.Record(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordParallel records from as many goroutines as GOMAXPROCS.
func BenchmarkRecordParallel(b *testing.B) {
	h := newHarness(b)
	c := benchCall(h.root, "CreateCluster")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.svc.Record(c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLookupEvents is one page (50) of LookupEvents by EventName among 10,000
// records, a tenth of which match.
func BenchmarkLookupEvents(b *testing.B) {
	h := newHarness(b)
	for i := range 10_000 {
		name := "DescribeClusters"
		if i%10 == 0 {
			name = "CreateCluster"
		}
		_, err := h.svc.Record(benchCall(h.root, name))
		require.NoError(b, err)
	}
	q := &request{principal: auth.AccountPrincipal(h.root), account: h.root.AccountID,
		body: []byte(`{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateCluster"}]}`)}
	b.ReportAllocs()
	for b.Loop() {
		out, err := h.svc.lookupEvents(q)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(out.(map[string]any)["Events"].([]lookupEvent)); n != 50 {
			b.Fatalf("%d events", n)
		}
	}
}

// BenchmarkDeliverTrail delivers 10,000 records (two files) to S3 in process, per op.
func BenchmarkDeliverTrail(b *testing.B) {
	h := newHarness(b)
	h.bucketFor("bench-trail")
	h.ok("CreateTrail", map[string]any{"Name": "bench", "S3BucketName": "bench-trail"})
	h.ok("StartLogging", map[string]any{"Name": "bench"})
	c := benchCall(h.root, "CreateCluster")
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for range 10_000 {
			if _, err := h.svc.Record(c); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		got, err := h.svc.Flush(context.Background())
		if err != nil || len(got) < 2 {
			b.Fatal(fmt.Sprint(got), err)
		}
	}
	b.ReportMetric(float64(10_000*b.N)/b.Elapsed().Seconds(), "records/s")
}
