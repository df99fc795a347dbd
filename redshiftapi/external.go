package redshiftapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake"
)

// ExternalBuckets is the BucketChecker of an external S3-compatible endpoint that log files
// are delivered to with real credentials. It learns with real calls what it can:
// existence (HeadBucket), owner (GetBucketAcl), default encryption (GetBucketEncryption) and
// Object Lock (GetObjectLockConfiguration), each as the configured credentials, not as
// Redshift's principal. It cannot dry-run an authorisation: Authorize allows everything,
// and the uploads themselves tell.
func ExternalBuckets(c *s3.Client) BucketChecker { return externalBuckets{c} }

type externalBuckets struct{ c *s3.Client }

func (e externalBuckets) BucketFacts(bucket string) (s3fake.Facts, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := aws.String(bucket)
	if _, err := e.c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b}); err != nil {
		if isNotFound(err) {
			return s3fake.Facts{}, nil
		}
		return s3fake.Facts{}, err
	}
	facts := s3fake.Facts{Exists: true, Encryption: "AES256"}
	if acl, err := e.c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b}); err == nil && acl.Owner != nil {
		facts.OwnerCanonicalID = aws.ToString(acl.Owner.ID)
	} else if err != nil {
		return s3fake.Facts{}, err
	}
	if enc, err := e.c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}); err == nil &&
		enc.ServerSideEncryptionConfiguration != nil && len(enc.ServerSideEncryptionConfiguration.Rules) > 0 {
		if d := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault; d != nil {
			facts.Encryption = string(d.SSEAlgorithm)
			facts.KMSKeyID = aws.ToString(d.KMSMasterKeyID)
		}
	}
	if lock, err := e.c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b}); err == nil &&
		lock.ObjectLockConfiguration != nil {
		facts.ObjectLock = lock.ObjectLockConfiguration.ObjectLockEnabled == "Enabled"
	}
	return facts, nil
}

func (externalBuckets) Authorize(auth.Principal, string, string, string, http.Header) error {
	return nil
}

func isNotFound(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "NotFound" || ae.ErrorCode() == "NoSuchBucket") {
		return true
	}
	return false
}
