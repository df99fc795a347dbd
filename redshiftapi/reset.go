package redshiftapi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// ResetResult is what Reset removed.
type ResetResult struct {
	// Clusters are the clusters made through the API, stopped and deleted with their data.
	Clusters []string `json:"clusters"`
	// ParameterGroups are the parameter groups made through the API.
	ParameterGroups []string `json:"parameter_groups"`
}

// Reset empties what the API keeps: every cluster made through it is stopped (its sessions
// end with FATAL 57P01) and deleted with its users, records and tables, as DeleteCluster
// deletes one; every parameter group made through it is deleted; and the default cluster
// is as at first start: in its default parameter group with the engine's defaults applied
// (require_ssl as the binary's flag says), logging never enabled. The default cluster's own
// users, tables and records are the caller's to reset (cluster.Cluster.Reset). Reset waits
// for a delivery under way.
func (s *API) Reset(ctx context.Context) (ResetResult, error) {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	res := ResetResult{Clusters: []string{}, ParameterGroups: []string{}}
	all, err := s.clusters()
	if err != nil {
		return res, fmt.Errorf("reset Redshift API: %w", err)
	}
	groups, err := s.groups()
	if err != nil {
		return res, fmt.Errorf("reset Redshift API: %w", err)
	}
	var errs []error
	for _, st := range all {
		if st.Default {
			continue
		}
		if err := s.removeCluster(ctx, st.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		res.Clusters = append(res.Clusters, st.ID)
	}
	for _, g := range groups {
		if !isDefaultGroup(g.Name) {
			res.ParameterGroups = append(res.ParameterGroups, g.Name)
		}
	}
	slices.Sort(res.Clusters)
	if _, err := s.space.DeletePrefix(nil); err != nil {
		return res, fmt.Errorf("reset Redshift API: %w", errors.Join(append(errs, err)...))
	}
	def := s.newDefaultState()
	if err := s.saveCluster(def); err != nil {
		return res, fmt.Errorf("reset Redshift API: %w", errors.Join(append(errs, err)...))
	}
	if c, _, ok := s.cfg.Runtime.ClusterByID(def.ID); ok {
		c.ApplyParameters(maps.Clone(def.Applied))
		c.SetLogExports(nil)
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("reset Redshift API: %w", err)
	}
	return res, nil
}

// newDefaultState is the API's state of the default cluster when it is first seen: the
// default parameter group of redshift-2.0 applied, with the binary's require_ssl.
func (s *API) newDefaultState() *clusterState {
	d := s.cfg.DefaultCluster
	group, _ := s.loadGroup(DefaultParameterGroupName(FamilyRedshift20))
	st := &clusterState{ID: d.ID, NodeType: "ra3.large", NumberOfNodes: 1, MasterUsername: d.MasterUser,
		DBName: d.Database, Port: DefaultPort, ParameterGroup: group.Name, Created: s.cfg.Clock.Now().UTC(),
		Default: true, AutomatedRetention: defaultAutomatedRetention, ManualRetention: defaultManualRetention}
	st.Applied = s.wantValues(st, group)
	return st
}
