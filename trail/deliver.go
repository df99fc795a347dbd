package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/store"
)

// maxRecordsPerFile bounds one trail file; a larger backlog goes as several files.
const maxRecordsPerFile = 5000

// Delivery is one file a flush put in S3 (or failed to).
type Delivery struct {
	Trail   string `json:"trail"`
	Bucket  string `json:"bucket"`
	Key     string `json:"key,omitempty"`
	Records int    `json:"records,omitempty"`
	Digest  string `json:"digest,omitempty"`
	Error   string `json:"error,omitempty"`
}

// StartDelivery delivers every logging trail's records each interval (CloudTrail: about
// every 5 minutes); a zero or negative interval delivers only on Flush.
func (s *Service) StartDelivery(interval time.Duration) {
	if interval <= 0 {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				ctx, cancel := context.WithTimeout(context.Background(), interval)
				if _, err := s.deliver(ctx, false); err != nil {
					s.log.Warn("periodic CloudTrail delivery", "err", err)
				}
				cancel()
			}
		}
	}()
}

// Flush delivers every logging trail's records now, closes each validating trail's digest
// period with a digest file, and returns when the files are in S3 (or the failures are in
// GetTrailStatus).
func (s *Service) Flush(ctx context.Context) ([]Delivery, error) {
	return s.deliver(ctx, true)
}

func (s *Service) deliver(ctx context.Context, closeDigest bool) ([]Delivery, error) {
	all, err := s.trails("")
	if err != nil {
		return nil, err
	}
	var out []Delivery
	for _, t := range all {
		if !t.IsLogging && !t.StopPending && t.Pending == nil {
			continue
		}
		got, err := s.deliverTrail(ctx, t.AccountID, t.Name, closeDigest)
		out = append(out, got...)
		if err != nil {
			s.log.Debug("CloudTrail delivery failed", "trail", t.Name, "err", err)
		}
	}
	return out, nil
}

// deliverTrail delivers one trail's owed records, file by file, then its digest when the
// digest period is over (or closeDigest asks for it).
func (s *Service) deliverTrail(ctx context.Context, account, name string, closeDigest bool) ([]Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliverTrailLocked(ctx, account, name, closeDigest)
}

// deliverTrailLocked is deliverTrail for a caller that holds s.mu. It loads the trail once:
// under s.mu nothing else changes it, and each step saves what it changed.
func (s *Service) deliverTrailLocked(ctx context.Context, account, name string, closeDigest bool) ([]Delivery, error) {
	t, err := s.loadTrail(account, name)
	if err != nil || t == nil {
		return nil, err
	}
	var out []Delivery
	for {
		d, more, err := s.deliverFile(ctx, t)
		if d != nil {
			out = append(out, *d)
		}
		if err != nil {
			return out, err
		}
		if !more {
			break
		}
	}
	if !t.LogFileValidation {
		return out, nil
	}
	key, err := s.deliverDigest(ctx, t, closeDigest)
	if key != "" || err != nil {
		d := Delivery{Trail: name, Bucket: t.Bucket, Digest: key}
		if err != nil {
			d.Error = err.Error()
		}
		out = append(out, d)
	}
	return out, err
}

// trailFile is a file's content: its gzip, the SHA-256 of what was gzipped (the digest
// lists it), and how many records it holds.
type trailFile struct {
	gz      []byte
	hash    string
	records int
}

// deliverFile uploads one file of the trail's owed records (the pending one first) and
// saves t.
func (s *Service) deliverFile(ctx context.Context, t *state) (*Delivery, bool, error) {
	now := s.cfg.Clock.Now()
	var f *trailFile
	if t.Pending == nil {
		if !t.IsLogging && !t.StopPending {
			return nil, false, nil
		}
		p, next, err := s.nextFile(t, now)
		if err != nil || p == nil {
			return nil, false, err
		}
		t.Pending, f = p, next
		if err := s.saveTrail(t); err != nil {
			return nil, false, err
		}
	} else {
		// A file saved before a failed upload or a crash: the same records again.
		var err error
		if f, err = s.fileBody(t.AccountID, t.Pending.From, t.Pending.To); err != nil {
			return nil, false, err
		}
	}
	p := t.Pending
	d := &Delivery{Trail: t.Name, Bucket: t.Bucket, Key: p.Key, Records: f.records}
	t.LatestDeliveryAttemptTime = &now
	uerr := s.upload(ctx, t, p.Key, f.gz, nil)
	ok := uerr == nil
	t.LatestDeliverySucceeded = &ok
	if uerr != nil {
		t.LatestDeliveryError = deliveryError(uerr)
		d.Error = t.LatestDeliveryError
		if err := s.saveTrail(t); err != nil {
			return d, false, err
		}
		return d, false, uerr
	}
	t.LatestDeliveryError = ""
	t.LatestDeliveryTime = &now
	t.Cursor, t.Pending = p.To, nil
	if p.EndsStop {
		t.StopPending, t.StopSeq = false, 0
	}
	if t.LogFileValidation {
		t.Digest.addFile(t.Bucket, p, f.hash)
	}
	if err := s.saveTrail(t); err != nil {
		return d, false, err
	}
	return d, true, nil
}

// recordHead is what a delivery reads of a record.
type recordHead struct {
	EventTime          string `json:"eventTime"`
	RecipientAccountID string `json:"recipientAccountId"`
}

// nextFile gathers the trail's next file, in one read of the records: up to
// maxRecordsPerFile of its account's records after its cursor, and for a stopped trail
// none after its StopLogging record. Nothing owed gives nil (and moves the cursor over
// other accounts' records).
func (s *Service) nextFile(t *state, now time.Time) (*pendingFile, *trailFile, error) {
	horizon, err := s.committed()
	if err != nil {
		return nil, nil, err
	}
	p := &pendingFile{}
	var fb fileBuilder
	stopped := false
	errFull := errors.New("full")
	err = s.space.View(func(tx *store.Tx) error {
		return tx.ScanFrom([]byte(keyEvent), eventKey(t.Cursor+1), func(k, v []byte) error {
			seq, ok := lastNumber(k)
			if !ok {
				return nil
			}
			if seq > horizon {
				return errFull
			}
			if t.StopPending && seq > t.StopSeq {
				stopped = true // made after the trail stopped: never its own
				return errFull
			}
			var head recordHead
			if json.Unmarshal(v, &head) != nil {
				return nil
			}
			if p.From == 0 {
				p.From = seq
			}
			p.To = seq
			if t.StopPending && seq == t.StopSeq {
				stopped = true
			}
			if head.RecipientAccountID == t.AccountID {
				at, _ := time.Parse(timeFormat, head.EventTime)
				if fb.n == 0 || at.Before(p.Oldest) {
					p.Oldest = at
				}
				if at.After(p.Newest) {
					p.Newest = at
				}
				fb.add(v)
			}
			if stopped || fb.n == maxRecordsPerFile {
				return errFull
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errFull) {
		return nil, nil, fmt.Errorf("gather CloudTrail records: %w", err)
	}
	if fb.n == 0 {
		changed := false
		if p.To > t.Cursor {
			// Only other accounts' records: pass over them.
			t.Cursor, changed = p.To, true
		}
		if stopped {
			// Nothing of the trail's up to its StopLogging record (there is none to deliver).
			t.StopPending, t.StopSeq, changed = false, 0, true
		}
		if changed {
			if err := s.saveTrail(t); err != nil {
				return nil, nil, err
			}
		}
		return nil, nil, nil
	}
	p.EndsStop = stopped
	p.Key = s.fileKey(t, now)
	f, err := fb.finish()
	if err != nil {
		return nil, nil, err
	}
	return p, f, nil
}

// fileKey is a trail file's key:
// <prefix/>AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz
func (s *Service) fileKey(t *state, now time.Time) string {
	now = now.UTC()
	r := s.cfg.Region
	return joinPrefix(t.Prefix) + "AWSLogs/" + t.AccountID + "/CloudTrail/" + r + "/" + now.Format("2006/01/02") + "/" +
		t.AccountID + "_CloudTrail_" + r + "_" + now.Format("20060102T1504Z") + "_" + uniqueSuffix() + ".json.gz"
}

const suffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func uniqueSuffix() string {
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = suffixAlphabet[int(b[i])%len(suffixAlphabet)]
	}
	return string(b)
}

// fileBuilder writes a trail file, {"Records":[...]}, a record at a time.
type fileBuilder struct {
	raw bytes.Buffer
	n   int
}

func (b *fileBuilder) add(record []byte) {
	if b.n == 0 {
		b.raw.WriteString(`{"Records":[`)
	} else {
		b.raw.WriteByte(',')
	}
	b.raw.Write(record)
	b.n++
}

// finish closes the file and gzips it; the hash is of the file before gzip, which is
// what a digest lists (no second read of the gzip to hash it).
func (b *fileBuilder) finish() (*trailFile, error) {
	if b.n == 0 {
		b.raw.WriteString(`{"Records":[`)
	}
	b.raw.WriteString("]}")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b.raw.Bytes())
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip CloudTrail file: %w", err)
	}
	return &trailFile{gz: gz.Bytes(), hash: sha256Hex(b.raw.Bytes()), records: b.n}, nil
}

// fileBody rebuilds the file of the account's records from..to: the pending file of a
// delivery whose upload failed or was cut short, with the same bytes.
func (s *Service) fileBody(account string, from, to int64) (*trailFile, error) {
	var fb fileBuilder
	errDone := errors.New("done")
	err := s.space.View(func(tx *store.Tx) error {
		return tx.ScanFrom([]byte(keyEvent), eventKey(from), func(k, v []byte) error {
			seq, ok := lastNumber(k)
			if !ok {
				return nil
			}
			if seq > to {
				return errDone
			}
			var head recordHead
			if json.Unmarshal(v, &head) != nil || head.RecipientAccountID != account {
				return nil
			}
			fb.add(v)
			return nil
		})
	})
	if err != nil && !errors.Is(err, errDone) {
		return nil, fmt.Errorf("read CloudTrail records: %w", err)
	}
	return fb.finish()
}

// upload puts one object as cloudtrail.amazonaws.com, with bucket-owner-full-control and
// SSE-S3, as CloudTrail does. Transient S3 errors are retried.
func (s *Service) upload(ctx context.Context, t *state, key string, body []byte, meta map[string]string) error {
	p := s.principal(t)
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		_, err = s.cfg.S3.PutObject(auth.WithPrincipal(ctx, p), &s3.PutObjectInput{
			Bucket: aws.String(t.Bucket), Key: aws.String(key), Body: bytes.NewReader(body),
			ContentLength: aws.Int64(int64(len(body))), ACL: s3types.ObjectCannedACLBucketOwnerFullControl,
			ServerSideEncryption: s3types.ServerSideEncryptionAes256, Metadata: meta,
			ContentType: aws.String("application/json"), ContentEncoding: aws.String("gzip"),
		})
		if err == nil || !transient(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("put s3://%s/%s as %s: %w", t.Bucket, key, p, err)
	}
	return nil
}

func transient(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout":
			return true
		}
		return false
	}
	return true
}

// deliveryError is what GetTrailStatus shows for a failed delivery: S3's error code
// ("NoSuchBucket", "AccessDenied").
func deliveryError(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return strings.TrimPrefix(err.Error(), "fakeshift: ")
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
