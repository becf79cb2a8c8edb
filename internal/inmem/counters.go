package inmem

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/counter"
)

var (
	_ counter.Reader      = (*Counters)(nil)
	_ counter.ValueReader = (*Counters)(nil)
)

// Counters keeps counters in memory, applying each event at most once as
// dynamo.Counters does. Nothing is sharded, so there is nothing to fold.
// It is safe for concurrent use.
type Counters struct {
	mu        sync.RWMutex
	values    map[string]int64
	processed map[string]time.Time // event id -> marker expiry
	now       func() time.Time
}

// CountersOption configures Counters.
type CountersOption func(*Counters)

// CountersClock makes the store read the time from now: when markers
// expire (tests).
func CountersClock(now func() time.Time) CountersOption {
	return func(c *Counters) { c.now = now }
}

// NewCounters returns a store with every counter at 0 and no event applied.
func NewCounters(opts ...CountersOption) *Counters {
	c := &Counters{values: map[string]int64{}, processed: map[string]time.Time{}, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// ApplyBatch applies each change unless an unexpired marker says its event
// was applied before; see dynamo.Counters.ApplyBatch for the contract.
func (c *Counters) ApplyBatch(_ context.Context, changes []counter.Change, markerTTL time.Duration) []counter.Result {
	results := make([]counter.Result, len(changes))
	for i, ch := range changes {
		results[i].Applied, results[i].Err = c.apply(ch.EventID, ch.Deltas, markerTTL)
	}
	return results
}

func (c *Counters) apply(eventID string, deltas []counter.Delta, markerTTL time.Duration) (bool, error) {
	if eventID == "" {
		return false, errors.New("inmem.Counters.ApplyBatch: event id is required")
	}
	if markerTTL <= 0 {
		return false, fmt.Errorf("inmem.Counters.ApplyBatch %s: marker TTL must be positive, got %v", eventID, markerTTL)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if exp, ok := c.processed[eventID]; ok && now.Before(exp) {
		return false, nil
	}
	c.processed[eventID] = now.Add(markerTTL)
	for _, d := range counter.Sum(deltas) {
		c.values[d.Name] += d.By
	}
	return true, nil
}

// FoldClosedDays does nothing: each counter is one value already. See
// dynamo.Counters.FoldClosedDays for the contract.
func (c *Counters) FoldClosedDays(context.Context) error { return nil }

// Get implements counter.Reader.
func (c *Counters) Get(_ context.Context, names ...string) (map[string]int64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string]int64, len(names))
	for _, n := range names {
		if v, ok := c.values[n]; ok {
			out[n] = v
		}
	}
	return out, nil
}

// Value implements counter.ValueReader.
func (c *Counters) Value(_ context.Context, name string) (int64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.values[name], nil
}

// Applied reports whether the event eventID was applied (and its marker has
// not expired).
func (c *Counters) Applied(eventID string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	exp, ok := c.processed[eventID]
	return ok && c.now().Before(exp)
}
