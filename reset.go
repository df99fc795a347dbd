package fakeshift

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fakeshift/fakeshift/cluster"
	"github.com/fakeshift/fakeshift/redshiftapi"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/trail"
)

// ResetResult is what Reset removed, by part of the emulator, and what the seed made again.
type ResetResult struct {
	// Redshift: the clusters made through the API (stopped and deleted) and the parameter
	// groups.
	Redshift redshiftapi.ResetResult `json:"redshift"`
	// DefaultCluster: its sessions ended, its users, groups, tables and audit records.
	DefaultCluster cluster.ResetResult `json:"default_cluster"`
	// CloudTrail: its trails and records.
	CloudTrail trail.ResetResult `json:"cloudtrail"`
	// S3: the buckets with their objects, the injected faults and the refusals.
	S3 s3fake.ResetResult `json:"s3"`
	// Seeded is what the seed made again (nil without a seed).
	Seeded *SeedResult `json:"seeded,omitempty"`
}

// resetTimeout bounds the wait for the sessions a reset ends.
const resetTimeout = 30 * time.Second

// Reset empties the emulator, as if it had just started on an empty store, and applies the
// seed again:
//
//   - the clusters made through the Redshift API are stopped (their sessions get FATAL
//     57P01) and deleted with their data; the parameter groups made through the API are
//     deleted; the default cluster is back in its default parameter group, logging off;
//   - the default cluster's sessions end with FATAL 57P01, as at a reboot; its tables,
//     views and schemas are dropped, its users (but rdsdb and the master user, whose
//     password is the configured one again) and groups removed, its audit records deleted
//     (the user log starts again with the master user's creation);
//   - CloudTrail's trails and records are deleted;
//   - every bucket is deleted with its objects; S3's injected faults and refusals are
//     forgotten.
//
// What stays: the accounts and access keys, the listeners and their ports, the clock, the
// CloudTrail signing key, and the audit identifiers (pids, transaction and query ids go on
// increasing). Reset is for the quiet moment between two tests: a request or a session
// that runs meanwhile may leave something behind. It returns what it removed, also when it
// fails halfway.
func (s *Server) Reset(ctx context.Context) (*ResetResult, error) {
	s.resetMu.Lock()
	defer s.resetMu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, resetTimeout)
	defer cancel()
	res := &ResetResult{}
	var err error
	if res.Redshift, err = s.api.Reset(ctx); err != nil {
		return res, fmt.Errorf("reset: %w", err)
	}
	if res.CloudTrail, err = s.trail.Reset(); err != nil {
		return res, fmt.Errorf("reset: %w", err)
	}
	if res.DefaultCluster, err = s.cluster.Reset(ctx); err != nil {
		return res, fmt.Errorf("reset: %w", err)
	}
	if res.S3, err = s.s3.Reset(); err != nil {
		return res, fmt.Errorf("reset: %w", err)
	}
	s.log.Info("emulator reset", "clusters", len(res.Redshift.Clusters), "buckets", len(res.S3.Buckets),
		"users", len(res.DefaultCluster.Users), "audit_records", res.DefaultCluster.Records,
		"cloudtrail_events", res.CloudTrail.Events)
	if s.cfg.Seed != nil {
		if res.Seeded, err = s.applySeed(ctx, s.cfg.Seed); err != nil {
			return res, fmt.Errorf("reset: %w", err)
		}
		s.seeded.Store(res.Seeded)
	}
	return res, nil
}

// reset serves POST /_fakeshift/reset: 200 with what was removed (and seeded again), or
// 500 with the error and what was removed before it.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	res, err := s.Reset(r.Context())
	if err != nil {
		s.log.Error("reset", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": err.Error(), "removed": res})
		return
	}
	writeJSON(w, http.StatusOK, res)
}
