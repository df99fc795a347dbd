package trail

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// stringToSign is the string the AWS CLI verifies a digest's signature against
// (awscli/customizations/cloudtrail/validation.py, _create_string_to_sign).
func stringToSign(d map[string]any, inflated []byte) string {
	prev, ok := d["previousDigestSignature"].(string)
	if !ok {
		prev = "null" // "The value must be 'null' to match the Java implementation."
	}
	sum := sha256.Sum256(inflated)
	return d["digestEndTime"].(string) + "\n" + d["digestS3Bucket"].(string) + "/" + d["digestS3Object"].(string) + "\n" +
		hex.EncodeToString(sum[:]) + "\n" + prev
}

type fetchedDigest struct {
	key       string
	raw       []byte
	body      map[string]any
	signature []byte
	algorithm string
}

func (h *harness) digest(bucket, key string) fetchedDigest {
	h.t.Helper()
	head, err := h.s3c.HeadObject(as(h.root), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(h.t, err)
	sig, err := hex.DecodeString(head.Metadata["signature"])
	require.NoError(h.t, err, "metadata %v", head.Metadata)
	raw := h.object(bucket, key)
	var body map[string]any
	require.NoError(h.t, json.Unmarshal(raw, &body))
	return fetchedDigest{key: key, raw: raw, body: body, signature: sig, algorithm: head.Metadata["signature-algorithm"]}
}

// TestDigestSignature: each digest is signed with SHA256withRSA over the string the AWS CLI
// builds, verifiable with the public key ListPublicKeys gives (by its fingerprint); the
// digests chain, and list each log file with the hash of its uncompressed content.
func TestDigestSignature(t *testing.T) {
	h := newHarness(t)
	h.bucketFor("dg-bucket")
	h.ok("CreateTrail", map[string]any{"Name": "signed", "S3BucketName": "dg-bucket", "EnableLogFileValidation": true})
	h.ok("StartLogging", map[string]any{"Name": "signed"})
	h.clk.Advance(time.Minute)
	h.record(h.root, "CreateCluster", `{"clusterIdentifier":"c1"}`)
	h.clk.Advance(time.Minute)
	h.record(h.root, "DeleteCluster", `{"clusterIdentifier":"c1"}`)
	first, err := h.svc.Flush(context.Background())
	require.NoError(t, err)
	h.clk.Advance(time.Hour)
	h.record(h.admin, "DescribeClusters", `{}`)
	second, err := h.svc.Flush(context.Background())
	require.NoError(t, err)

	split := func(ds []Delivery) (files []Delivery, digest string) {
		for _, d := range ds {
			require.Empty(t, d.Error)
			if d.Digest != "" {
				require.Empty(t, digest, "one digest per flush")
				digest = d.Digest
			} else {
				files = append(files, d)
			}
		}
		require.NotEmpty(t, digest)
		return files, digest
	}
	files1, key1 := split(first)
	files2, key2 := split(second)
	require.Len(t, files1, 1)
	require.Len(t, files2, 1)
	require.Equal(t, 3, files1[0].Records, "StartLogging, CreateCluster, DeleteCluster")
	require.Regexp(t, `^AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/03/04/123456789012_CloudTrail-Digest_us-east-1_signed_us-east-1_20260304T\d{6}Z\.json\.gz$`, key1)

	res := h.ok("ListPublicKeys", map[string]any{})
	keys := res["PublicKeyList"].([]any)
	require.Len(t, keys, 1)
	pk := keys[0].(map[string]any)
	der, err := base64.StdEncoding.DecodeString(pk["Value"].(string))
	require.NoError(t, err)
	pub, err := x509.ParsePKCS1PublicKey(der)
	require.NoError(t, err, "the key is PKCS #1 DER, as the AWS CLI loads it")
	fp := md5.Sum(der)
	require.Equal(t, hex.EncodeToString(fp[:]), pk["Fingerprint"])

	d1, d2 := h.digest("dg-bucket", key1), h.digest("dg-bucket", key2)
	for _, d := range []fetchedDigest{d1, d2} {
		require.Equal(t, "SHA256withRSA", d.algorithm)
		require.Equal(t, "SHA256withRSA", d.body["digestSignatureAlgorithm"])
		require.Equal(t, pk["Fingerprint"], d.body["digestPublicKeyFingerprint"])
		require.Equal(t, "dg-bucket", d.body["digestS3Bucket"])
		require.Equal(t, d.key, d.body["digestS3Object"])
		require.Equal(t, testAccount, d.body["awsAccountId"])
		toSign := stringToSign(d.body, d.raw)
		sum := sha256.Sum256([]byte(toSign))
		require.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], d.signature), "digest %s", d.key)
		// The signature covers every part of the string.
		for _, bad := range []string{toSign + "x", "2000-01-01T00:00:00Z" + toSign[20:]} {
			bsum := sha256.Sum256([]byte(bad))
			require.Error(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, bsum[:], d.signature))
		}
		// The key was valid for the whole period the digest covers.
		start, err := time.Parse(time.RFC3339, d.body["digestStartTime"].(string))
		require.NoError(t, err)
		require.LessOrEqual(t, pk["ValidityStartTime"].(float64), float64(start.Unix()))
		require.Greater(t, pk["ValidityEndTime"].(float64), float64(h.clk.Now().Unix()))
	}

	// The chain.
	require.Nil(t, d1.body["previousDigestSignature"])
	require.Nil(t, d1.body["previousDigestS3Object"])
	require.Equal(t, hex.EncodeToString(d1.signature), d2.body["previousDigestSignature"])
	require.Equal(t, key1, d2.body["previousDigestS3Object"])
	require.Equal(t, "dg-bucket", d2.body["previousDigestS3Bucket"])
	require.Equal(t, "SHA-256", d2.body["previousDigestHashAlgorithm"])
	prevSum := sha256.Sum256(d1.raw)
	require.Equal(t, hex.EncodeToString(prevSum[:]), d2.body["previousDigestHashValue"])
	require.Equal(t, d1.body["digestEndTime"], d2.body["digestStartTime"])

	// Each digest lists its period's file, hashed uncompressed, with its records' times.
	for _, c := range []struct {
		d     fetchedDigest
		file  Delivery
		times [2]string
	}{
		{d1, files1[0], [2]string{"2026-03-04T10:00:00Z", "2026-03-04T10:02:00Z"}},
		{d2, files2[0], [2]string{"2026-03-04T11:02:00Z", "2026-03-04T11:02:00Z"}},
	} {
		logs := c.d.body["logFiles"].([]any)
		require.Len(t, logs, 1)
		lf := logs[0].(map[string]any)
		require.Equal(t, c.file.Key, lf["s3Object"])
		require.Equal(t, "dg-bucket", lf["s3Bucket"])
		require.Equal(t, "SHA-256", lf["hashAlgorithm"])
		sum := sha256.Sum256(h.object("dg-bucket", c.file.Key))
		require.Equal(t, hex.EncodeToString(sum[:]), lf["hashValue"])
		require.Equal(t, c.times[0], lf["oldestEventTime"])
		require.Equal(t, c.times[1], lf["newestEventTime"])
		require.Equal(t, c.times[0], c.d.body["oldestEventTime"])
		require.Equal(t, c.times[1], c.d.body["newestEventTime"])
	}
}
