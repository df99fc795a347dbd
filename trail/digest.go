package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/store"
)

// digestPeriod is how long a digest covers: CloudTrail writes one an hour.
const digestPeriod = time.Hour

// signatureAlgorithm is the digests' signature algorithm.
const signatureAlgorithm = "SHA256withRSA"

// digestChain is a validating trail's digest state: the files delivered in the current
// period, and the last digest (for the chain).
type digestChain struct {
	PeriodStart    *time.Time   `json:"period_start,omitempty"`
	Files          []digestFile `json:"files,omitempty"`
	LastBucket     string       `json:"last_bucket,omitempty"`
	LastKey        string       `json:"last_key,omitempty"`
	LastHash       string       `json:"last_hash,omitempty"`
	LastSignature  string       `json:"last_signature,omitempty"`
	LastEnd        *time.Time   `json:"last_end,omitempty"`
	LatestDelivery *time.Time   `json:"latest_delivery,omitempty"`
	LatestError    string       `json:"latest_error,omitempty"`
	// Pending is a digest written but not yet uploaded (crash safety: the same bytes go
	// to the same key).
	Pending *pendingDigest `json:"pending,omitempty"`
}

type digestFile struct {
	S3Bucket        string    `json:"s3Bucket"`
	S3Object        string    `json:"s3Object"`
	HashValue       string    `json:"hashValue"`
	OldestEventTime time.Time `json:"oldest"`
	NewestEventTime time.Time `json:"newest"`
}

type pendingDigest struct {
	Key       string    `json:"key"`
	Body      []byte    `json:"body"` // gzip
	Hash      string    `json:"hash"` // of the uncompressed digest
	Signature string    `json:"signature"`
	End       time.Time `json:"end"`
}

// addFile notes a delivered file for the next digest; hash is the SHA-256 of its
// uncompressed content, as validate-logs computes it.
func (c *digestChain) addFile(bucket string, p *pendingFile, hash string) {
	c.Files = append(c.Files, digestFile{S3Bucket: bucket, S3Object: p.Key, HashValue: hash,
		OldestEventTime: p.Oldest, NewestEventTime: p.Newest})
}

// digestBody is a digest file's JSON, in CloudTrail's field order.
type digestBody struct {
	AWSAccountID                string          `json:"awsAccountId"`
	DigestStartTime             string          `json:"digestStartTime"`
	DigestEndTime               string          `json:"digestEndTime"`
	DigestS3Bucket              string          `json:"digestS3Bucket"`
	DigestS3Object              string          `json:"digestS3Object"`
	DigestPublicKeyFingerprint  string          `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    string          `json:"digestSignatureAlgorithm"`
	NewestEventTime             *string         `json:"newestEventTime"`
	OldestEventTime             *string         `json:"oldestEventTime"`
	PreviousDigestS3Bucket      *string         `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      *string         `json:"previousDigestS3Object"`
	PreviousDigestHashValue     *string         `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm *string         `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     *string         `json:"previousDigestSignature"`
	LogFiles                    []digestLogFile `json:"logFiles"`
}

type digestLogFile struct {
	S3Bucket        string `json:"s3Bucket"`
	S3Object        string `json:"s3Object"`
	HashValue       string `json:"hashValue"`
	HashAlgorithm   string `json:"hashAlgorithm"`
	NewestEventTime string `json:"newestEventTime"`
	OldestEventTime string `json:"oldestEventTime"`
}

// digestKey is a digest file's key:
// <prefix/>AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHmmssZ>.json.gz
func (s *Service) digestKey(t *state, end time.Time) string {
	end = end.UTC()
	r := s.cfg.Region
	return joinPrefix(t.Prefix) + "AWSLogs/" + t.AccountID + "/CloudTrail-Digest/" + r + "/" + end.Format("2006/01/02") + "/" +
		t.AccountID + "_CloudTrail-Digest_" + r + "_" + t.Name + "_" + t.HomeRegion + "_" + end.Format("20060102T150405Z") + ".json.gz"
}

func strp(s string) *string { return &s }

// deliverDigest writes the trail's digest when its period is over, or now with force, and
// saves t when it changed. It returns the digest's key when one went up.
func (s *Service) deliverDigest(ctx context.Context, t *state, force bool) (string, error) {
	now := s.cfg.Clock.Now().UTC().Truncate(time.Second)
	c := &t.Digest
	started := false
	if c.PeriodStart == nil {
		start := now
		if t.StartLoggingTime != nil && t.StartLoggingTime.Before(now) {
			start = t.StartLoggingTime.UTC().Truncate(time.Second)
		}
		c.PeriodStart, started = &start, true
	}
	if c.Pending == nil {
		if !force && now.Sub(*c.PeriodStart) < digestPeriod {
			if !started {
				return "", nil // the period goes on: nothing changed
			}
			return "", s.saveTrail(t)
		}
		end := now
		if c.LastEnd != nil && !end.After(*c.LastEnd) {
			end = c.LastEnd.Add(time.Second) // keys name the end second: keep them apart
		}
		if !end.After(*c.PeriodStart) {
			end = c.PeriodStart.Add(time.Second)
		}
		p, err := s.makeDigest(t, end)
		if err != nil {
			return "", err
		}
		c.Pending = p
		if err := s.saveTrail(t); err != nil {
			return "", err
		}
	}
	p := c.Pending
	err := s.upload(ctx, t, p.Key, p.Body, map[string]string{"signature": p.Signature,
		"signature-algorithm": signatureAlgorithm})
	if err != nil {
		c.LatestError = deliveryError(err)
		if serr := s.saveTrail(t); serr != nil {
			return "", serr
		}
		return "", err
	}
	end := p.End
	c.LastBucket, c.LastKey, c.LastHash, c.LastSignature, c.LastEnd = t.Bucket, p.Key, p.Hash, p.Signature, &end
	c.LatestDelivery, c.LatestError = &now, ""
	c.PeriodStart, c.Files, c.Pending = &end, nil, nil
	return p.Key, s.saveTrail(t)
}

// makeDigest builds and signs the digest of the current period, ending at end.
func (s *Service) makeDigest(t *state, end time.Time) (*pendingDigest, error) {
	c := &t.Digest
	key := s.digestKey(t, end)
	fp, err := s.keys.fingerprint()
	if err != nil {
		return nil, err
	}
	d := digestBody{AWSAccountID: t.AccountID, DigestStartTime: c.PeriodStart.UTC().Format(timeFormat),
		DigestEndTime: end.UTC().Format(timeFormat), DigestS3Bucket: t.Bucket, DigestS3Object: key,
		DigestPublicKeyFingerprint: fp, DigestSignatureAlgorithm: signatureAlgorithm, LogFiles: []digestLogFile{}}
	var oldest, newest time.Time
	for i, f := range c.Files {
		d.LogFiles = append(d.LogFiles, digestLogFile{S3Bucket: f.S3Bucket, S3Object: f.S3Object, HashValue: f.HashValue,
			HashAlgorithm: "SHA-256", NewestEventTime: f.NewestEventTime.UTC().Format(timeFormat),
			OldestEventTime: f.OldestEventTime.UTC().Format(timeFormat)})
		if i == 0 || f.OldestEventTime.Before(oldest) {
			oldest = f.OldestEventTime
		}
		if f.NewestEventTime.After(newest) {
			newest = f.NewestEventTime
		}
	}
	if len(c.Files) > 0 {
		d.OldestEventTime, d.NewestEventTime = strp(oldest.UTC().Format(timeFormat)), strp(newest.UTC().Format(timeFormat))
	}
	if c.LastKey != "" {
		d.PreviousDigestS3Bucket, d.PreviousDigestS3Object = strp(c.LastBucket), strp(c.LastKey)
		d.PreviousDigestHashValue, d.PreviousDigestHashAlgorithm = strp(c.LastHash), strp("SHA-256")
		d.PreviousDigestSignature = strp(c.LastSignature)
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode digest: %w", err)
	}
	hash := sha256Hex(raw)
	prev := "null"
	if d.PreviousDigestSignature != nil {
		prev = *d.PreviousDigestSignature
	}
	toSign := d.DigestEndTime + "\n" + t.Bucket + "/" + key + "\n" + hash + "\n" + prev
	sig, err := s.keys.sign([]byte(toSign))
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip digest: %w", err)
	}
	return &pendingDigest{Key: key, Body: gz.Bytes(), Hash: hash, Signature: sig, End: end}, nil
}

// keyRing is the region's digest signing key: RSA 2048, made when first needed and kept in
// the store.
type keyRing struct {
	space *store.Space
	clock clock.Clock
	mu    sync.Mutex
	key   *rsa.PrivateKey
	from  time.Time
}

const keySigning = "key/signing"

type storedKey struct {
	DER  []byte    `json:"der"` // PKCS#1
	From time.Time `json:"from"`
}

func newKeyRing(space *store.Space, c clock.Clock) *keyRing { return &keyRing{space: space, clock: c} }

// load returns the key, making it on first use.
func (k *keyRing) load() (*rsa.PrivateKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	b, err := k.space.Get([]byte(keySigning))
	if err == nil {
		if err := k.decode(b); err != nil {
			return nil, err
		}
		return k.key, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("load signing key: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("make signing key: %w", err)
	}
	from := k.clock.Now().UTC().Add(-time.Hour).Truncate(time.Hour) // valid for the digest in progress
	sb, _ := json.Marshal(storedKey{DER: x509.MarshalPKCS1PrivateKey(key), From: from})
	if err := k.space.Put([]byte(keySigning), sb); err != nil {
		return nil, fmt.Errorf("save signing key: %w", err)
	}
	k.key, k.from = key, from
	return key, nil
}

// existing returns the key and the start of its validity if one was made, without making
// one.
func (k *keyRing) existing() (*rsa.PrivateKey, time.Time, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, k.from, nil
	}
	b, err := k.space.Get([]byte(keySigning))
	if errors.Is(err, store.ErrNotFound) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("load signing key: %w", err)
	}
	if err := k.decode(b); err != nil {
		return nil, time.Time{}, err
	}
	return k.key, k.from, nil
}

// decode sets the key from its stored form; the caller holds k.mu.
func (k *keyRing) decode(b []byte) error {
	var sk storedKey
	if err := json.Unmarshal(b, &sk); err != nil {
		return fmt.Errorf("decode signing key: %w", err)
	}
	key, err := x509.ParsePKCS1PrivateKey(sk.DER)
	if err != nil {
		return fmt.Errorf("parse signing key: %w", err)
	}
	k.key, k.from = key, sk.From
	return nil
}

// publicKey is the key's public half as ListPublicKeys serves it (PKCS #1 DER) and its
// fingerprint, the MD5 of that DER, as digests name it.
func publicKey(key *rsa.PrivateKey) (der []byte, fingerprint string) {
	der = x509.MarshalPKCS1PublicKey(&key.PublicKey)
	sum := md5.Sum(der)
	return der, hex.EncodeToString(sum[:])
}

func (k *keyRing) fingerprint() (string, error) {
	key, err := k.load()
	if err != nil {
		return "", err
	}
	_, fp := publicKey(key)
	return fp, nil
}

// sign signs data with SHA256withRSA (PKCS #1 v1.5) and returns the hex signature.
func (k *keyRing) sign(data []byte) (string, error) {
	key, err := k.load()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign digest: %w", err)
	}
	return hex.EncodeToString(sig), nil
}

// publicKeyOutput is ListPublicKeys' PublicKey shape.
type publicKeyOutput struct {
	Value             []byte `json:"Value"`
	ValidityStartTime epoch  `json:"ValidityStartTime"`
	ValidityEndTime   epoch  `json:"ValidityEndTime"`
	Fingerprint       string `json:"Fingerprint"`
}

// keyValidity is how long fakeshift's one key is reported valid.
const keyValidity = 10 * 365 * 24 * time.Hour

func (s *Service) listPublicKeys(q *request) (any, error) {
	var in struct {
		StartTime *epoch
		EndTime   *epoch
		NextToken string
	}
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.StartTime != nil && in.EndTime != nil && time.Time(*in.StartTime).After(time.Time(*in.EndTime)) {
		return nil, apiError("InvalidTimeRangeException", "Start time must be before end time.")
	}
	if in.NextToken != "" {
		return nil, apiError("InvalidTokenException", "Invalid NextToken.")
	}
	list := []publicKeyOutput{}
	key, from, err := s.keys.existing()
	if err != nil {
		return nil, err
	}
	if key != nil {
		until := from.Add(keyValidity)
		inRange := (in.EndTime == nil || !time.Time(*in.EndTime).Before(from)) &&
			(in.StartTime == nil || time.Time(*in.StartTime).Before(until))
		if inRange {
			der, fp := publicKey(key)
			list = append(list, publicKeyOutput{Value: der, ValidityStartTime: epoch(from),
				ValidityEndTime: epoch(until), Fingerprint: fp})
		}
	}
	return map[string]any{"PublicKeyList": list}, nil
}
