package redshiftapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/cluster"
	"github.com/fakeshift/fakeshift/store"
)

// clusterState is what the API keeps of a cluster, in the store.
type clusterState struct {
	ID             string    `json:"id"`
	NodeType       string    `json:"node_type"`
	NumberOfNodes  int       `json:"nodes"`
	MasterUsername string    `json:"master_user"`
	DBName         string    `json:"db"`
	Port           int       `json:"port"`       // as asked
	BoundPort      int       `json:"bound_port"` // where it listened: asked for again after a restart
	ParameterGroup string    `json:"parameter_group"`
	Created        time.Time `json:"created"`
	Tags           []Tag     `json:"tags,omitempty"`
	Encrypted      bool      `json:"encrypted,omitempty"`
	KmsKeyARN      string    `json:"kms_key,omitempty"` // of an encrypted cluster
	Public         bool      `json:"public,omitempty"`
	// AutomatedRetention and ManualRetention are the snapshot retention periods in days;
	// a state stored before they were kept reads as CreateCluster's defaults (decodeCluster).
	AutomatedRetention int `json:"automated_retention"`
	ManualRetention    int `json:"manual_retention"`
	// Default marks the binary's own cluster: the API shows it but does not make or
	// delete it.
	Default bool `json:"default,omitempty"`
	// Applied are the parameter values in effect; the group's values differ from them
	// until a reboot (all of Redshift's parameters are static).
	Applied map[string]string `json:"applied"`
	Logging loggingState      `json:"logging"`
}

// loggingState is a cluster's audit logging configuration and delivery status.
type loggingState struct {
	Configured  bool     `json:"configured,omitempty"` // logging was enabled at least once
	Enabled     bool     `json:"enabled,omitempty"`
	Bucket      string   `json:"bucket,omitempty"`
	Prefix      string   `json:"prefix,omitempty"`
	Destination string   `json:"destination,omitempty"`
	Exports     []string `json:"exports,omitempty"`
	// OwnerCanonicalID is the bucket owner when logging was enabled: delivery checks it.
	OwnerCanonicalID string     `json:"owner,omitempty"`
	LastSuccess      *time.Time `json:"last_success,omitempty"`
	LastFailure      *time.Time `json:"last_failure,omitempty"`
	LastFailureMsg   string     `json:"last_failure_message,omitempty"`
}

// groupState is a parameter group made with CreateClusterParameterGroup; the default
// groups are not stored.
type groupState struct {
	Name        string            `json:"name"`
	Family      string            `json:"family"`
	Description string            `json:"description"`
	Tags        []Tag             `json:"tags,omitempty"`
	Values      map[string]string `json:"values,omitempty"` // set by the user
}

func clusterKey(id string) []byte { return []byte("cluster/" + id) }
func groupKey(name string) []byte { return []byte("group/" + name) }

func (s *API) loadCluster(id string) (*clusterState, error) {
	b, err := s.space.Get(clusterKey(id))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, ClusterNotFound(id)
		}
		return nil, err
	}
	return decodeCluster(clusterKey(id), b)
}

// decodeCluster reads a stored cluster state. Members a state stored by an older fakeshift
// lacks keep CreateCluster's defaults (retention periods 1 and -1), not zero.
func decodeCluster(key, b []byte) (*clusterState, error) {
	st := clusterState{AutomatedRetention: defaultAutomatedRetention, ManualRetention: defaultManualRetention}
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return &st, nil
}

func (s *API) saveCluster(st *clusterState) error { return s.putJSON(clusterKey(st.ID), st) }

func (s *API) clusters() ([]*clusterState, error) {
	var out []*clusterState
	err := s.space.Scan([]byte("cluster/"), func(k, v []byte) error {
		st, err := decodeCluster(k, v)
		if err != nil {
			return err
		}
		out = append(out, st)
		return nil
	})
	return out, err
}

// loadGroup returns a parameter group: a stored one, or a default one (default.<family>).
func (s *API) loadGroup(name string) (*groupState, error) {
	for _, f := range Families() {
		if name == DefaultParameterGroupName(f) {
			return &groupState{Name: name, Family: f, Description: "Default parameter group for " + f}, nil
		}
	}
	var g groupState
	if err := s.getJSON(groupKey(name), &g); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, ClusterParameterGroupNotFound(name)
		}
		return nil, err
	}
	return &g, nil
}

func isDefaultGroup(name string) bool { return strings.HasPrefix(name, "default.") }

func (s *API) groups() ([]*groupState, error) {
	var out []*groupState
	for _, f := range Families() {
		g, _ := s.loadGroup(DefaultParameterGroupName(f))
		out = append(out, g)
	}
	err := s.space.Scan([]byte("group/"), func(_, v []byte) error {
		var g groupState
		if err := json.Unmarshal(v, &g); err != nil {
			return fmt.Errorf("decode parameter group: %w", err)
		}
		out = append(out, &g)
		return nil
	})
	slices.SortFunc(out, func(a, b *groupState) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// effective is the group's full parameter set: engine defaults with the user's values.
func (g *groupState) effective() []Parameter {
	params, _ := EngineDefaults(g.Family)
	for i := range params {
		if v, ok := g.Values[params[i].ParameterName]; ok {
			params[i].ParameterValue = v
			params[i].Source = SourceUser
		}
	}
	return params
}

func (g *groupState) values() map[string]string {
	out := map[string]string{}
	for _, p := range g.effective() {
		out[p.ParameterName] = p.ParameterValue
	}
	return out
}

// wantValues are the parameter values a reboot applies to the cluster: its group's, but for
// the default cluster require_ssl as the binary's --require-ssl says while the group does
// not set it. The cluster is in sync when its applied values are these.
func (s *API) wantValues(st *clusterState, g *groupState) map[string]string {
	want := g.values()
	if v, ok := s.binarySSL(st, g); ok {
		want["require_ssl"] = v
	}
	return want
}

// binarySSL is require_ssl as --require-ssl sets it, when the flag decides it: for the
// default cluster whose group does not set require_ssl.
func (s *API) binarySSL(st *clusterState, g *groupState) (string, bool) {
	if _, set := g.Values["require_ssl"]; !st.Default || set {
		return "", false
	}
	return strconv.FormatBool(s.cfg.DefaultCluster.RequireSSL), true
}

func (s *API) getJSON(key []byte, v any) error {
	b, err := s.space.Get(key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

func (s *API) putJSON(key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return s.space.Put(key, b)
}

// restore registers the default cluster and starts again the clusters made before a
// restart, with their applied parameters and logging.
func (s *API) restore(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.loadCluster(s.cfg.DefaultCluster.ID); err != nil {
		if err := s.saveCluster(s.newDefaultState()); err != nil {
			return err
		}
	}
	all, err := s.clusters()
	if err != nil {
		return err
	}
	for _, st := range all {
		if st.Default {
			if err := s.restoreDefault(st); err != nil {
				return err
			}
		} else {
			spec := cluster.Spec{ID: st.ID, Database: st.DBName, MasterUser: st.MasterUsername}
			_, port, err := s.cfg.Runtime.StartCluster(ctx, spec, st.BoundPort, true)
			if err != nil {
				return fmt.Errorf("restart cluster %s: %w", st.ID, err)
			}
			if port != st.BoundPort {
				s.log.Warn("cluster listens on another port than before the restart", "cluster", st.ID,
					"was", st.BoundPort, "now", port)
				st.BoundPort = port
				if err := s.saveCluster(st); err != nil {
					return err
				}
			}
		}
		c, _, ok := s.cfg.Runtime.ClusterByID(st.ID)
		if !ok {
			continue
		}
		c.ApplyParameters(maps.Clone(st.Applied))
		if st.Logging.Enabled {
			c.SetLogExports(st.Logging.Exports)
		}
	}
	return nil
}

// restoreDefault brings the default cluster's applied require_ssl to this run's
// --require-ssl where the flag decides it (wantValues); where its group sets require_ssl,
// what the last reboot applied stays.
func (s *API) restoreDefault(st *clusterState) error {
	group, err := s.loadGroup(st.ParameterGroup)
	if err != nil {
		return fmt.Errorf("restore cluster %s: %w", st.ID, err)
	}
	v, ok := s.binarySSL(st, group)
	if !ok || st.Applied["require_ssl"] == v {
		return nil
	}
	if st.Applied == nil {
		st.Applied = map[string]string{}
	}
	st.Applied["require_ssl"] = v
	return s.saveCluster(st)
}
