package redshiftapi

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake"
)

// servicePrincipal is the principal Redshift acts as on the bucket for a cluster: the
// global one, or the regional one of an opt-in region, with the cluster as source.
func (s *API) servicePrincipal(clusterID string) auth.Principal {
	return auth.ServicePrincipal(auth.RedshiftServicePrincipal(s.cfg.Region), s.clusterARN(clusterID), s.cfg.AccountID)
}

// enableLogging checks what Redshift checks when logging is enabled, live against S3 as
// Redshift's service principal: the bucket name and key prefix, the bucket's existence, a
// real GetBucketAcl (which also tells the owner, recorded for the owner check of every
// delivery), and a dry run of PutObject under <prefix>AWSLogs/<account>/, writing nothing.
func (s *API) enableLogging(c *call) (any, error) {
	p := c.p
	dest := LogDestinationS3
	if v, ok := p.String("LogDestinationType"); ok {
		if e := ValidateLogDestinationType(v); e != nil {
			return nil, e
		}
		dest = v
	}
	if dest != LogDestinationS3 {
		return nil, UnsupportedOperation("LogDestinationType " + dest + " is not supported by fakeshift: only s3")
	}
	bucket, err := c.required("BucketName")
	if err != nil {
		return nil, err
	}
	prefix, _ := p.String("S3KeyPrefix")
	exports := p.List("LogExports")
	if e := ValidateLogExports(exports); e != nil {
		return nil, e
	}
	if len(exports) == 0 {
		exports = []string{LogTypeConnection, LogTypeUser, LogTypeUserActivity}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st, cl, err := s.running(c)
	if err != nil {
		return nil, err
	}
	if e := ValidateS3BucketName(bucket); e != nil {
		return nil, e
	}
	if e := ValidateS3KeyPrefix(prefix); e != nil {
		return nil, e
	}
	facts, err := s.cfg.Buckets.BucketFacts(bucket)
	if err != nil {
		return nil, err
	}
	if !facts.Exists {
		return nil, BucketNotFound(bucket)
	}
	principal := s.servicePrincipal(st.ID)
	acl, err := s.cfg.S3.GetBucketAcl(auth.WithPrincipal(c.ctx, principal), &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil {
		switch s3Code(err) {
		case "NoSuchBucket":
			return nil, BucketNotFound(bucket)
		case "AccessDenied":
			return nil, InsufficientS3BucketPolicyACL(bucket)
		}
		return nil, fmt.Errorf("GetBucketAcl of %s as %s: %w", bucket, principal, err)
	}
	key := prefix + "AWSLogs/" + s.cfg.AccountID + "/redshift/"
	header := http.Header{"X-Amz-Server-Side-Encryption": {"AES256"}}
	if err := s.cfg.Buckets.Authorize(principal, bucket, "s3:PutObject", "arn:aws:s3:::"+bucket+"/"+key, header); err != nil {
		var se *s3fake.Error
		if errors.As(err, &se) && se.Code == "AccessDenied" {
			return nil, InsufficientS3BucketPolicy(bucket)
		}
		return nil, err
	}
	st.Logging = loggingState{Configured: true, Enabled: true, Bucket: bucket, Prefix: prefix, Destination: dest,
		Exports: exports, OwnerCanonicalID: aws.ToString(acl.Owner.ID),
		LastSuccess: st.Logging.LastSuccess, LastFailure: st.Logging.LastFailure, LastFailureMsg: st.Logging.LastFailureMsg}
	if err := s.saveCluster(st); err != nil {
		return nil, err
	}
	cl.SetLogExports(exports)
	return st.Logging.status(), nil
}

// s3Code is the S3 error code of an SDK error.
func s3Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func (l loggingState) status() LoggingStatus {
	if !l.Configured {
		return LoggingStatus{}
	}
	out := LoggingStatus{LoggingEnabled: l.Enabled, BucketName: l.Bucket, S3KeyPrefix: l.Prefix,
		LogDestinationType: l.Destination, LogExports: StringList(slices.Clone(l.Exports)),
		LastFailureMessage: l.LastFailureMsg}
	if l.LastSuccess != nil {
		out.LastSuccessfulDeliveryTime = NewTimestamp(*l.LastSuccess)
	}
	if l.LastFailure != nil {
		out.LastFailureTime = NewTimestamp(*l.LastFailure)
	}
	return out
}

// disableLogging delivers what is owed first (fakeshift's choice: DisableLogging does not
// strand records; a delivery that fails leaves them for the day logging is enabled again),
// then stops deliveries: records made while disabled are never owed.
func (s *API) disableLogging(c *call) (any, error) {
	if raw, err := c.required("ClusterIdentifier"); err == nil {
		if _, err := s.flush(c.ctx, false, strings.ToLower(raw)); err != nil {
			s.log.Warn("final delivery before DisableLogging", "cluster", raw, "err", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, cl, err := s.running(c)
	if err != nil {
		return nil, err
	}
	if !st.Logging.Configured {
		return nil, InvalidParameterValue("Logging has not been configured for cluster " + st.ID + ".")
	}
	st.Logging.Enabled = false
	if err := s.saveCluster(st); err != nil {
		return nil, err
	}
	cl.SetLogExports(nil)
	return st.Logging.status(), nil
}

func (s *API) describeLoggingStatus(c *call) (any, error) {
	raw, err := c.required("ClusterIdentifier")
	if err != nil {
		return nil, err
	}
	st, err := s.loadCluster(strings.ToLower(raw))
	if err != nil {
		return nil, err
	}
	return st.Logging.status(), nil
}
