package redshiftapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/logger"
)

// Delivery failure messages. Only the first two are Redshift's words (enable-time errors,
// research 1.5); nothing public shows a real LastFailureMessage, so the others are
// fakeshift's, in the same style (README, "Where fakeshift had to choose").
const (
	msgBucketMissing = "Could not find bucket with name %s"
	msgCannotWrite   = "Cannot write to bucket %s. Please ensure that your IAM permissions are set up correctly."
	msgCannotReadACL = "Cannot read ACLs of bucket %s. Please ensure that your IAM permissions are set up correctly."
	msgOwnerChanged  = "The bucket owner has changed. Amazon Redshift cannot upload logs to bucket %s."
	msgKMS           = "Bucket %s uses AWS KMS default encryption. Amazon Redshift audit logging supports only Amazon S3-managed keys (SSE-S3)."
	msgObjectLock    = "Bucket %s has S3 Object Lock enabled. Amazon Redshift cannot upload logs to it."
)

// ClusterDelivery is the outcome of one cluster's delivery.
type ClusterDelivery struct {
	Cluster string             `json:"cluster"`
	Files   []logger.Delivered `json:"files,omitempty"`
	Failure string             `json:"failure,omitempty"`
}

// FlushLogs delivers the log files of every cluster whose logging is enabled: everything
// owed, or, with holdBack, all but each log's newest record (the periodic delivery). Each
// delivery first checks what Redshift checks at every upload: the bucket exists, its owner
// is the one recorded when logging was enabled, its default encryption is SSE-S3, Object
// Lock is off, and Redshift's principal may read its ACL; then uploads as that principal
// with x-amz-server-side-encryption AES256. A failure is recorded in the logging status
// (LoggingEnabled stays true) and the records wait for the next delivery.
func (s *API) FlushLogs(ctx context.Context, holdBack bool) ([]ClusterDelivery, error) {
	return s.flush(ctx, holdBack, "")
}

// flush is FlushLogs for every cluster, or only one.
func (s *API) flush(ctx context.Context, holdBack bool, only string) ([]ClusterDelivery, error) {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	var all []*clusterState
	var err error
	if only == "" {
		all, err = s.clusters()
	} else {
		var st *clusterState
		if st, err = s.loadCluster(only); err == nil {
			all = []*clusterState{st}
		} else if errors.Is(err, &Error{Code: CodeClusterNotFound}) {
			return nil, nil // a cluster that does not exist has nothing to deliver
		}
	}
	if err != nil {
		return nil, err
	}
	var out []ClusterDelivery
	for _, st := range all {
		if !st.Logging.Enabled {
			continue
		}
		cd := ClusterDelivery{Cluster: st.ID}
		cd.Files, err = s.deliver(ctx, st, holdBack)
		if err != nil {
			cd.Failure = err.Error()
		}
		if uerr := s.recordDelivery(st.ID, len(cd.Files) > 0, err); uerr != nil {
			return out, uerr
		}
		out = append(out, cd)
	}
	return out, nil
}

// deliveryError is a failure told to the user in LastFailureMessage.
type deliveryError struct{ msg string }

func (e *deliveryError) Error() string { return e.msg }

func (s *API) deliver(ctx context.Context, st *clusterState, holdBack bool) ([]logger.Delivered, error) {
	cl, _, ok := s.cfg.Runtime.ClusterByID(st.ID)
	if !ok {
		return nil, fmt.Errorf("cluster %s is not running", st.ID)
	}
	b := st.Logging.Bucket
	facts, err := s.cfg.Buckets.BucketFacts(b)
	switch {
	case err != nil:
		return nil, s3Failure(err, b, msgCannotReadACL)
	case !facts.Exists:
		return nil, &deliveryError{fmt.Sprintf(msgBucketMissing, b)}
	case facts.OwnerCanonicalID != st.Logging.OwnerCanonicalID:
		return nil, &deliveryError{fmt.Sprintf(msgOwnerChanged, b)}
	case strings.HasPrefix(facts.Encryption, "aws:kms"):
		return nil, &deliveryError{fmt.Sprintf(msgKMS, b)}
	case facts.ObjectLock:
		return nil, &deliveryError{fmt.Sprintf(msgObjectLock, b)}
	}
	principal := s.servicePrincipal(st.ID)
	if _, err := s.cfg.S3.GetBucketAcl(auth.WithPrincipal(ctx, principal), &s3.GetBucketAclInput{Bucket: aws.String(b)}); err != nil {
		return nil, s3Failure(err, b, msgCannotReadACL)
	}
	dest := logger.Destination{Prefix: st.Logging.Prefix, AccountID: s.cfg.AccountID, Region: s.cfg.Region, ClusterID: st.ID,
		Upload: func(ctx context.Context, key string, body []byte) error {
			if err := upload(auth.WithPrincipal(ctx, principal), s.cfg.S3, b, key, body); err != nil {
				return s3Failure(err, b, msgCannotWrite)
			}
			return nil
		}}
	files, err := cl.DeliverLogs(ctx, dest, holdBack)
	if err != nil {
		var de *deliveryError
		if errors.As(err, &de) {
			return files, de
		}
	}
	return files, err
}

// s3Failure turns an S3 error into the failure the logging status reports.
func s3Failure(err error, bucket, deniedMsg string) error {
	switch s3Code(err) {
	case "NoSuchBucket":
		return &deliveryError{fmt.Sprintf(msgBucketMissing, bucket)}
	case "AccessDenied", "Forbidden": // Forbidden: a HEAD's 403, which has no body
		return &deliveryError{fmt.Sprintf(deniedMsg, bucket)}
	case "":
		return err
	}
	return &deliveryError{"S3 error: " + s3Code(err)}
}

// recordDelivery updates a cluster's logging status after a delivery attempt: the time of
// a success that delivered files, or the time and message of a failure.
func (s *API) recordDelivery(id string, delivered bool, failure error) error {
	if !delivered && failure == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.loadCluster(id)
	if err != nil {
		return err
	}
	now := s.cfg.Clock.Now().UTC()
	if delivered {
		st.Logging.LastSuccess = &now
	}
	if failure != nil {
		st.Logging.LastFailure = &now
		st.Logging.LastFailureMsg = failure.Error()
		var de *deliveryError
		if !errors.As(failure, &de) {
			s.log.Warn("audit log delivery failed", "cluster", id, "err", failure)
		}
	}
	return s.saveCluster(st)
}

// deliveryLoop delivers every interval, holding back each log's newest record, until stop.
func (s *API) deliveryLoop(interval time.Duration, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), interval+time.Minute)
			if _, err := s.FlushLogs(ctx, true); err != nil {
				s.log.Error("audit log delivery", "err", err)
			}
			cancel()
		case <-stop:
			return
		}
	}
}

// StartDelivery starts the periodic delivery of log files; Close stops it.
func (s *API) StartDelivery(interval time.Duration) {
	if interval <= 0 {
		return
	}
	s.wg.Add(1)
	go s.deliveryLoop(interval, s.stop, &s.wg)
}

// Close stops the periodic delivery and waits for a delivery under way.
func (s *API) Close() {
	s.closeOnce.Do(func() { close(s.stop) })
	s.wg.Wait()
}

// multipartPart is the part size of log files uploaded in parts; files up to it go in one
// PutObject ("large files may be uploaded by multipart upload", research 3.1).
var multipartPart = 8 << 20

// upload stores one log file, with SSE-S3: one PutObject, or a multipart upload for a file
// over multipartPart (aborted if a part fails, so no parts are left behind).
func upload(ctx context.Context, c *s3.Client, bucket, key string, body []byte) error {
	if len(body) <= multipartPart {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(body), ServerSideEncryption: types.ServerSideEncryptionAes256,
			ContentType: aws.String("application/octet-stream")})
		return err
	}
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
		ServerSideEncryption: types.ServerSideEncryptionAes256, ContentType: aws.String("application/octet-stream")})
	if err != nil {
		return err
	}
	var parts []types.CompletedPart
	for i, off := int32(1), 0; off < len(body); i, off = i+1, off+multipartPart {
		end := min(off+multipartPart, len(body))
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: mp.UploadId,
			PartNumber: aws.Int32(i), Body: bytes.NewReader(body[off:end])})
		if err != nil {
			c.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket),
				Key: aws.String(key), UploadId: mp.UploadId})
			return err
		}
		parts = append(parts, types.CompletedPart{ETag: up.ETag, PartNumber: aws.Int32(i)})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: mp.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	return err
}
