package integration

import (
	"testing"

	"github.com/fakeshift/fakeshift"
	"github.com/fakeshift/fakeshift/fixtures"
)

// TestCloudTrailWithBoto3: boto3 makes a trail, Redshift calls (one failing, EnableLogging
// and DisableLogging) and S3 bucket calls, then finds each with lookup_events by every
// lookup attribute kind, pages through MaxResults and NextToken (newest first, no duplicate,
// no gap), narrows by StartTime and EndTime, meets each LookupEvents error class, and after a
// flush finds in the trail's files the very records lookup_events gives
// (testdata/cloudtrail_boto3.py).
func TestCloudTrailWithBoto3(t *testing.T) {
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval, c.TrailInterval = -1, -1 }))
	runBoto3Script(t, f, "testdata/cloudtrail_boto3.py", "boto3 CloudTrail checks passed")
}
