package integration

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

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
	py := python3WithBoto3(t)
	f := fixtures.New(t, fixtures.WithConfig(func(c *fakeshift.Config) { c.LogInterval, c.TrailInterval = -1, -1 }))
	cmd := exec.Command(py, "testdata/cloudtrail_boto3.py")
	cmd.Env = awsEnv(f, "test", "test")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "boto3 CloudTrail checks passed")
	t.Logf("%s", out)
}
