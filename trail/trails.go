package trail

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

// state is a trail: its configuration, logging status, delivery cursor and digest chain.
type state struct {
	Name                       string `json:"name"`
	AccountID                  string `json:"account_id"`
	HomeRegion                 string `json:"home_region"`
	Bucket                     string `json:"bucket"`
	Prefix                     string `json:"prefix,omitempty"`
	IncludeGlobalServiceEvents bool   `json:"include_global_service_events"`
	IsMultiRegionTrail         bool   `json:"is_multi_region_trail"`
	LogFileValidation          bool   `json:"log_file_validation"`

	IsLogging bool `json:"is_logging"`
	// StopPending: StopLogging was called and its own record, the last one the trail
	// delivers, is not delivered yet. StopSeq is that record's sequence number, saved in
	// the record's own transaction: the trail knows its last record by number, not by
	// content, and a stop whose record was not stored did not happen.
	StopPending      bool       `json:"stop_pending,omitempty"`
	StopSeq          int64      `json:"stop_seq,omitempty"`
	StartLoggingTime *time.Time `json:"start_logging_time,omitempty"`
	StopLoggingTime  *time.Time `json:"stop_logging_time,omitempty"`

	// Cursor is the sequence number of the last record this trail has delivered or passed
	// over (records made while it was not logging are never its).
	Cursor int64 `json:"cursor"`
	// Pending is the delivery under way, saved before its upload.
	Pending *pendingFile `json:"pending,omitempty"`

	LatestDeliveryTime        *time.Time `json:"latest_delivery_time,omitempty"`
	LatestDeliveryAttemptTime *time.Time `json:"latest_delivery_attempt_time,omitempty"`
	LatestDeliveryError       string     `json:"latest_delivery_error,omitempty"`
	LatestDeliverySucceeded   *bool      `json:"latest_delivery_succeeded,omitempty"`

	Digest digestChain `json:"digest"`
}

type pendingFile struct {
	Key  string `json:"key"`
	From int64  `json:"from"`
	To   int64  `json:"to"`
	// Oldest and Newest are the records' event times, for the digest.
	Oldest time.Time `json:"oldest"`
	Newest time.Time `json:"newest"`
	// EndsStop: the file ends with the trail's own StopLogging record (StopSeq).
	EndsStop bool `json:"ends_stop,omitempty"`
}

func trailKey(account, name string) []byte { return []byte(keyTrail + account + "/" + name) }

func (s *Service) loadTrail(account, name string) (*state, error) {
	b, err := s.space.Get(trailKey(account, name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load trail %s: %w", name, err)
	}
	var t state
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("decode trail %s: %w", name, err)
	}
	return &t, nil
}

// saveTrail stores t; the caller holds s.mu.
func (s *Service) saveTrail(t *state) error {
	return s.space.Update(func(tx *store.Tx) error { return putTrail(tx, t) })
}

// putTrail stores t in the transaction tx.
func putTrail(tx *store.Tx, t *state) error {
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode trail %s: %w", t.Name, err)
	}
	if err := tx.Put(trailKey(t.AccountID, t.Name), b); err != nil {
		return fmt.Errorf("save trail %s: %w", t.Name, err)
	}
	return nil
}

// trails lists every trail, of every account (account "" ) or of one.
func (s *Service) trails(account string) ([]*state, error) {
	prefix := keyTrail
	if account != "" {
		prefix += account + "/"
	}
	var out []*state
	err := s.space.Scan([]byte(prefix), func(_, v []byte) error {
		var t state
		if err := json.Unmarshal(v, &t); err != nil {
			return err
		}
		out = append(out, &t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list trails: %w", err)
	}
	return out, nil
}

// trailOutput is the model's Trail shape.
type trailOutput struct {
	Name                       string `json:"Name"`
	S3BucketName               string `json:"S3BucketName"`
	S3KeyPrefix                string `json:"S3KeyPrefix,omitempty"`
	IncludeGlobalServiceEvents bool   `json:"IncludeGlobalServiceEvents"`
	IsMultiRegionTrail         bool   `json:"IsMultiRegionTrail"`
	HomeRegion                 string `json:"HomeRegion,omitempty"`
	TrailARN                   string `json:"TrailARN"`
	LogFileValidationEnabled   bool   `json:"LogFileValidationEnabled"`
	HasCustomEventSelectors    *bool  `json:"HasCustomEventSelectors,omitempty"`
	HasInsightSelectors        *bool  `json:"HasInsightSelectors,omitempty"`
	IsOrganizationTrail        bool   `json:"IsOrganizationTrail"`
}

func (s *Service) output(t *state, full bool) trailOutput {
	o := trailOutput{Name: t.Name, S3BucketName: t.Bucket, S3KeyPrefix: t.Prefix,
		IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents, IsMultiRegionTrail: t.IsMultiRegionTrail,
		TrailARN: s.trailARN(t.AccountID, t.Name), LogFileValidationEnabled: t.LogFileValidation}
	if full {
		f := false
		o.HomeRegion = t.HomeRegion
		o.HasCustomEventSelectors, o.HasInsightSelectors = &f, &f
	}
	return o
}

var (
	trailNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._\-]*[A-Za-z0-9]$`)
	adjacentPunct    = regexp.MustCompile(`[._\-]{2}`)
)

// validateName applies CloudTrail's trail-name rules.
func validateName(name string) error {
	switch {
	case len(name) < 3:
		return apiError("InvalidTrailNameException", "Trail name too short. Minimum allowed length: 3 characters. Specified name length: %d characters.", len(name))
	case len(name) > 128:
		return apiError("InvalidTrailNameException", "Trail name too long. Maximum allowed length: 128 characters. Specified name length: %d characters.", len(name))
	case !trailNamePattern.MatchString(name):
		return apiError("InvalidTrailNameException", "Trail name must starts with a letter or number and ends with a letter or number, and can only contain letters, numbers, periods, underscores and dashes.")
	case adjacentPunct.MatchString(name):
		return apiError("InvalidTrailNameException", "Trail name or ARN can only contain non-adjacent periods, underscores and dashes.")
	case net.ParseIP(name) != nil:
		return apiError("InvalidTrailNameException", "Trail name cannot be formatted as an IP address.")
	}
	return nil
}

// resolve finds the trail a Name parameter (a name or a trail ARN) names.
func (s *Service) resolve(q *request, name string) (*state, error) {
	if name == "" {
		return nil, apiError("InvalidTrailNameException", "Trail name cannot be empty.")
	}
	account := q.account
	if strings.HasPrefix(name, "arn:") {
		rest, ok := strings.CutPrefix(name, "arn:aws:cloudtrail:")
		parts := strings.SplitN(rest, ":", 3)
		if !ok || len(parts) != 3 || !strings.HasPrefix(parts[2], "trail/") {
			return nil, apiError("CloudTrailARNInvalidException", "Invalid trail ARN: %s", name)
		}
		if parts[0] != s.cfg.Region {
			return nil, apiError("TrailNotFoundException", "Unknown trail: %s for the user: %s", name, q.account)
		}
		account, name = parts[1], strings.TrimPrefix(parts[2], "trail/")
	} else if err := validateName(name); err != nil {
		return nil, err
	}
	t, err := s.loadTrail(account, name)
	if err != nil {
		return nil, err
	}
	if t == nil || account != q.account {
		return nil, apiError("TrailNotFoundException", "Unknown trail: %s for the user: %s",
			s.trailARN(account, name), q.account)
	}
	return t, nil
}

type createTrailInput struct {
	Name                       string
	S3BucketName               string
	S3KeyPrefix                string
	SnsTopicName               string
	IncludeGlobalServiceEvents *bool
	IsMultiRegionTrail         bool
	EnableLogFileValidation    bool
	CloudWatchLogsLogGroupArn  string
	CloudWatchLogsRoleArn      string
	KmsKeyID                   string `json:"KmsKeyId"`
	IsOrganizationTrail        bool
	// TagsList is accepted, as Terraform sends it, and not kept: fakeshift serves no
	// ListTags.
	TagsList []struct{ Key, Value string }
}

func (s *Service) createTrail(q *request) (any, error) {
	var in createTrailInput
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		return nil, apiError("TrailNotProvidedException", "Trail name was not provided.")
	}
	if err := validateName(in.Name); err != nil {
		return nil, err
	}
	switch {
	case in.S3BucketName == "":
		return nil, apiError("InvalidS3BucketNameException", "S3 bucket name cannot be empty.")
	case in.SnsTopicName != "":
		return nil, apiError("UnsupportedOperationException", "SnsTopicName is not supported by fakeshift")
	case in.KmsKeyID != "":
		return nil, apiError("UnsupportedOperationException", "KmsKeyId is not supported by fakeshift: trail files are encrypted with SSE-S3")
	case in.CloudWatchLogsLogGroupArn != "" || in.CloudWatchLogsRoleArn != "":
		return nil, apiError("UnsupportedOperationException", "CloudWatch Logs delivery is not supported by fakeshift")
	case in.IsOrganizationTrail:
		return nil, apiError("OrganizationsNotInUseException", "This account is not a member of an organization.")
	case len(in.S3KeyPrefix) > 200:
		return nil, apiError("InvalidS3PrefixException", "S3 prefix is longer than 200 characters.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, err := s.loadTrail(q.account, in.Name); err != nil {
		return nil, err
	} else if old != nil {
		return nil, apiError("TrailAlreadyExistsException", "Trail %s already exists for customer: %s", in.Name, q.account)
	}
	all, err := s.trails(q.account)
	if err != nil {
		return nil, err
	}
	if len(all) >= 5 {
		return nil, apiError("MaximumNumberOfTrailsExceededException", "User: %s already has 5 trails in %s.", q.account, s.cfg.Region)
	}
	t := &state{Name: in.Name, AccountID: q.account, HomeRegion: s.cfg.Region, Bucket: in.S3BucketName,
		Prefix: in.S3KeyPrefix, IncludeGlobalServiceEvents: in.IncludeGlobalServiceEvents == nil || *in.IncludeGlobalServiceEvents,
		IsMultiRegionTrail: in.IsMultiRegionTrail, LogFileValidation: in.EnableLogFileValidation}
	if err := s.checkBucket(q, t); err != nil {
		return nil, err
	}
	if err := s.saveTrail(t); err != nil {
		return nil, err
	}
	o := s.output(t, false)
	return o, nil
}

// checkBucket is CreateTrail's check of the bucket, as cloudtrail.amazonaws.com: it must
// exist, and its policy must let CloudTrail read its ACL and put objects under AWSLogs/ with
// bucket-owner-full-control.
func (s *Service) checkBucket(q *request, t *state) error {
	facts, err := s.cfg.Buckets.BucketFacts(t.Bucket)
	if err != nil {
		return err
	}
	if !facts.Exists {
		return apiError("S3BucketDoesNotExistException", "S3 bucket %s does not exist.", t.Bucket)
	}
	p := s.principal(t)
	if _, err := s.cfg.S3.GetBucketAcl(auth.WithPrincipal(q.r.Context(), p), &s3.GetBucketAclInput{Bucket: aws.String(t.Bucket)}); err != nil {
		return apiError("InsufficientS3BucketPolicyException", "Incorrect S3 bucket policy is detected for bucket: %s", t.Bucket)
	}
	key := joinPrefix(t.Prefix) + "AWSLogs/" + t.AccountID + "/"
	header := http.Header{"X-Amz-Acl": {"bucket-owner-full-control"}}
	if err := s.cfg.Buckets.Authorize(p, t.Bucket, "s3:PutObject", "arn:aws:s3:::"+t.Bucket+"/"+key, header); err != nil {
		var se *s3fake.Error
		if errors.As(err, &se) && se.Code == "AccessDenied" {
			return apiError("InsufficientS3BucketPolicyException", "Incorrect S3 bucket policy is detected for bucket: %s", t.Bucket)
		}
		return err
	}
	return nil
}

// joinPrefix is a trail's key prefix as it goes before AWSLogs/: CloudTrail adds the slash.
func joinPrefix(prefix string) string {
	if prefix == "" {
		return ""
	}
	return prefix + "/"
}

func (s *Service) describeTrails(q *request) (any, error) {
	var in struct {
		TrailNameList       []string `json:"trailNameList"`
		IncludeShadowTrails *bool    `json:"includeShadowTrails"`
	}
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	all, err := s.trails(q.account)
	if err != nil {
		return nil, err
	}
	list := []trailOutput{}
	for _, t := range all {
		if len(in.TrailNameList) > 0 && !namesTrail(in.TrailNameList, t.Name, s.trailARN(t.AccountID, t.Name)) {
			continue
		}
		list = append(list, s.output(t, true))
	}
	return map[string]any{"trailList": list}, nil
}

func namesTrail(names []string, name, arn string) bool {
	for _, n := range names {
		if n == name || n == arn {
			return true
		}
	}
	return false
}

// trailInfo is ListTrails' TrailInfo shape.
type trailInfo struct {
	TrailARN   string `json:"TrailARN"`
	Name       string `json:"Name"`
	HomeRegion string `json:"HomeRegion"`
}

// listTrails lists the caller's trails. An account has at most 5, so there is one page:
// a NextToken can only be one fakeshift never gave.
func (s *Service) listTrails(q *request) (any, error) {
	var in struct{ NextToken string }
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.NextToken != "" {
		return nil, apiError("InvalidTokenException", "Invalid NextToken.")
	}
	all, err := s.trails(q.account)
	if err != nil {
		return nil, err
	}
	list := []trailInfo{}
	for _, t := range all {
		list = append(list, trailInfo{TrailARN: s.trailARN(t.AccountID, t.Name), Name: t.Name, HomeRegion: t.HomeRegion})
	}
	return map[string]any{"Trails": list}, nil
}

type nameInput struct{ Name string }

func (s *Service) named(q *request) (*state, error) {
	var in nameInput
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	return s.resolve(q, in.Name)
}

func (s *Service) getTrail(q *request) (any, error) {
	t, err := s.named(q)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Trail": s.output(t, true)}, nil
}

func (s *Service) startLogging(q *request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.named(q)
	if err != nil {
		return nil, err
	}
	if t.StopPending {
		// Deliver up to the StopLogging record before logging starts again.
		if _, err := s.deliverTrailLocked(q.r.Context(), t.AccountID, t.Name, false); err != nil {
			s.log.Warn("delivery before StartLogging", "trail", t.Name, "err", err)
		}
		if t, err = s.named(q); err != nil {
			return nil, err
		}
	}
	if !t.IsLogging {
		t.StopPending, t.StopSeq = false, 0
		now := s.cfg.Clock.Now()
		// Records made before now are not this trail's: move its cursor to the newest one.
		last, err := s.lastSeq()
		if err != nil {
			return nil, err
		}
		if t.Pending == nil {
			t.Cursor = last
		}
		t.IsLogging, t.StartLoggingTime = true, &now
		if err := s.saveTrail(t); err != nil {
			return nil, err
		}
	}
	return struct{}{}, nil
}

// stopLogging delivers what the trail owes, then stops it. The call's own record is the
// last one the trail delivers: it is stored here, in the transaction that saves the stopped
// trail with the record's sequence number (StopSeq), and request.stored tells ServeAPI so
// that it is not recorded again. Stopping a trail that is not logging changes nothing and is
// recorded as any call.
func (s *Service) stopLogging(q *request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.named(q)
	if err != nil {
		return nil, err
	}
	if !t.IsLogging {
		return struct{}{}, nil
	}
	// What was recorded while the trail logged is still delivered.
	if _, err := s.deliverTrailLocked(q.r.Context(), t.AccountID, t.Name, true); err != nil {
		s.log.Warn("final delivery before StopLogging", "trail", t.Name, "err", err)
	}
	if t, err = s.named(q); err != nil {
		return nil, err
	}
	if !t.IsLogging {
		return struct{}{}, nil
	}
	now := s.cfg.Clock.Now()
	c := q.call
	c.Time = now
	ev, err := s.record(c, func(tx *store.Tx, seq int64) error {
		t.IsLogging, t.StopLoggingTime, t.StopPending, t.StopSeq = false, &now, true, seq
		return putTrail(tx, t)
	})
	if err != nil {
		return nil, err
	}
	q.stored = &ev
	return struct{}{}, nil
}

func (s *Service) deleteTrail(q *request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.named(q)
	if err != nil {
		return nil, err
	}
	if err := s.space.Delete(trailKey(t.AccountID, t.Name)); err != nil {
		return nil, fmt.Errorf("delete trail %s: %w", t.Name, err)
	}
	return struct{}{}, nil
}

// statusOutput is GetTrailStatus's response.
type statusOutput struct {
	IsLogging                      bool   `json:"IsLogging"`
	LatestDeliveryError            string `json:"LatestDeliveryError,omitempty"`
	LatestDeliveryTime             *epoch `json:"LatestDeliveryTime,omitempty"`
	StartLoggingTime               *epoch `json:"StartLoggingTime,omitempty"`
	StopLoggingTime                *epoch `json:"StopLoggingTime,omitempty"`
	LatestDigestDeliveryTime       *epoch `json:"LatestDigestDeliveryTime,omitempty"`
	LatestDigestDeliveryError      string `json:"LatestDigestDeliveryError,omitempty"`
	LatestDeliveryAttemptTime      string `json:"LatestDeliveryAttemptTime,omitempty"`
	LatestNotificationAttemptTime  string `json:"LatestNotificationAttemptTime"`
	LatestNotificationAttemptOK    string `json:"LatestNotificationAttemptSucceeded"`
	LatestDeliveryAttemptSucceeded string `json:"LatestDeliveryAttemptSucceeded,omitempty"`
	TimeLoggingStarted             string `json:"TimeLoggingStarted,omitempty"`
	TimeLoggingStopped             string `json:"TimeLoggingStopped,omitempty"`
}

func epochPtr(t *time.Time) *epoch {
	if t == nil {
		return nil
	}
	e := epoch(*t)
	return &e
}

// statusTime is the layout of GetTrailStatus's string times ("2024-01-02T15:04:05Z").
func statusTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func (s *Service) getTrailStatus(q *request) (any, error) {
	t, err := s.named(q)
	if err != nil {
		return nil, err
	}
	out := statusOutput{IsLogging: t.IsLogging, LatestDeliveryError: t.LatestDeliveryError,
		LatestDeliveryTime: epochPtr(t.LatestDeliveryTime), StartLoggingTime: epochPtr(t.StartLoggingTime),
		StopLoggingTime: epochPtr(t.StopLoggingTime), LatestDigestDeliveryTime: epochPtr(t.Digest.LatestDelivery),
		LatestDigestDeliveryError: t.Digest.LatestError,
		LatestDeliveryAttemptTime: statusTime(t.LatestDeliveryAttemptTime),
		TimeLoggingStarted:        statusTime(t.StartLoggingTime), TimeLoggingStopped: statusTime(t.StopLoggingTime)}
	if t.LatestDeliverySucceeded != nil {
		out.LatestDeliveryAttemptSucceeded = statusTime(t.LatestDeliveryAttemptTime)
		if !*t.LatestDeliverySucceeded {
			out.LatestDeliveryAttemptSucceeded = ""
		}
	}
	return out, nil
}

// lastSeq is the sequence number of the newest record.
func (s *Service) lastSeq() (int64, error) {
	s.lastOnce.Do(func() {
		var last int64
		s.lastErr = s.space.View(func(tx *store.Tx) error {
			return tx.Scan([]byte(keyEvent), func(k, _ []byte) error {
				if n, ok := lastNumber(k); ok && n > last {
					last = n
				}
				return nil
			})
		})
		s.raiseLast(last)
	})
	return s.last.Load(), s.lastErr
}
