package fakeshift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	rstypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/jackc/pgx/v5"
	"go.yaml.in/yaml/v3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/redshiftapi"
)

// Seed is what fakeshift makes when it starts, and again after each reset: accounts and
// their access keys, buckets with their policies, clusters, and users of the default
// cluster. It is made through the paths a client's requests take: buckets and clusters
// with signed S3 and Redshift API calls (recorded by CloudTrail, as fakeshift-seed), users
// and groups with CREATE GROUP and CREATE USER in a session of the master user
// (application_name fakeshift-seed, in the audit log). Keys are added to the accounts
// directly (fakeshift has no IAM API). What is already there (a restart with a data dir)
// is left alone: a bucket, a cluster made through the API, a parameter group, a user or a
// group of that name is not changed. The default cluster is configured if it is not yet:
// put in the entry's parameter group and rebooted, logging enabled.
//
// A seed file is YAML or JSON (LoadSeed); the field names are those of the yaml tags.
type Seed struct {
	Accounts []SeedAccount `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	Buckets  []SeedBucket  `json:"buckets,omitempty" yaml:"buckets,omitempty"`
	Clusters []SeedCluster `json:"clusters,omitempty" yaml:"clusters,omitempty"`
	// Users are users of the default cluster.
	Users []SeedUser `json:"users,omitempty" yaml:"users,omitempty"`
}

// SeedAccount is an AWS account and its access keys.
type SeedAccount struct {
	ID   string    `json:"id" yaml:"id"`
	Keys []SeedKey `json:"keys,omitempty" yaml:"keys,omitempty"`
}

// SeedKey is an access key. Identity is the ARN of the IAM user or assumed role it stands
// for (CloudTrail's userIdentity); empty means the account's root user.
type SeedKey struct {
	AccessKeyID     string `json:"access_key_id" yaml:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key" yaml:"secret_access_key"`
	Identity        string `json:"identity,omitempty" yaml:"identity,omitempty"`
}

// String describes the key without its secret.
func (k SeedKey) String() string { return "key " + k.AccessKeyID }

// SeedBucket is an S3 bucket.
type SeedBucket struct {
	Name string `json:"name" yaml:"name"`
	// Owner is the account that makes it; empty means the default account. The account
	// needs an access key (the built-in ones have them).
	Owner string `json:"owner,omitempty" yaml:"owner,omitempty"`
	// Policy is the bucket policy: a JSON document, as a string or (in YAML and JSON
	// files) as a mapping.
	Policy PolicyDocument `json:"policy,omitempty" yaml:"policy,omitempty"`
	// Encryption is the default encryption: AES256 (S3's default), aws:kms or aws:kms:dsse,
	// with KMSKeyID.
	Encryption string `json:"encryption,omitempty" yaml:"encryption,omitempty"`
	KMSKeyID   string `json:"kms_key_id,omitempty" yaml:"kms_key_id,omitempty"`
	// ObjectOwnership is BucketOwnerEnforced (the default), BucketOwnerPreferred or
	// ObjectWriter.
	ObjectOwnership string `json:"object_ownership,omitempty" yaml:"object_ownership,omitempty"`
	// ObjectLock makes the bucket with Object Lock enabled.
	ObjectLock bool `json:"object_lock,omitempty" yaml:"object_lock,omitempty"`
}

// SeedCluster is a cluster made with CreateCluster or, when ID is the default cluster's,
// the default cluster's configuration (then only ParameterGroup, Parameters and Logging
// may be set).
type SeedCluster struct {
	ID string `json:"id" yaml:"id"`
	// NodeType defaults to ra3.large; Nodes to 1 (a single-node cluster).
	NodeType string `json:"node_type,omitempty" yaml:"node_type,omitempty"`
	Nodes    int    `json:"nodes,omitempty" yaml:"nodes,omitempty"`
	// MasterUser defaults to awsuser; MasterPassword is required (Redshift's password
	// rules); Database defaults to dev; Port to 5439 (the cluster port range decides).
	MasterUser     string `json:"master_user,omitempty" yaml:"master_user,omitempty"`
	MasterPassword string `json:"master_password,omitempty" yaml:"master_password,omitempty"`
	Database       string `json:"database,omitempty" yaml:"database,omitempty"`
	Port           int    `json:"port,omitempty" yaml:"port,omitempty"`
	// ParameterGroup is the cluster's parameter group, made (family redshift-2.0) with
	// Parameters if it does not exist. Parameters without a ParameterGroup make a group
	// named <id>-parameters.
	ParameterGroup string            `json:"parameter_group,omitempty" yaml:"parameter_group,omitempty"`
	Parameters     map[string]string `json:"parameters,omitempty" yaml:"parameters,omitempty"`
	// Logging enables audit logging to a bucket (EnableLogging).
	Logging *SeedLogging `json:"logging,omitempty" yaml:"logging,omitempty"`
}

// String describes the cluster without its password.
func (c SeedCluster) String() string { return "cluster " + c.ID }

// SeedLogging is a cluster's audit logging: the bucket (which must let Redshift write, see
// fixtures.RedshiftLoggingPolicy), the key prefix, and the logs exported (connectionlog,
// userlog, useractivitylog; empty means all three).
type SeedLogging struct {
	Bucket  string   `json:"bucket" yaml:"bucket"`
	Prefix  string   `json:"prefix,omitempty" yaml:"prefix,omitempty"`
	Exports []string `json:"log_exports,omitempty" yaml:"log_exports,omitempty"`
}

// SeedUser is a user of the default cluster. Password is clear text (Redshift's rules),
// md5<32 hex digits> or sha256|...; empty means PASSWORD DISABLE. Superuser is CREATEUSER.
// Groups are made if they do not exist.
type SeedUser struct {
	Name      string   `json:"name" yaml:"name"`
	Password  string   `json:"password,omitempty" yaml:"password,omitempty"`
	Superuser bool     `json:"superuser,omitempty" yaml:"superuser,omitempty"`
	Groups    []string `json:"groups,omitempty" yaml:"groups,omitempty"`
}

// String describes the user without the password.
func (u SeedUser) String() string { return "user " + u.Name }

// PolicyDocument is a JSON policy document. In a seed file it may be written as a string
// holding the JSON, or as a mapping (YAML or JSON), which is turned into JSON.
type PolicyDocument string

// UnmarshalYAML takes a string or a mapping.
func (p *PolicyDocument) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*p = PolicyDocument(n.Value)
		return nil
	}
	v, err := yamlJSON(n)
	if err != nil {
		return fmt.Errorf("policy at line %d: %w", n.Line, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("policy at line %d: %w", n.Line, err)
	}
	*p = PolicyDocument(b)
	return nil
}

// yamlJSON turns a YAML node into the JSON value it reads as: a scalar that YAML would
// take for a date (Version: 2012-10-17) stays the text it is, numbers keep their digits.
func yamlJSON(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlJSON(n.Content[0])
	case yaml.AliasNode:
		return yamlJSON(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlJSON(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := yamlJSON(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return json.Number(n.Value), nil
		}
	}
	return n.Value, nil
}

// UnmarshalJSON takes a string or an object.
func (p *PolicyDocument) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*p = PolicyDocument(s)
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("policy: want a JSON object or a string holding one")
	}
	*p = PolicyDocument(bytes.TrimSpace(b))
	return nil
}

// LoadSeed reads a seed file (ParseSeed).
func LoadSeed(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	sd, err := ParseSeed(b)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return sd, nil
}

// ParseSeed reads a seed document: JSON when it starts with '{', YAML otherwise. A field
// the Seed does not have is an error.
func ParseSeed(data []byte) (*Seed, error) {
	var sd Seed
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&sd); err != nil {
			return nil, fmt.Errorf("parse JSON: %w", err)
		}
		if dec.More() {
			return nil, errors.New("parse JSON: more than one document")
		}
		return &sd, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sd); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	var more any
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, errors.New("parse YAML: more than one document")
	}
	return &sd, nil
}

var (
	dbUserPattern = regexp.MustCompile(`^[a-z_][a-z0-9_$]{0,126}$`)
	logExports    = []string{redshiftapi.LogTypeConnection, redshiftapi.LogTypeUser, redshiftapi.LogTypeUserActivity}
)

// check validates the seed against the configuration: every error names its entry.
func (sd *Seed) check(cfg Config) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	accounts := map[string]bool{cfg.AccountID: true, auth.SecondAccountID: true}
	keys := map[string]bool{}
	for i, a := range sd.Accounts {
		at := fmt.Sprintf("accounts[%d] (%s)", i, a.ID)
		if !accountPattern.MatchString(a.ID) {
			bad("%s: account id must be 12 digits", at)
		}
		accounts[a.ID] = true
		for j, k := range a.Keys {
			kt := fmt.Sprintf("%s keys[%d] (%s)", at, j, k.AccessKeyID)
			if keys[k.AccessKeyID] {
				bad("%s: access key id listed twice", kt)
			}
			keys[k.AccessKeyID] = true
			if _, err := k.key(a.ID); err != nil {
				bad("%s: %v", kt, err)
			}
		}
	}
	buckets := map[string]bool{}
	for i, b := range sd.Buckets {
		at := fmt.Sprintf("buckets[%d] %q", i, b.Name)
		switch {
		case b.Name == "":
			bad("%s: no name", at)
		case buckets[b.Name]:
			bad("%s: listed twice", at)
		}
		buckets[b.Name] = true
		if b.Owner != "" && !accounts[b.Owner] {
			bad("%s: owner %s is not an account (the default one, 111122223333, or one under accounts)", at, b.Owner)
		}
		if b.Policy != "" && !json.Valid([]byte(b.Policy)) {
			bad("%s: the policy is not a JSON document", at)
		}
		switch b.Encryption {
		case "", "AES256", "aws:kms", "aws:kms:dsse":
		default:
			bad("%s: encryption %q: want AES256, aws:kms or aws:kms:dsse", at, b.Encryption)
		}
		if b.KMSKeyID != "" && !strings.HasPrefix(b.Encryption, "aws:kms") {
			bad("%s: kms_key_id needs encryption aws:kms or aws:kms:dsse", at)
		}
		switch b.ObjectOwnership {
		case "", "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
		default:
			bad("%s: object_ownership %q: want BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter", at, b.ObjectOwnership)
		}
	}
	clusters := map[string]bool{}
	for i, c := range sd.Clusters {
		at := fmt.Sprintf("clusters[%d] %q", i, c.ID)
		if len(c.ID) > 63 || !clusterIDPattern.MatchString(c.ID) {
			bad("%s: cluster id must be 1-63 lower-case letters, digits and single hyphens, starting with a letter", at)
		}
		if clusters[c.ID] {
			bad("%s: listed twice", at)
		}
		clusters[c.ID] = true
		if c.ID == cfg.ClusterID {
			if c.NodeType != "" || c.Nodes != 0 || c.MasterUser != "" || c.MasterPassword != "" || c.Database != "" || c.Port != 0 {
				bad("%s: the default cluster takes only parameter_group, parameters and logging (its master user, password and database are flags)", at)
			}
		} else if c.MasterPassword == "" {
			bad("%s: master_password is required", at)
		}
		if c.Logging != nil {
			if c.Logging.Bucket == "" {
				bad("%s: logging needs a bucket", at)
			}
			for _, e := range c.Logging.Exports {
				if !slices.Contains(logExports, e) {
					bad("%s: log export %q: want connectionlog, userlog or useractivitylog", at, e)
				}
			}
		}
	}
	users := map[string]bool{}
	for i, u := range sd.Users {
		at := fmt.Sprintf("users[%d] %q", i, u.Name)
		switch {
		case !dbUserPattern.MatchString(u.Name):
			bad("%s: a user name is 1-127 lower-case letters, digits, _ or $, not starting with a digit", at)
		case u.Name == cfg.MasterUser || u.Name == "rdsdb":
			bad("%s: the master user and rdsdb exist already", at)
		case users[u.Name]:
			bad("%s: listed twice", at)
		}
		users[u.Name] = true
		if strings.ContainsAny(u.Password, `'\`) {
			bad("%s: the password contains ' or \\", at)
		}
		for _, g := range u.Groups {
			if !dbUserPattern.MatchString(g) {
				bad("%s: group %q: a group name is lower-case letters, digits, _ or $, not starting with a digit", at, g)
			}
		}
	}
	return errors.Join(errs...)
}

// key is the auth key of a seed key of account.
func (k SeedKey) key(account string) (auth.Key, error) {
	key := auth.Key{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, AccountID: account}
	if k.Identity != "" {
		var err error
		if key, err = auth.NewKey(k.AccessKeyID, k.SecretAccessKey, k.Identity); err != nil {
			return key, err
		}
		if key.AccountID != account {
			return key, fmt.Errorf("identity %s is not in account %s", k.Identity, account)
		}
	}
	if k.AccessKeyID == "" || k.SecretAccessKey == "" {
		return key, errors.New("an access key needs access_key_id and secret_access_key")
	}
	return key, nil
}

// addSeedAccounts adds the seed's accounts and keys to the directory.
func (s *Server) addSeedAccounts(sd *Seed) error {
	for i, a := range sd.Accounts {
		if _, err := s.dir.AddAccount(auth.Account{ID: a.ID}); err != nil {
			return fmt.Errorf("seed accounts[%d] (%s): %w", i, a.ID, err)
		}
		for j, k := range a.Keys {
			key, err := k.key(a.ID)
			if err == nil {
				err = s.dir.AddKey(key)
			}
			if err != nil {
				return fmt.Errorf("seed accounts[%d] (%s) keys[%d] (%s): %w", i, a.ID, j, k.AccessKeyID, err)
			}
		}
	}
	return nil
}

// SeedResult is what applying a seed made, and what it found there already and left
// alone (Kept: "bucket logs", "cluster analytics", "user alice", ...).
type SeedResult struct {
	Buckets  []string `json:"buckets"`
	Clusters []string `json:"clusters"`
	Groups   []string `json:"groups"`
	Users    []string `json:"users"`
	Kept     []string `json:"kept"`
}

// applySeed makes what the seed lists and is not there: buckets, clusters (and the
// default cluster's configuration), groups and users, in that order. Each error names the
// seed entry.
func (s *Server) applySeed(ctx context.Context, sd *Seed) (*SeedResult, error) {
	res := &SeedResult{Buckets: []string{}, Clusters: []string{}, Groups: []string{}, Users: []string{}, Kept: []string{}}
	if sd == nil {
		return res, nil
	}
	for i, b := range sd.Buckets {
		if err := s.seedBucket(ctx, b, res); err != nil {
			return res, fmt.Errorf("seed buckets[%d] %q: %w", i, b.Name, err)
		}
	}
	for i, c := range sd.Clusters {
		if err := s.seedCluster(ctx, c, res); err != nil {
			return res, fmt.Errorf("seed clusters[%d] %q: %w", i, c.ID, err)
		}
	}
	if err := s.seedUsers(ctx, sd.Users, res); err != nil {
		return res, err
	}
	s.log.Info("seed applied", "buckets", len(res.Buckets), "clusters", len(res.Clusters), "groups", len(res.Groups),
		"users", len(res.Users), "kept", len(res.Kept))
	return res, nil
}

// seedAppID names the seed's calls in their user agent (and so in CloudTrail).
const seedAppID = "fakeshift-seed"

// accountKey is a key of the account, to sign the seed's calls as that account.
func (s *Server) accountKey(account string) (auth.Key, error) {
	keys := s.dir.Keys(account)
	for _, k := range keys {
		if k.Identity.Type == auth.IdentityRoot {
			return k, nil
		}
	}
	if len(keys) > 0 {
		return keys[0], nil
	}
	return auth.Key{}, fmt.Errorf("account %s has no access key (give it one under accounts)", account)
}

func (s *Server) seedS3(k auth.Key) *s3.Client {
	return s3.New(s3.Options{Region: s.cfg.Region, AppID: seedAppID, UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.Endpoints().HTTP), HTTPClient: &http.Client{Transport: frontDoorTransport{s.http.Handler}}})
}

func (s *Server) seedRedshift(k auth.Key) *redshift.Client {
	return redshift.New(redshift.Options{Region: s.cfg.Region, AppID: seedAppID,
		Credentials:  credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.Endpoints().HTTP), HTTPClient: &http.Client{Transport: frontDoorTransport{s.http.Handler}}})
}

func (s *Server) seedBucket(ctx context.Context, b SeedBucket, res *SeedResult) error {
	facts, err := s.s3.BucketFacts(b.Name)
	if err != nil {
		return err
	}
	if facts.Exists {
		res.Kept = append(res.Kept, "bucket "+b.Name)
		return nil
	}
	owner := b.Owner
	if owner == "" {
		owner = s.cfg.AccountID
	}
	key, err := s.accountKey(owner)
	if err != nil {
		return err
	}
	cl := s.seedS3(key)
	in := &s3.CreateBucketInput{Bucket: aws.String(b.Name)}
	if s.cfg.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(s.cfg.Region)}
	}
	if b.ObjectOwnership != "" {
		in.ObjectOwnership = s3types.ObjectOwnership(b.ObjectOwnership)
	}
	if b.ObjectLock {
		in.ObjectLockEnabledForBucket = aws.Bool(true)
	}
	if _, err := cl.CreateBucket(ctx, in); err != nil {
		return fmt.Errorf("CreateBucket: %w", err)
	}
	if b.Policy != "" {
		if _, err := cl.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b.Name), Policy: aws.String(string(b.Policy))}); err != nil {
			return fmt.Errorf("PutBucketPolicy: %w", err)
		}
	}
	if b.Encryption != "" {
		rule := s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(b.Encryption)}
		if b.KMSKeyID != "" {
			rule.KMSMasterKeyID = aws.String(b.KMSKeyID)
		}
		_, err := cl.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(b.Name),
			ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &rule}}}})
		if err != nil {
			return fmt.Errorf("PutBucketEncryption: %w", err)
		}
	}
	res.Buckets = append(res.Buckets, b.Name)
	return nil
}

func (s *Server) seedCluster(ctx context.Context, c SeedCluster, res *SeedResult) error {
	key, err := s.accountKey(s.cfg.AccountID)
	if err != nil {
		return err
	}
	cl := s.seedRedshift(key)
	described, err := cl.DescribeClusters(ctx, &redshift.DescribeClustersInput{ClusterIdentifier: aws.String(c.ID)})
	var notFound *rstypes.ClusterNotFoundFault
	exists := err == nil && len(described.Clusters) == 1
	if err != nil && !errors.As(err, &notFound) {
		return fmt.Errorf("DescribeClusters: %w", err)
	}
	isDefault := c.ID == s.cfg.ClusterID
	if isDefault && !exists {
		return fmt.Errorf("DescribeClusters did not find the default cluster")
	}
	if exists && !isDefault {
		res.Kept = append(res.Kept, "cluster "+c.ID)
		return nil
	}
	group, err := s.seedParameterGroup(ctx, cl, c, res)
	if err != nil {
		return err
	}
	changed := false
	if isDefault {
		if group != "" && !slices.ContainsFunc(described.Clusters[0].ClusterParameterGroups, func(g rstypes.ClusterParameterGroupStatus) bool {
			return aws.ToString(g.ParameterGroupName) == group
		}) {
			if _, err := cl.ModifyCluster(ctx, &redshift.ModifyClusterInput{ClusterIdentifier: aws.String(c.ID),
				ClusterParameterGroupName: aws.String(group)}); err != nil {
				return fmt.Errorf("ModifyCluster: %w", err)
			}
			// The parameters take effect at the reboot, as in Redshift.
			if _, err := cl.RebootCluster(ctx, &redshift.RebootClusterInput{ClusterIdentifier: aws.String(c.ID)}); err != nil {
				return fmt.Errorf("RebootCluster: %w", err)
			}
			changed = true
		}
	} else {
		in := &redshift.CreateClusterInput{ClusterIdentifier: aws.String(c.ID), NodeType: aws.String(c.NodeType),
			MasterUsername: aws.String(c.MasterUser), MasterUserPassword: aws.String(c.MasterPassword)}
		if c.NodeType == "" {
			in.NodeType = aws.String("ra3.large")
		}
		if c.MasterUser == "" {
			in.MasterUsername = aws.String(DefaultMasterUser)
		}
		if c.Database != "" {
			in.DBName = aws.String(c.Database)
		}
		if c.Nodes > 1 {
			in.ClusterType, in.NumberOfNodes = aws.String("multi-node"), aws.Int32(int32(c.Nodes))
		}
		if c.Port != 0 {
			in.Port = aws.Int32(int32(c.Port))
		}
		if group != "" {
			in.ClusterParameterGroupName = aws.String(group)
		}
		if _, err := cl.CreateCluster(ctx, in); err != nil {
			return fmt.Errorf("CreateCluster: %w", err)
		}
		changed = true
	}
	if c.Logging != nil {
		st, err := cl.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: aws.String(c.ID)})
		if err != nil {
			return fmt.Errorf("DescribeLoggingStatus: %w", err)
		}
		if !aws.ToBool(st.LoggingEnabled) {
			in := &redshift.EnableLoggingInput{ClusterIdentifier: aws.String(c.ID), BucketName: aws.String(c.Logging.Bucket),
				LogDestinationType: rstypes.LogDestinationTypeS3, LogExports: c.Logging.Exports}
			if c.Logging.Prefix != "" {
				in.S3KeyPrefix = aws.String(c.Logging.Prefix)
			}
			if _, err := cl.EnableLogging(ctx, in); err != nil {
				return fmt.Errorf("EnableLogging: %w", err)
			}
			changed = true
		}
	}
	if changed {
		res.Clusters = append(res.Clusters, c.ID)
	} else {
		res.Kept = append(res.Kept, "cluster "+c.ID)
	}
	return nil
}

// seedParameterGroup makes the entry's parameter group when it does not exist, and
// returns its name ("" when the entry names none).
func (s *Server) seedParameterGroup(ctx context.Context, cl *redshift.Client, c SeedCluster, res *SeedResult) (string, error) {
	name := strings.ToLower(c.ParameterGroup)
	if name == "" && len(c.Parameters) > 0 {
		name = c.ID + "-parameters"
	}
	if name == "" {
		return "", nil
	}
	_, err := cl.DescribeClusterParameterGroups(ctx, &redshift.DescribeClusterParameterGroupsInput{ParameterGroupName: aws.String(name)})
	var notFound *rstypes.ClusterParameterGroupNotFoundFault
	switch {
	case err == nil:
		res.Kept = append(res.Kept, "parameter group "+name)
		return name, nil
	case !errors.As(err, &notFound):
		return "", fmt.Errorf("DescribeClusterParameterGroups: %w", err)
	}
	if _, err := cl.CreateClusterParameterGroup(ctx, &redshift.CreateClusterParameterGroupInput{ParameterGroupName: aws.String(name),
		ParameterGroupFamily: aws.String(redshiftapi.FamilyRedshift20), Description: aws.String("made by fakeshift's seed for " + c.ID)}); err != nil {
		return "", fmt.Errorf("CreateClusterParameterGroup: %w", err)
	}
	if len(c.Parameters) > 0 {
		names := make([]string, 0, len(c.Parameters))
		for n := range c.Parameters {
			names = append(names, n)
		}
		slices.Sort(names)
		params := make([]rstypes.Parameter, 0, len(names))
		for _, n := range names {
			params = append(params, rstypes.Parameter{ParameterName: aws.String(n), ParameterValue: aws.String(c.Parameters[n])})
		}
		if _, err := cl.ModifyClusterParameterGroup(ctx, &redshift.ModifyClusterParameterGroupInput{ParameterGroupName: aws.String(name),
			Parameters: params}); err != nil {
			return "", fmt.Errorf("ModifyClusterParameterGroup: %w", err)
		}
	}
	return name, nil
}

// seedUsers makes the groups and users the default cluster lacks, in a session of the
// master user.
func (s *Server) seedUsers(ctx context.Context, users []SeedUser, res *SeedResult) error {
	have := map[string]bool{}
	for _, u := range s.cluster.Users() {
		have[u.Name] = true
	}
	haveGroup := map[string]bool{}
	for _, g := range s.cluster.Groups() {
		haveGroup[g.Name] = true
	}
	var groups []string
	var todo []SeedUser
	for _, u := range users {
		if have[u.Name] {
			res.Kept = append(res.Kept, "user "+u.Name)
			continue
		}
		todo = append(todo, u)
		for _, g := range u.Groups {
			if !haveGroup[g] && !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	if len(todo) == 0 {
		return nil
	}
	conn, err := s.masterSession(ctx)
	if err != nil {
		return fmt.Errorf("seed users: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, g := range groups {
		if _, err := conn.Exec(ctx, "create group "+g); err != nil {
			return fmt.Errorf("seed group %q: CREATE GROUP: %w", g, err)
		}
		res.Groups = append(res.Groups, g)
	}
	for i, u := range users {
		if have[u.Name] {
			continue
		}
		stmt := "create user " + u.Name
		if u.Password == "" {
			stmt += " password disable"
		} else {
			stmt += " password '" + u.Password + "'"
		}
		if u.Superuser {
			stmt += " createuser"
		}
		if len(u.Groups) > 0 {
			stmt += " in group " + strings.Join(u.Groups, ", ")
		}
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("seed users[%d] %q: CREATE USER: %w", i, u.Name, err)
		}
		res.Users = append(res.Users, u.Name)
	}
	return nil
}

// masterSession logs in to the default cluster as its master user, over the loopback
// address of its listener, with TLS when the cluster offers it.
func (s *Server) masterSession(ctx context.Context) (*pgx.Conn, error) {
	host, port, err := net.SplitHostPort(s.pgLn.Addr().String())
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(s.cfg.MasterUser, s.cfg.MasterPassword),
		Host: net.JoinHostPort(host, port), Path: "/" + s.cfg.Database,
		RawQuery: url.Values{"sslmode": {"prefer"}, "application_name": {seedAppID}}.Encode()}
	cc, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("master session: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("log in as the master user %s: %w", s.cfg.MasterUser, err)
	}
	return conn, nil
}
