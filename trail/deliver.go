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

func withPrincipal(ctx context.Context, p auth.Principal) context.Context {
	return auth.WithPrincipal(ctx, p)
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
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	var out []Delivery
	for {
		t, err := s.loadTrail(account, name)
		if err != nil || t == nil {
			return out, err
		}
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
	t, err := s.loadTrail(account, name)
	if err != nil || t == nil || !t.LogFileValidation {
		return out, err
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

// deliverFile uploads one file of the trail's owed records (the pending one first).
func (s *Service) deliverFile(ctx context.Context, t *state) (*Delivery, bool, error) {
	now := s.cfg.Clock.Now()
	if t.Pending == nil {
		if !t.IsLogging && !t.StopPending {
			return nil, false, nil
		}
		p, err := s.nextFile(t, now)
		if err != nil || p == nil {
			return nil, false, err
		}
		t.Pending = p
		if err := s.saveTrail(t); err != nil {
			return nil, false, err
		}
	}
	p := t.Pending
	body, n, err := s.fileBody(t.AccountID, p.From, p.To)
	if err != nil {
		return nil, false, err
	}
	d := &Delivery{Trail: t.Name, Bucket: t.Bucket, Key: p.Key, Records: n}
	t.LatestDeliveryAttemptTime = &now
	uerr := s.upload(ctx, t, p.Key, body, nil)
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
		t.StopPending = false
	}
	if t.LogFileValidation {
		t.Digest.addFile(t.Bucket, p, body)
	}
	if err := s.saveTrail(t); err != nil {
		return d, false, err
	}
	return d, true, nil
}

// nextFile gathers the trail's next file: up to maxRecordsPerFile of its account's records
// after its cursor. Nothing owed gives nil.
func (s *Service) nextFile(t *state, now time.Time) (*pendingFile, error) {
	horizon, err := s.committed()
	if err != nil {
		return nil, err
	}
	p := &pendingFile{}
	n := 0
	errFull := errors.New("full")
	err = s.space.View(func(tx *store.Tx) error {
		return tx.ScanFrom([]byte(keyEvent), eventKey(t.Cursor+1), func(k, v []byte) error {
			seq, err := seqOf(k)
			if err != nil {
				return nil
			}
			if seq > horizon {
				return errFull
			}
			var head struct {
				EventTime          string `json:"eventTime"`
				RecipientAccountID string `json:"recipientAccountId"`
				EventSource        string `json:"eventSource"`
				EventName          string `json:"eventName"`
				ErrorCode          string `json:"errorCode"`
				RequestParameters  struct {
					Name string `json:"name"`
				} `json:"requestParameters"`
			}
			if json.Unmarshal(v, &head) != nil {
				return nil
			}
			if p.From == 0 {
				p.From = seq
			}
			p.To = seq
			if head.RecipientAccountID != t.AccountID {
				return nil
			}
			at, _ := time.Parse(timeFormat, head.EventTime)
			if n == 0 || at.Before(p.Oldest) {
				p.Oldest = at
			}
			if at.After(p.Newest) {
				p.Newest = at
			}
			n++
			if t.StopPending && head.EventSource == "cloudtrail.amazonaws.com" && head.EventName == "StopLogging" &&
				head.ErrorCode == "" && (head.RequestParameters.Name == t.Name || head.RequestParameters.Name == t.arn(s.cfg.Region)) {
				p.EndsStop = true // the trail's own StopLogging: its last record
				return errFull
			}
			if n == maxRecordsPerFile {
				return errFull
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errFull) {
		return nil, fmt.Errorf("gather CloudTrail records: %w", err)
	}
	if n == 0 {
		if p.To > t.Cursor {
			// Only other accounts' records: pass over them.
			t.Cursor = p.To
			if err := s.saveTrail(t); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	p.Key = s.fileKey(t, now)
	return p, nil
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

// fileBody is the gzip of {"Records":[...]} of the account's records from..to, and how
// many it holds.
func (s *Service) fileBody(account string, from, to int64) ([]byte, int, error) {
	var raw bytes.Buffer
	raw.WriteString(`{"Records":[`)
	n := 0
	errDone := errors.New("done")
	err := s.space.View(func(tx *store.Tx) error {
		return tx.ScanFrom([]byte(keyEvent), eventKey(from), func(k, v []byte) error {
			seq, err := seqOf(k)
			if err != nil {
				return nil
			}
			if seq > to {
				return errDone
			}
			var head struct {
				RecipientAccountID string `json:"recipientAccountId"`
			}
			if json.Unmarshal(v, &head) != nil || head.RecipientAccountID != account {
				return nil
			}
			if n > 0 {
				raw.WriteByte(',')
			}
			raw.Write(v)
			n++
			return nil
		})
	})
	if err != nil && !errors.Is(err, errDone) {
		return nil, 0, fmt.Errorf("read CloudTrail records: %w", err)
	}
	raw.WriteString("]}")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		return nil, 0, fmt.Errorf("gzip CloudTrail file: %w", err)
	}
	return gz.Bytes(), n, nil
}

// upload puts one object as cloudtrail.amazonaws.com, with bucket-owner-full-control and
// SSE-S3, as CloudTrail does. Transient S3 errors are retried.
func (s *Service) upload(ctx context.Context, t *state, key string, body []byte, meta map[string]string) error {
	p := s.principal(t.AccountID, t.arn(s.cfg.Region))
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		_, err = s.cfg.S3.PutObject(withPrincipal(ctx, p), &s3.PutObjectInput{
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
