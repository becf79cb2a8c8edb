package inmem

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/outbox"
)

var _ outbox.Store = (*Outbox)(nil)

// Outbox is an outbox.Store in memory.
type Outbox struct {
	mu      sync.Mutex
	records map[string]outbox.Record
}

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox { return &Outbox{records: map[string]outbox.Record{}} }

// put records r; stores call it while they hold their own lock, so the
// change and its record appear together.
func (o *Outbox) put(r outbox.Record) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.records[r.EventID] = r
}

// Pending implements outbox.Store.
func (o *Outbox) Pending(_ context.Context, olderThan time.Time, limit int) ([]outbox.Record, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []outbox.Record
	for _, r := range o.records {
		if r.OccurredAt.Before(olderThan) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b outbox.Record) int { return a.OccurredAt.Compare(b.OccurredAt) })
	return out[:min(len(out), limit)], nil
}

// Delete implements outbox.Store.
func (o *Outbox) Delete(_ context.Context, ids ...string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		delete(o.records, id)
	}
	return nil
}

// Len is how many records are waiting.
func (o *Outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.records)
}

// SeedOutbox puts records straight into o, as a store's transaction would
// (tests of the relay).
func SeedOutbox(o *Outbox, rs ...outbox.Record) {
	for _, r := range rs {
		o.put(r)
	}
}
