//go:build !fakeshift_norecord

package cluster

// recordingCutOut skips the logger's calls for statements (their activity records and
// completions). It is false in every build but the one that measures what recording costs:
// go test -tags fakeshift_norecord -bench RecordedRoundTrip ./integration/ (README,
// "Recording"). Connection and user records are made in both.
const recordingCutOut = false
