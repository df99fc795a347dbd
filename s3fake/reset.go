package s3fake

import (
	"errors"
	"fmt"

	"github.com/johannesboyne/gofakes3"
)

// ResetBucket is a bucket Reset deleted.
type ResetBucket struct {
	Name  string `json:"name"`
	Owner string `json:"owner"` // account id
	// Objects is how many objects it listed (current versions).
	Objects int `json:"objects"`
}

// ResetResult is what Reset removed.
type ResetResult struct {
	Buckets  []ResetBucket `json:"buckets"`
	Faults   int           `json:"faults"`
	Refusals int           `json:"refusals"`
}

// Reset deletes every bucket with everything in it (objects, versions, multipart uploads,
// configuration), and forgets the injected faults and the refusals. A request under way
// on a bucket may fail or leave its object behind; reset when the clients are quiet.
func (s *S3) Reset() (ResetResult, error) {
	res := ResetResult{Buckets: []ResetBucket{}}
	s.mu.Lock()
	for _, fs := range s.faults {
		res.Faults += len(fs)
	}
	res.Refusals = len(s.refusals)
	s.faults, s.refusals = map[string][]*Fault{}, nil
	s.mu.Unlock()

	buckets, err := s.backend.ListBuckets()
	if err != nil {
		return res, fmt.Errorf("reset S3: %w", err)
	}
	var errs []error
	for _, b := range buckets {
		rb := ResetBucket{Name: b.Name}
		if a, err := s.loadBucket(b.Name); err == nil && a != nil {
			rb.Owner = a.Owner
		}
		if list, err := s.backend.ListBucket(b.Name, nil, gofakes3.ListBucketPage{}); err == nil {
			rb.Objects = len(list.Contents)
		}
		if err := s.changeBucket(b.Name, func() error { return s.backend.ForceDeleteBucket(b.Name) }); err != nil {
			errs = append(errs, fmt.Errorf("delete bucket %s: %w", b.Name, err))
			continue
		}
		res.Buckets = append(res.Buckets, rb)
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("reset S3: %w", err)
	}
	return res, nil
}
