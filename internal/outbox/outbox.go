// Package outbox publishes domain events without losing any: a change and
// the record of its event are written in one transaction (by the store that
// makes the change), the event is published right after, and its record is
// deleted only once the bus has it. Whatever a failed publish leaves behind,
// the sweeper publishes later. Delivery is therefore at least once; the
// event id stays the same on every attempt, so consumers deduplicate by it.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/eventboard/eventboard/events"
)

// Record is one event waiting to be published.
type Record struct {
	EventID    string
	Source     string
	DetailType string
	Detail     []byte // the EventBridge detail, JSON
	OccurredAt time.Time
	// CorrelationID is logged with every attempt to publish the record.
	CorrelationID string
}

// Bus publishes records. It returns the ids of the records the bus
// accepted; a record it did not accept is not an error on its own (the
// outbox keeps it), but a bus that accepted none because it failed is.
type Bus interface {
	Publish(ctx context.Context, records []Record) (published []string, err error)
}

// Store holds the records not yet published.
type Store interface {
	// Pending returns up to limit records written before olderThan, oldest
	// first.
	Pending(ctx context.Context, olderThan time.Time, limit int) ([]Record, error)
	// Delete removes published records. Deleting one already gone is fine.
	Delete(ctx context.Context, eventIDs ...string) error
}

// Relay moves records from the outbox onto the bus.
type Relay struct {
	bus   Bus
	store Store
	log   *slog.Logger
	now   func() time.Time
}

// NewRelay returns a relay.
func NewRelay(bus Bus, store Store, log *slog.Logger) *Relay {
	return &Relay{bus: bus, store: store, log: log, now: time.Now}
}

// Send publishes records that were just written with their change, and
// deletes the published ones from the outbox. A failure here loses nothing:
// what was not published stays for the sweeper, so callers log it and go on.
func (r *Relay) Send(ctx context.Context, records ...Record) error {
	if len(records) == 0 {
		return nil
	}
	published, err := r.bus.Publish(ctx, records)
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("outbox.Send: publish: %w", err))
	}
	if len(published) > 0 {
		if err := r.store.Delete(ctx, published...); err != nil {
			// Published but still recorded: the sweeper sends it again and
			// consumers drop the duplicate by its event id.
			errs = append(errs, fmt.Errorf("outbox.Send: delete published: %w", err))
		}
	}
	if len(published) < len(records) && err == nil {
		errs = append(errs, fmt.Errorf("outbox.Send: %d of %d events left for the sweeper", len(records)-len(published), len(records)))
	}
	return errors.Join(errs...)
}

// SweepResult says what one sweep did.
type SweepResult struct {
	Found, Published int
}

// Sweep publishes records older than minAge, in pages of pageSize, until
// none are left or the context is done. Records younger than minAge are
// left to the Send of the request that wrote them.
func (r *Relay) Sweep(ctx context.Context, minAge time.Duration, pageSize int) (SweepResult, error) {
	var res SweepResult
	cutoff := r.now().Add(-minAge)
	for ctx.Err() == nil {
		records, err := r.store.Pending(ctx, cutoff, pageSize)
		if err != nil {
			return res, fmt.Errorf("outbox.Sweep: %w", err)
		}
		if len(records) == 0 {
			return res, nil
		}
		res.Found += len(records)
		published, err := r.bus.Publish(ctx, records)
		if len(published) > 0 {
			if derr := r.store.Delete(ctx, published...); derr != nil {
				return res, fmt.Errorf("outbox.Sweep: delete published: %w", derr)
			}
		}
		res.Published += len(published)
		for _, rec := range records {
			r.log.InfoContext(ctx, "swept event", "eventId", rec.EventID, "detailType", rec.DetailType,
				"correlationId", rec.CorrelationID, "published", contains(published, rec.EventID))
		}
		if err != nil {
			return res, fmt.Errorf("outbox.Sweep: publish: %w", err)
		}
		if len(published) == 0 {
			// The bus takes nothing now; the next scheduled sweep retries.
			return res, nil
		}
	}
	return res, ctx.Err()
}

func contains(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// FromEvent returns the record of one event of the public contract (built
// with events.New, so already checked against it).
func FromEvent(e events.Event) (Record, error) {
	detail, err := e.Detail()
	if err != nil {
		return Record{}, fmt.Errorf("outbox.FromEvent: %w", err)
	}
	meta := e.Meta()
	return Record{
		EventID:       meta.EventID,
		Source:        e.Source(),
		DetailType:    e.DetailType(),
		Detail:        detail,
		OccurredAt:    meta.OccurredAt,
		CorrelationID: meta.CorrelationID,
	}, nil
}
