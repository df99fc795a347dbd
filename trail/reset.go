package trail

import (
	"fmt"
	"slices"
)

// ResetResult is what Reset removed.
type ResetResult struct {
	// Trails are the trails deleted, as account/name.
	Trails []string `json:"trails"`
	// Events is how many records were removed.
	Events int `json:"events"`
}

// Reset deletes every trail (with its delivery state and digest chain) and every record,
// of every account: LookupEvents finds nothing older than the reset. The signing key of the
// digests stays (it is the store's), and sequence numbers go on increasing. It waits for a
// delivery under way and for the records being written.
func (s *Service) Reset() (ResetResult, error) {
	res := ResetResult{Trails: []string{}}
	if _, err := s.lastSeq(); err != nil { // read before the records go
		return res, fmt.Errorf("reset CloudTrail: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recording.Lock()
	defer s.recording.Unlock()
	all, err := s.trails("")
	if err != nil {
		return res, fmt.Errorf("reset CloudTrail: %w", err)
	}
	for _, t := range all {
		res.Trails = append(res.Trails, t.AccountID+"/"+t.Name)
	}
	slices.Sort(res.Trails)
	if res.Events, err = s.space.DeletePrefix([]byte(keyEvent)); err != nil {
		return res, fmt.Errorf("reset CloudTrail: %w", err)
	}
	for _, prefix := range []string{keyLookup, keyTrail} {
		if _, err := s.space.DeletePrefix([]byte(prefix)); err != nil {
			return res, fmt.Errorf("reset CloudTrail: %w", err)
		}
	}
	return res, nil
}
