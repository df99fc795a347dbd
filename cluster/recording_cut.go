//go:build fakeshift_norecord

package cluster

// recordingCutOut: this build measures the round trip without statement recording (see
// recording.go). It is not fakeshift: no statement is recorded.
const recordingCutOut = true
