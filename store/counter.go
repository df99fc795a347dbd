package store

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// Counter hands out increasing int64 ids that stay increasing across restarts: it reserves
// blocks of ids in the store and hands them out from memory, so most ids cost no write. Ids
// of a block not used before a crash or restart are skipped, never reused.
type Counter struct {
	space *Space
	key   []byte
	block int64

	mu   sync.Mutex
	next int64 // next id to hand out
	end  int64 // first id not reserved
}

// Counter returns the counter stored under key, whose first id is first.
func (s *Space) Counter(key string, first, block int64) *Counter {
	if block < 1 {
		block = 1
	}
	return &Counter{space: s, key: []byte(key), block: block, next: first, end: first}
}

// Next returns the next id.
func (c *Counter) Next() (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next == c.end {
		if err := c.reserve(); err != nil {
			return 0, err
		}
	}
	id := c.next
	c.next++
	return id, nil
}

// reserve records in the store that ids up to a new block end are taken.
func (c *Counter) reserve() error {
	return c.space.Update(func(tx *Tx) error {
		v, err := tx.Get(c.key)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		default:
			stored, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return fmt.Errorf("decode counter %s: %w", c.key, err)
			}
			if stored > c.next {
				c.next = stored
			}
		}
		c.end = c.next + c.block
		return tx.Put(c.key, strconv.AppendInt(nil, c.end, 10))
	})
}
