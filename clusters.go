package fakeshift

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/fakeshift/fakeshift/cluster"
	"github.com/fakeshift/fakeshift/pgwire"
)

// portRange is where clusters made through the API listen; lo == 0 means any free port.
type portRange struct{ lo, hi int }

// parsePortRange reads "5440-5459", a single port, or "0" (any free port).
func parsePortRange(s string) (portRange, error) {
	if s == "0" {
		return portRange{}, nil
	}
	loS, hiS, isRange := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(loS))
	hi := lo
	var err2 error
	if isRange {
		hi, err2 = strconv.Atoi(strings.TrimSpace(hiS))
	}
	if err1 != nil || err2 != nil || lo < 1 || hi > 65535 || hi < lo {
		return portRange{}, fmt.Errorf("cluster ports %q: want a range like 5440-5459, one port, or 0 for any free port", s)
	}
	return portRange{lo, hi}, nil
}

// runningCluster is a cluster the server serves.
type runningCluster struct {
	c    *cluster.Cluster
	ln   net.Listener
	port int
	done chan struct{}
}

// clusterSpec fills what the server provides to every cluster: store, engine, TLS, clock,
// logger, account and region.
func (s *Server) clusterSpec(spec cluster.Spec) cluster.Spec {
	spec.Store = s.db
	spec.OpenEngine = s.engineOpener(spec.ID)
	spec.TLS = s.tls
	spec.Clock = s.cfg.Clock
	spec.Logger = s.cfg.Logger
	spec.AccountID = s.cfg.AccountID
	spec.Region = s.cfg.Region
	spec.EchoAudit = s.cfg.EchoAudit
	spec.WALDir = s.walDir()
	return spec
}

// StartCluster builds a cluster from spec (the server fills in its store, engine, TLS,
// clock and logger) and serves it: on port when port is in the cluster port range (any
// port, with range "0") and free, else on the first free port of the range (any free port). It returns the port it listens on.
//
// restart marks a cluster coming back after a restart: it asks for the port it had, which
// with range "0" is honoured too when free (a new cluster there gets any free port).
func (s *Server) StartCluster(ctx context.Context, spec cluster.Spec, port int, restart bool) (*cluster.Cluster, int, error) {
	s.clustersMu.Lock()
	defer s.clustersMu.Unlock()
	if _, ok := s.clusters[spec.ID]; ok {
		return nil, 0, fmt.Errorf("cluster %s is already running", spec.ID)
	}
	ln, err := s.listenClusterPort(ctx, port, restart)
	if err != nil {
		return nil, 0, fmt.Errorf("cluster %s: %w", spec.ID, err)
	}
	c, err := cluster.New(ctx, s.clusterSpec(spec))
	if err != nil {
		ln.Close()
		return nil, 0, err
	}
	rc := &runningCluster{c: c, ln: ln, port: ln.Addr().(*net.TCPAddr).Port, done: make(chan struct{})}
	s.clusters[spec.ID] = rc
	go func() {
		defer close(rc.done)
		if err := c.Serve(ln); err != nil && !errors.Is(err, pgwire.ErrServerClosed) {
			s.log.Error("cluster endpoint stopped", "cluster", spec.ID, "err", err)
		}
	}()
	return c, rc.port, nil
}

// listenClusterPort listens on a port of the cluster range: the wanted one if it can.
func (s *Server) listenClusterPort(ctx context.Context, want int, restart bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(s.cfg.PGAddr)
	if err != nil {
		host = ""
	}
	var lc net.ListenConfig
	r := s.ports
	if r.lo == 0 {
		if restart && want > 0 {
			if ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(want))); err == nil {
				return ln, nil
			}
		}
		return lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	}
	if want >= r.lo && want <= r.hi {
		if ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(want))); err == nil {
			return ln, nil
		}
	}
	for p := r.lo; p <= r.hi; p++ {
		if ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(p))); err == nil {
			return ln, nil
		}
	}
	return nil, fmt.Errorf("no free port in the cluster port range %d-%d", r.lo, r.hi)
}

// StopCluster ends a cluster started with StartCluster: its sessions end with FATAL
// 57P01 and its listener closes.
func (s *Server) StopCluster(ctx context.Context, id string) error {
	s.clustersMu.Lock()
	rc, ok := s.clusters[id]
	delete(s.clusters, id)
	s.clustersMu.Unlock()
	if !ok {
		return fmt.Errorf("cluster %s is not running", id)
	}
	err := rc.c.Shutdown(ctx)
	<-rc.done
	return err
}

// DeleteClusterData removes what a stopped cluster kept: its store spaces and its engine
// files.
func (s *Server) DeleteClusterData(id string) error {
	if err := cluster.DeleteData(s.db, id, s.walDir()); err != nil {
		return err
	}
	if s.cfg.DataDir != "" {
		if err := os.RemoveAll(filepath.Join(s.cfg.DataDir, "clusters", id)); err != nil {
			return fmt.Errorf("delete engine files of %s: %w", id, err)
		}
	}
	return nil
}

// ClusterByID returns a running cluster, the default one included, and its port.
func (s *Server) ClusterByID(id string) (*cluster.Cluster, int, bool) {
	if id == s.cfg.ClusterID {
		return s.cluster, s.pgLn.Addr().(*net.TCPAddr).Port, true
	}
	s.clustersMu.Lock()
	defer s.clustersMu.Unlock()
	rc, ok := s.clusters[id]
	if !ok {
		return nil, 0, false
	}
	return rc.c, rc.port, true
}

// stopClusters stops every cluster started with StartCluster.
func (s *Server) stopClusters(ctx context.Context) error {
	s.clustersMu.Lock()
	ids := make([]string, 0, len(s.clusters))
	for id := range s.clusters {
		ids = append(ids, id)
	}
	s.clustersMu.Unlock()
	var errs []error
	for _, id := range ids {
		if err := s.StopCluster(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// clusterIDs lists the running clusters, the default one first.
func (s *Server) clusterIDs() []string {
	s.clustersMu.Lock()
	defer s.clustersMu.Unlock()
	ids := []string{s.cfg.ClusterID}
	for id := range s.clusters {
		ids = append(ids, id)
	}
	slices.Sort(ids[1:])
	return ids
}

// walDir is where the clusters' audit loggers keep their write-ahead logs of records: under
// the data directory (none in memory).
func (s *Server) walDir() string {
	if s.cfg.DataDir == "" {
		return ""
	}
	return filepath.Join(s.cfg.DataDir, "wal")
}
