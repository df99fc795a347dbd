package s3fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/fakeshift/fakeshift/auth"
)

// Fault is an injected failure: the next Count requests on a bucket (of the listed
// operations, or any) wait Delay and then fail with Status, or, with Status 0, go on after
// the delay.
type Fault struct {
	// Count is how many requests the fault hits; it must be positive.
	Count int `json:"count"`
	// Status is 500 (InternalError), 503 (SlowDown) or 0 (only the delay).
	Status int `json:"status"`
	// Delay is waited before the request fails or goes on.
	Delay time.Duration `json:"-"`
	// Operations limits the fault to these S3 operations (PutObject, GetBucketAcl, ...);
	// empty means every operation.
	Operations []string `json:"operations,omitempty"`
}

func (f *Fault) matches(op string) bool {
	if len(f.Operations) == 0 {
		return true
	}
	for _, o := range f.Operations {
		if o == op {
			return true
		}
	}
	return false
}

// InjectFault makes the next requests on bucket fail (or wait) as f says. An empty bucket
// means every bucket. Faults queue: the first with requests left applies.
func (s *S3) InjectFault(bucket string, f Fault) error {
	if f.Count <= 0 {
		return errors.New("fault count must be positive")
	}
	if f.Status != 0 && f.Status != http.StatusInternalServerError && f.Status != http.StatusServiceUnavailable {
		return fmt.Errorf("fault status %d: want 500, 503 or 0 (delay only)", f.Status)
	}
	if f.Delay < 0 || f.Delay > 5*time.Minute {
		return fmt.Errorf("fault delay %s: want 0 to 5m", f.Delay)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[bucket] = append(s.faults[bucket], &f)
	return nil
}

// ClearFaults removes the faults of a bucket ("" for the every-bucket ones).
func (s *S3) ClearFaults(bucket string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.faults, bucket)
}

// takeFault returns the fault the request hits, counting it, or nil.
func (s *S3) takeFault(bucket, op string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{bucket, ""} {
		for _, f := range s.faults[key] {
			if f.Count > 0 && f.matches(op) {
				f.Count--
				hit := *f
				return &hit
			}
		}
	}
	return nil
}

func (s *S3) applyFault(c *call) error {
	f := s.takeFault(c.bucket, c.op.name)
	if f == nil {
		return nil
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
			return c.r.Context().Err()
		}
	}
	switch f.Status {
	case http.StatusInternalServerError:
		return errInternal
	case http.StatusServiceUnavailable:
		return errSlowDown
	}
	return nil
}

// TransferOwnership gives a bucket to another account, as if its owner had deleted it and
// the other account had created the same name: the new owner starts with a new bucket's
// configuration (no policy, private ACL, BucketOwnerEnforced, default encryption). The
// objects stay (a real bucket would have had to be emptied first).
func (s *S3) TransferOwnership(bucket, accountID string) error {
	if _, ok := s.cfg.Directory.Account(accountID); !ok {
		return fmt.Errorf("transfer bucket %s: unknown account %s", bucket, accountID)
	}
	return s.updateBucket(bucket, func(a *bucketAttrs) error {
		*a = *newBucketAttrs(accountID, a.Region, s.cfg.Clock.Now())
		return nil
	})
}

// Refusal is a request s3fake refused for lack of permission or a bad signature, with the
// reason (which S3 itself never tells the client).
type Refusal struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"request_id"`
	Operation string    `json:"operation"`
	Bucket    string    `json:"bucket,omitempty"`
	Key       string    `json:"key,omitempty"`
	Principal string    `json:"principal"`
	Code      string    `json:"code"`
	Reason    string    `json:"reason"`
}

func (s *S3) refuse(c *call, code, reason string) {
	who := c.principal.String()
	if c.principal.IsAnonymous() && c.scope.AccessKeyID != "" {
		who = "key " + c.scope.AccessKeyID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.refusals) == s.cfg.MaxRefusals {
		copy(s.refusals, s.refusals[1:])
		s.refusals = s.refusals[:len(s.refusals)-1]
	}
	s.refusals = append(s.refusals, Refusal{Time: s.cfg.Clock.Now().UTC(), RequestID: c.reqID, Operation: c.opName(),
		Bucket: c.bucket, Key: c.key, Principal: who, Code: code, Reason: reason})
}

// Refusals returns the refused requests, oldest first (the last MaxRefusals).
func (s *S3) Refusals() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refusal(nil), s.refusals...)
}

// ClearRefusals forgets the refusals.
func (s *S3) ClearRefusals() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusals = nil
}

// ControlHandler serves the test controls over HTTP, under the prefix the caller strips
// (the front door mounts it at /_fakeshift/s3/):
//
//	POST   buckets/{bucket}/owner    {"account_id": "111122223333"}
//	POST   buckets/{bucket}/faults   {"count": 3, "status": 503, "delay_ms": 0, "operations": ["PutObject"]}
//	DELETE buckets/{bucket}/faults
//	POST   faults / DELETE faults     the same for every bucket
//	GET    refusals / DELETE refusals
func (s *S3) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /buckets/{bucket}/owner", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			AccountID string `json:"account_id"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil || in.AccountID == "" {
			controlError(w, http.StatusBadRequest, "want a JSON body {\"account_id\": \"<12 digits>\"}")
			return
		}
		if err := s.TransferOwnership(r.PathValue("bucket"), in.AccountID); err != nil {
			status := http.StatusBadRequest
			if e, ok := asError(err); ok && e.Code == errNoSuchBucket.Code {
				status = http.StatusNotFound
			}
			controlError(w, status, err.Error())
			return
		}
		a, _ := s.loadBucket(r.PathValue("bucket"))
		writeControl(w, http.StatusOK, map[string]string{"bucket": r.PathValue("bucket"), "owner": a.Owner,
			"owner_canonical_id": s.canonicalID(a.Owner)})
	})
	faults := func(bucket func(*http.Request) string) (http.HandlerFunc, http.HandlerFunc) {
		post := func(w http.ResponseWriter, r *http.Request) {
			var in struct {
				Fault
				DelayMS int64 `json:"delay_ms"`
			}
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
				controlError(w, http.StatusBadRequest, "bad fault: "+err.Error())
				return
			}
			in.Fault.Delay = time.Duration(in.DelayMS) * time.Millisecond
			if err := s.InjectFault(bucket(r), in.Fault); err != nil {
				controlError(w, http.StatusBadRequest, err.Error())
				return
			}
			writeControl(w, http.StatusOK, map[string]any{"bucket": bucket(r), "fault": in})
		}
		del := func(w http.ResponseWriter, r *http.Request) {
			s.ClearFaults(bucket(r))
			w.WriteHeader(http.StatusNoContent)
		}
		return post, del
	}
	post, del := faults(func(r *http.Request) string { return r.PathValue("bucket") })
	mux.HandleFunc("POST /buckets/{bucket}/faults", post)
	mux.HandleFunc("DELETE /buckets/{bucket}/faults", del)
	post, del = faults(func(*http.Request) string { return "" })
	mux.HandleFunc("POST /faults", post)
	mux.HandleFunc("DELETE /faults", del)
	mux.HandleFunc("GET /refusals", func(w http.ResponseWriter, r *http.Request) {
		writeControl(w, http.StatusOK, map[string]any{"refusals": s.Refusals()})
	})
	mux.HandleFunc("DELETE /refusals", func(w http.ResponseWriter, r *http.Request) {
		s.ClearRefusals()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		controlError(w, http.StatusNotFound, "no S3 control endpoint "+r.Method+" "+r.URL.Path)
	})
	return mux
}

func writeControl(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeControl(w, status, map[string]string{"error": msg})
}

// Facts are what S3 knows of a bucket and tells an AWS service directly, outside any
// policy: whether it exists, who owns it, its region, default encryption and Object Lock.
type Facts struct {
	Exists           bool
	OwnerAccountID   string
	OwnerCanonicalID string
	Region           string
	// Encryption is the default encryption algorithm: AES256, aws:kms or aws:kms:dsse.
	Encryption string
	KMSKeyID   string
	ObjectLock bool
}

// BucketFacts returns the facts of a bucket.
func (s *S3) BucketFacts(bucket string) (Facts, error) {
	a, err := s.loadBucket(bucket)
	if err != nil || a == nil {
		return Facts{}, err
	}
	enc := a.bucketEncryption()
	return Facts{Exists: true, OwnerAccountID: a.Owner, OwnerCanonicalID: s.canonicalID(a.Owner), Region: a.Region,
		Encryption: enc.Algorithm, KMSKeyID: enc.KMSKeyID, ObjectLock: a.ObjectLock}, nil
}

// Authorize answers, without doing anything, whether principal p may perform action on
// resource of bucket (a dry run of the policy evaluation every request goes through):
// nil, NoSuchBucket, or AccessDenied with the reason. Redshift's EnableLogging uses it to
// check PutObject without writing a test object.
func (s *S3) Authorize(p auth.Principal, bucket, action, resource string, header http.Header) error {
	a, err := s.loadBucket(bucket)
	if err != nil {
		return err
	}
	if a == nil {
		return errNoSuchBucket.withBucket(bucket)
	}
	r, _ := http.NewRequest(http.MethodPut, "/"+bucket, nil)
	if header != nil {
		r.Header = header.Clone()
	}
	c := &call{r: r, bucket: bucket, principal: p, inProcess: true, attrs: a}
	return s.authorize(c, action, resource)
}
