package redshiftapi

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/fakeshift/fakeshift/cluster"
)

// Cluster states. Transitional states appear only in the response of the call that
// causes them: the work is done when the call returns, so that botocore's waiters (which
// sleep 60 s after a non-final poll) return at once.
const (
	statusAvailable = "available"
	statusCreating  = "creating"
	statusRebooting = "rebooting"
	statusDeleting  = "deleting"
	statusModifying = "modifying"
)

// kmsKeyARN is the ARN of the KMS key an encrypted cluster uses: the KmsKeyId given (a key
// id, alias name or ARN), or the account's AWS managed key aws/redshift, whose id fakeshift
// derives from the account and region.
func (s *API) kmsKeyARN(keyID string) string {
	prefix := "arn:aws:kms:" + s.cfg.Region + ":" + s.cfg.AccountID + ":"
	switch {
	case strings.HasPrefix(keyID, "arn:"):
		return keyID
	case strings.HasPrefix(keyID, "alias/"):
		return prefix + keyID
	case keyID != "":
		return prefix + "key/" + keyID
	}
	sum := sha256.Sum256([]byte("fakeshift aws/redshift key\x00" + s.cfg.AccountID + "\x00" + s.cfg.Region))
	return prefix + "key/" + formatUUID(sum[:])
}

func (s *API) clusterARN(id string) string {
	return "arn:aws:redshift:" + s.cfg.Region + ":" + s.cfg.AccountID + ":cluster:" + id
}

// render is the API's view of a cluster in a status.
func (s *API) render(st *clusterState, status string) (Cluster, error) {
	group, err := s.loadGroup(st.ParameterGroup)
	if err != nil {
		return Cluster{}, err
	}
	cl := Cluster{
		ClusterIdentifier: st.ID, NodeType: st.NodeType, NumberOfNodes: st.NumberOfNodes, ClusterStatus: status,
		ClusterAvailabilityStatus: "Available", MasterUsername: st.MasterUsername, DBName: st.DBName,
		ClusterCreateTime: NewTimestamp(st.Created), AutomatedSnapshotRetentionPeriod: st.AutomatedRetention,
		ManualSnapshotRetentionPeriod: st.ManualRetention, ClusterVersion: clusterVersion, AllowVersionUpgrade: true,
		PubliclyAccessible: st.Public, Encrypted: st.Encrypted, KmsKeyID: st.KmsKeyARN, Tags: st.Tags,
		AvailabilityZone:           s.cfg.Region + "a",
		PreferredMaintenanceWindow: "sat:06:00-sat:06:30",
		ClusterNamespaceArn:        s.namespaceARN(st.ID),
	}
	if status == statusCreating || status == statusModifying || status == statusRebooting {
		cl.ClusterAvailabilityStatus = "Modifying"
	}
	if status == statusDeleting {
		cl.ClusterAvailabilityStatus = "Unavailable"
	}
	if status != statusCreating {
		if _, port, ok := s.cfg.Runtime.ClusterByID(st.ID); ok {
			cl.Endpoint = &Endpoint{Address: s.cfg.AdvertiseHost, Port: port}
		}
	}
	want := s.wantValues(st, group)
	gs := ClusterParameterGroupStatus{ParameterGroupName: group.Name, ParameterApplyStatus: "in-sync"}
	names := slices.Sorted(maps.Keys(want))
	for _, name := range names {
		ps := ClusterParameterStatus{ParameterName: name, ParameterApplyStatus: "in-sync"}
		if st.Applied[name] != want[name] {
			ps.ParameterApplyStatus = "pending-reboot"
			gs.ParameterApplyStatus = "pending-reboot"
		}
		gs.ClusterParameterStatusList = append(gs.ClusterParameterStatusList, ps)
	}
	cl.ClusterParameterGroups = ClusterParameterGroupStatusList{gs}
	return cl, nil
}

// namespaceID is a stable UUID-shaped id for a cluster's namespace: a hash of the cluster
// id, so that ids differing anywhere (analytics-prod-01, analytics-prod-02) get different
// namespaces and datashare ARNs.
func namespaceID(id string) string {
	sum := sha256.Sum256([]byte("fakeshift namespace\x00" + id))
	return formatUUID(sum[:])
}

// clusterVersion is the only ClusterVersion there is ("Only version 1.0 is currently
// available", API Reference).
const clusterVersion = "1.0"

// CreateCluster's default snapshot retention periods, in days (API Reference).
const (
	defaultAutomatedRetention = 1
	defaultManualRetention    = -1
)

// retentionPeriods reads and checks AutomatedSnapshotRetentionPeriod (for the node type)
// and ManualSnapshotRetentionPeriod of CreateCluster and ModifyCluster; nil when absent.
func retentionPeriods(c *call, nodeType string) (automated, manual *int, err error) {
	if automated, err = c.integer("AutomatedSnapshotRetentionPeriod"); err != nil {
		return nil, nil, err
	}
	if automated != nil {
		if e := ValidateAutomatedSnapshotRetentionPeriod(*automated, nodeType); e != nil {
			return nil, nil, e
		}
	}
	if manual, err = c.integer("ManualSnapshotRetentionPeriod"); err != nil {
		return nil, nil, err
	}
	if manual != nil {
		if e := ValidateManualSnapshotRetentionPeriod(*manual); e != nil {
			return nil, nil, e
		}
	}
	return automated, manual, nil
}

func (s *API) createCluster(c *call) (any, error) {
	p := c.p
	rawID, err := c.required("ClusterIdentifier")
	if err != nil {
		return nil, err
	}
	id, verr := ValidateClusterIdentifier(rawID)
	if verr != nil {
		return nil, verr
	}
	nodeType, err := c.required("NodeType")
	if err != nil {
		return nil, err
	}
	master, err := c.required("MasterUsername")
	if err != nil {
		return nil, err
	}
	if e := ValidateMasterUsername(master); e != nil {
		return nil, e
	}
	manage, e := c.boolean("ManageMasterPassword")
	if e != nil {
		return nil, e
	}
	password, given := p.String("MasterUserPassword")
	if e := ValidatePasswordOptions(given, manage); e != nil {
		return nil, e
	}
	if manage != nil && *manage {
		return nil, UnsupportedOperation("ManageMasterPassword (passwords kept in AWS Secrets Manager) is not supported by fakeshift")
	}
	if e := ValidateMasterUserPassword(password); e != nil {
		return nil, e
	}
	db := "dev"
	if v, ok := p.String("DBName"); ok {
		if e := ValidateDBName(v); e != nil {
			return nil, e
		}
		db = v
	}
	clusterType, _ := p.String("ClusterType")
	nodes, e := c.integer("NumberOfNodes")
	if e != nil {
		return nil, e
	}
	n, verr := ValidateClusterShape(nodeType, clusterType, nodes)
	if verr != nil {
		return nil, verr
	}
	if v, ok := p.String("ClusterVersion"); ok {
		if e := ValidateClusterVersion(v); e != nil {
			return nil, e
		}
	}
	port := DefaultPort
	if v, e := c.integer("Port"); e != nil {
		return nil, e
	} else if v != nil {
		if e := ValidatePort(*v, nodeType); e != nil {
			return nil, e
		}
		port = *v
	}
	automated, manual, err := retentionPeriods(c, nodeType)
	if err != nil {
		return nil, err
	}
	groupName := DefaultParameterGroupName(FamilyRedshift20)
	if v, ok := p.String("ClusterParameterGroupName"); ok {
		groupName = strings.ToLower(v)
	}
	group, err := s.loadGroup(groupName)
	if err != nil {
		return nil, err
	}
	tags, e := c.tags()
	if e != nil {
		return nil, e
	}
	encrypted, e := c.boolean("Encrypted")
	if e != nil {
		return nil, e
	}
	public, e := c.boolean("PubliclyAccessible")
	if e != nil {
		return nil, e
	}
	kmsKey := ""
	if encrypted != nil && *encrypted {
		keyID, _ := c.p.String("KmsKeyId")
		kmsKey = s.kmsKeyARN(keyID)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.loadCluster(id); err == nil {
		return nil, ClusterAlreadyExists()
	}
	st := &clusterState{ID: id, NodeType: nodeType, NumberOfNodes: n, MasterUsername: master, DBName: db, Port: port,
		ParameterGroup: group.Name, Created: s.cfg.Clock.Now().UTC(), Tags: tags, Encrypted: encrypted != nil && *encrypted,
		Public: public != nil && *public, KmsKeyARN: kmsKey,
		AutomatedRetention: defaultAutomatedRetention, ManualRetention: defaultManualRetention}
	if automated != nil {
		st.AutomatedRetention = *automated
	}
	if manual != nil {
		st.ManualRetention = *manual
	}
	st.Applied = s.wantValues(st, group)
	cl, bound, err := s.cfg.Runtime.StartCluster(c.ctx, cluster.Spec{ID: id, Database: db, MasterUser: master, MasterPassword: password}, port, false)
	if err != nil {
		return nil, InsufficientClusterCapacity(fmt.Sprintf("fakeshift could not start cluster %s: %v", id, err))
	}
	st.BoundPort = bound
	cl.ApplyParameters(maps.Clone(st.Applied))
	if err := s.saveCluster(st); err != nil {
		s.cfg.Runtime.StopCluster(context.WithoutCancel(c.ctx), id)
		return nil, err
	}
	out, err := s.render(st, statusCreating)
	if err != nil {
		return nil, err
	}
	out.PendingModifiedValues.MasterUserPassword = "****"
	return ClusterResult{Cluster: out}, nil
}

func (s *API) describeClusters(c *call) (any, error) {
	p := c.p
	max, marker, err := paging(c)
	if err != nil {
		return nil, err
	}
	var list []*clusterState
	if v, ok := p.String("ClusterIdentifier"); ok {
		st, err := s.loadCluster(strings.ToLower(v))
		if err != nil {
			return nil, err
		}
		list = []*clusterState{st}
	} else {
		all, err := s.clusters()
		if err != nil {
			return nil, err
		}
		list = all
	}
	tagKeys, tagValues := p.List("TagKeys"), p.List("TagValues")
	list = slices.DeleteFunc(list, func(st *clusterState) bool { return !hasTag(st.Tags, tagKeys, tagValues) })
	items, next := page(list, func(st *clusterState) string { return st.ID }, marker, max)
	res := DescribeClustersResult{Clusters: ClusterList{}, Marker: next}
	for _, st := range items {
		cl, err := s.render(st, statusAvailable)
		if err != nil {
			return nil, err
		}
		res.Clusters = append(res.Clusters, cl)
	}
	return res, nil
}

// hasTag applies DescribeClusters' TagKeys and TagValues filters: a cluster matches when
// one of its tags has one of the keys (and one of the values), or when there is no filter.
func hasTag(tags []Tag, keys, values []string) bool {
	if len(keys) == 0 && len(values) == 0 {
		return true
	}
	for _, t := range tags {
		if (len(keys) == 0 || slices.Contains(keys, t.Key)) && (len(values) == 0 || slices.Contains(values, t.Value)) {
			return true
		}
	}
	return false
}

// running returns a cluster's state and its running cluster.
func (s *API) running(c *call) (*clusterState, *cluster.Cluster, error) {
	raw, err := c.required("ClusterIdentifier")
	if err != nil {
		return nil, nil, err
	}
	st, err := s.loadCluster(strings.ToLower(raw))
	if err != nil {
		return nil, nil, err
	}
	cl, _, ok := s.cfg.Runtime.ClusterByID(st.ID)
	if !ok {
		return nil, nil, InvalidClusterState(fmt.Sprintf("The cluster %s is not running.", st.ID))
	}
	return st, cl, nil
}

// modifyClusterParams are the parameters ModifyCluster takes: those it applies, and the
// protocol's. Any other answers UnsupportedOperation, not a success that changed nothing.
var modifyClusterParams = map[string]bool{"Action": true, "Version": true, "ClusterIdentifier": true,
	"ClusterParameterGroupName": true, "MasterUserPassword": true, "AutomatedSnapshotRetentionPeriod": true,
	"ManualSnapshotRetentionPeriod": true}

func (s *API) modifyCluster(c *call) (any, error) {
	for _, name := range c.p.names() {
		if !modifyClusterParams[name] {
			return nil, UnsupportedOperation("ModifyCluster of " + name + " is not supported by fakeshift")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, cl, err := s.running(c)
	if err != nil {
		return nil, err
	}
	automated, manual, err := retentionPeriods(c, st.NodeType)
	if err != nil {
		return nil, err
	}
	if automated != nil {
		st.AutomatedRetention = *automated
	}
	if manual != nil {
		st.ManualRetention = *manual
	}
	if v, ok := c.p.String("ClusterParameterGroupName"); ok {
		group, err := s.loadGroup(strings.ToLower(v))
		if err != nil {
			return nil, err
		}
		st.ParameterGroup = group.Name
	}
	password, newPassword := c.p.String("MasterUserPassword")
	if newPassword {
		if e := ValidateMasterUserPassword(password); e != nil {
			return nil, e
		}
		if err := cl.SetMasterPassword(password); err != nil {
			return nil, err
		}
	}
	if err := s.saveCluster(st); err != nil {
		return nil, err
	}
	out, err := s.render(st, statusAvailable)
	if err != nil {
		return nil, err
	}
	if newPassword {
		out.PendingModifiedValues.MasterUserPassword = "****"
	}
	return ClusterResult{Cluster: out}, nil
}

// rebootCluster ends the cluster's sessions (FATAL 57P01, each with its disconnecting
// record) and applies its parameter group's values.
func (s *API) rebootCluster(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, cl, err := s.running(c)
	if err != nil {
		return nil, err
	}
	group, err := s.loadGroup(st.ParameterGroup)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 30*time.Second)
	defer cancel()
	if err := cl.Reboot(ctx); err != nil {
		return nil, err
	}
	st.Applied = s.wantValues(st, group)
	cl.ApplyParameters(maps.Clone(st.Applied))
	if err := s.saveCluster(st); err != nil {
		return nil, err
	}
	out, err := s.render(st, statusRebooting)
	if err != nil {
		return nil, err
	}
	return ClusterResult{Cluster: out}, nil
}

func (s *API) deleteCluster(c *call) (any, error) {
	skip, e := c.boolean("SkipFinalClusterSnapshot")
	if e != nil {
		return nil, e
	}
	_, final := c.p.String("FinalClusterSnapshotIdentifier")
	switch {
	case (skip == nil || !*skip) && !final:
		return nil, InvalidParameterCombination("FinalClusterSnapshotIdentifier is required unless SkipFinalClusterSnapshot is specified.")
	case skip != nil && *skip && final:
		return nil, InvalidParameterCombination("FinalClusterSnapshotIdentifier must not be specified when SkipFinalClusterSnapshot is true.")
	case final:
		return nil, UnsupportedOperation("Final cluster snapshots are not supported by fakeshift; use SkipFinalClusterSnapshot")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _, err := s.running(c)
	if err != nil {
		return nil, err
	}
	if st.Default {
		return nil, UnsupportedOperation("The default cluster " + st.ID + " lives as long as the fakeshift process; fakeshift does not delete it")
	}
	out, err := s.render(st, statusDeleting)
	if err != nil {
		return nil, err
	}
	out.Endpoint = nil
	if err := s.removeCluster(c.ctx, st.ID); err != nil {
		return nil, err
	}
	if err := s.space.Delete(clusterKey(st.ID)); err != nil {
		return nil, err
	}
	return ClusterResult{Cluster: out}, nil
}

// removeCluster stops a cluster made through the API and deletes what it kept (DeleteCluster,
// Reset). A cluster that does not stop in 30 s is only warned about: its data goes anyway.
func (s *API) removeCluster(ctx context.Context, id string) error {
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.cfg.Runtime.StopCluster(stopCtx, id); err != nil {
		s.log.Warn("stop cluster to remove it", "cluster", id, "err", err)
	}
	return s.cfg.Runtime.DeleteClusterData(id) // the Runtime's errors name the cluster
}

func (s *API) getClusterCredentials(c *call) (any, error) {
	user, err := c.required("DbUser")
	if err != nil {
		return nil, err
	}
	if e := ValidateDbUser(user); e != nil {
		return nil, e
	}
	if !c.p.Has("ClusterIdentifier") {
		if c.p.Has("CustomDomainName") {
			return nil, UnsupportedOperation("CustomDomainName is not supported by fakeshift")
		}
		return nil, MissingParameter("ClusterIdentifier")
	}
	if v, ok := c.p.String("DbName"); ok {
		if e := ValidateCredentialsDbName(v); e != nil {
			return nil, e
		}
	}
	duration := MinDurationSeconds
	if v, e := c.integer("DurationSeconds"); e != nil {
		return nil, e
	} else if v != nil {
		if e := ValidateDurationSeconds(*v); e != nil {
			return nil, e
		}
		duration = *v
	}
	auto, e := c.boolean("AutoCreate")
	if e != nil {
		return nil, e
	}
	groups := c.p.List("DbGroups")
	if e := ValidateDbGroups(groups); e != nil {
		return nil, e
	}
	_, cl, err := s.running(c)
	if err != nil {
		return nil, err
	}
	creds, err := cl.IssueCredentials(cluster.CredentialRequest{DbUser: user, AutoCreate: auto != nil && *auto,
		DbGroups: groups, Duration: time.Duration(duration) * time.Second, RequestID: c.reqID})
	if err != nil {
		return nil, err
	}
	return ClusterCredentials{DbUser: creds.DbUser, DbPassword: creds.DbPassword, Expiration: Timestamp(creds.Expiration)}, nil
}
