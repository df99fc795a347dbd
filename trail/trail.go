package trail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fakeshift/fakeshift/auth"
	"github.com/fakeshift/fakeshift/clock"
	"github.com/fakeshift/fakeshift/s3fake"
	"github.com/fakeshift/fakeshift/store"
)

// Keys in the trail space:
//
//	ev/<seq>                                   the record, by arrival order (delivery reads these)
//	lk/<account>/<inverted ns>/<inverted seq>  LookupEvents' index, newest first per account
//	tr/<account>/<name>                        a trail: configuration, status, delivery cursor, digest chain
//	seq                                        the records' sequence counter
//	key/signing                                the digests' signing key
const (
	keyEvent  = "ev/"
	keyLookup = "lk/"
	keyTrail  = "tr/"
	keySeq    = "seq"
)

// Buckets is what CreateTrail and each delivery ask of S3 beside real calls: whether a
// bucket exists, and a dry run of PutObject's authorisation (s3fake implements it).
type Buckets interface {
	BucketFacts(bucket string) (s3fake.Facts, error)
	Authorize(p auth.Principal, bucket, action, resource string, header http.Header) error
}

// Config configures New. Store, Directory, S3 and Buckets are required.
type Config struct {
	Store     *store.DB
	Directory *auth.Directory
	Region    string
	// S3 is an AWS SDK S3 client whose transport reaches the built-in S3 in process; calls
	// carry cloudtrail.amazonaws.com in their context.
	S3      *s3.Client
	Buckets Buckets
	Clock   clock.Clock
	Logger  *slog.Logger
}

// Service is CloudTrail: it keeps the records of the calls the front door hands it, serves
// the CloudTrail API, and delivers the records of logging trails to S3.
type Service struct {
	cfg      Config
	log      *slog.Logger
	space    *store.Space
	verifier *auth.Verifier
	seq      *store.Counter
	// last is the sequence number of the newest record (read from the store once).
	lastOnce sync.Once
	last     atomic.Int64
	lastErr  error
	// recording is held (shared) by each Record from taking its sequence number until its
	// commit; committed takes it alone, so that deliveries read no record whose
	// predecessors are still being written.
	recording sync.RWMutex

	// mu is held by every change of a trail: the API calls that change one, each delivery
	// (from loading the trail to its last save, uploads included) and Reset. One lock, so
	// that a delivery never saves back a trail that DeleteTrail or StopLogging changed
	// after the delivery loaded it.
	mu   sync.Mutex
	keys *keyRing

	stop      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// New builds the service over the store; it does no I/O beyond reading the store.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Directory == nil || cfg.S3 == nil || cfg.Buckets == nil {
		return nil, errors.New("trail: Store, Directory, S3 and Buckets are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	space := cfg.Store.Space("trail")
	s := &Service{cfg: cfg, log: cfg.Logger.With("subsystem", "cloudtrail"), space: space,
		verifier: auth.NewVerifier(cfg.Directory), seq: space.Counter(keySeq, 1, 64), stop: make(chan struct{})}
	s.keys = newKeyRing(space, cfg.Clock)
	return s, nil
}

// Record keeps the record of a call; it is in the store when Record returns. It takes no
// lock of the trails (s.mu): a delivery holding it waits for records being written.
func (s *Service) Record(c Call) (Event, error) {
	return s.record(c, nil)
}

// record is Record with also, when not nil, run in the record's transaction with its
// sequence number: StopLogging saves the trail it stops together with its own record. also
// may run more than once (the store retries a conflicting transaction).
func (s *Service) record(c Call, also func(tx *store.Tx, seq int64) error) (Event, error) {
	if c.Time.IsZero() {
		c.Time = s.cfg.Clock.Now()
	}
	if c.Region == "" {
		c.Region = s.cfg.Region
	}
	ev := NewEvent(c)
	body, err := json.Marshal(ev)
	if err != nil {
		return ev, fmt.Errorf("encode CloudTrail record: %w", err)
	}
	s.recording.RLock()
	defer s.recording.RUnlock()
	seq, err := s.seq.Next()
	if err != nil {
		return ev, fmt.Errorf("CloudTrail record sequence: %w", err)
	}
	err = s.space.Update(func(tx *store.Tx) error {
		if err := tx.Put(eventKey(seq), body); err != nil {
			return err
		}
		if err := tx.Put(lookupKey(ev.RecipientAccountID, c.Time, seq), nil); err != nil {
			return err
		}
		if also != nil {
			return also(tx, seq)
		}
		return nil
	})
	if err != nil {
		return ev, fmt.Errorf("store CloudTrail record %s: %w", ev.EventName, err)
	}
	s.raiseLast(seq)
	return ev, nil
}

// raiseLast makes seq the newest record's sequence number unless a newer one is known.
func (s *Service) raiseLast(seq int64) {
	for {
		old := s.last.Load()
		if seq <= old || s.last.CompareAndSwap(old, seq) {
			return
		}
	}
}

// committed is the sequence number up to which every record is in the store: no record
// with a smaller number is still being written.
func (s *Service) committed() (int64, error) {
	if _, err := s.lastSeq(); err != nil {
		return 0, err
	}
	s.recording.Lock()
	defer s.recording.Unlock()
	return s.last.Load(), nil
}

func eventKey(seq int64) []byte {
	return []byte(keyEvent + fmt.Sprintf("%020d", seq))
}

// lookupKey orders an account's records newest first: the time and, within one instant,
// the sequence number are inverted.
func lookupKey(account string, t time.Time, seq int64) []byte {
	return fmt.Appendf(nil, "%s%s/%020d/%020d", keyLookup, account, uint64(math.MaxInt64-t.UnixNano()), uint64(math.MaxInt64-seq))
}

// lastNumber is the number in a key's last field: an event key's sequence number, or a
// lookup key's inverted one (math.MaxInt64 - seq).
func lastNumber(key []byte) (int64, bool) {
	i := bytes.LastIndexByte(key, '/')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(key[i+1:]), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// Close stops periodic deliveries; it does not close the store.
func (s *Service) Close() {
	s.closeOnce.Do(func() { close(s.stop) })
	s.wg.Wait()
}

// principal is who the service's S3 calls for trail t are made as: cloudtrail.amazonaws.com,
// with the trail's ARN (aws:SourceArn) and account (aws:SourceAccount).
func (s *Service) principal(t *state) auth.Principal {
	return auth.ServicePrincipal("cloudtrail.amazonaws.com", s.trailARN(t.AccountID, t.Name), t.AccountID)
}

// trailARN is the ARN of the account's trail name in the service's region.
func (s *Service) trailARN(account, name string) string {
	return "arn:aws:cloudtrail:" + s.cfg.Region + ":" + account + ":trail/" + name
}
