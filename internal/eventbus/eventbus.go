// Package eventbus is the EventBridge adapter (aws-sdk-go-v2): it publishes
// outbox records to the custom bus, honouring PutEvents' per-entry failures.
// NewRelay wires it, with the DynamoDB outbox, into the relay of a function
// that emits events.
package eventbus

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/eventboard/eventboard/internal/clock"
	"github.com/eventboard/eventboard/internal/outbox"
)

var _ outbox.Bus = (*Bus)(nil)

// API is the part of the EventBridge client the adapter uses.
type API interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// maxEntries is PutEvents' limit on entries per call.
const maxEntries = 10

// Bus publishes to one event bus.
type Bus struct {
	api      API
	name     string
	attempts int           // tries per entry, the first included
	backoff  time.Duration // before the first retry; doubles, with jitter
	sleep    func(context.Context, time.Duration) error
}

// Option configures a Bus.
type Option func(*Bus)

// WithRetries sets how many times an entry is tried and the first backoff.
func WithRetries(attempts int, backoff time.Duration) Option {
	return func(b *Bus) { b.attempts, b.backoff = attempts, backoff }
}

// New returns a Bus publishing to the bus called name.
func New(api API, name string, opts ...Option) (*Bus, error) {
	if api == nil || name == "" {
		return nil, errors.New("eventbus.New: client and bus name are required")
	}
	b := &Bus{api: api, name: name, attempts: 3, backoff: 50 * time.Millisecond, sleep: clock.Sleep}
	for _, o := range opts {
		o(b)
	}
	if b.attempts < 1 {
		b.attempts = 1
	}
	return b, nil
}

// Publish implements outbox.Bus. Entries go in calls of at most ten. An
// entry PutEvents reports as failed (FailedEntryCount, an ErrorCode on the
// entry) is retried with backoff, alone with the other failures, up to the
// attempt limit; so is a call that failed as a whole. The ids of the records
// the bus accepted are returned; err is set when some were not.
func (b *Bus) Publish(ctx context.Context, records []outbox.Record) ([]string, error) {
	var published []string
	var lastErr error
	pending := records
	for attempt := 1; len(pending) > 0; attempt++ {
		var failed []outbox.Record
		for start := 0; start < len(pending); start += maxEntries {
			chunk := pending[start:min(start+maxEntries, len(pending))]
			ok, rejected, err := b.put(ctx, chunk)
			published = append(published, ok...)
			failed = append(failed, rejected...)
			if err != nil {
				lastErr = err
			}
		}
		pending = failed
		if len(pending) == 0 || attempt >= b.attempts {
			break
		}
		delay := b.backoff << (attempt - 1)
		delay += time.Duration(rand.Int64N(int64(delay)/2 + 1))
		if err := b.sleep(ctx, delay); err != nil {
			lastErr = err
			break
		}
	}
	if len(pending) > 0 {
		return published, fmt.Errorf("eventbus.Publish: %d of %d events not accepted: %w", len(pending), len(records), lastErr)
	}
	return published, nil
}

// put sends one PutEvents call and splits the chunk by outcome.
func (b *Bus) put(ctx context.Context, chunk []outbox.Record) (ok []string, failed []outbox.Record, err error) {
	entries := make([]types.PutEventsRequestEntry, len(chunk))
	for i, r := range chunk {
		entries[i] = types.PutEventsRequestEntry{
			EventBusName: aws.String(b.name),
			Source:       aws.String(r.Source),
			DetailType:   aws.String(r.DetailType),
			Detail:       aws.String(string(r.Detail)),
			Time:         aws.Time(r.OccurredAt),
		}
	}
	out, err := b.api.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		return nil, chunk, fmt.Errorf("put events: %w", err)
	}
	if len(out.Entries) != len(chunk) {
		return nil, chunk, fmt.Errorf("put events: %d results for %d entries", len(out.Entries), len(chunk))
	}
	for i, e := range out.Entries {
		if e.ErrorCode != nil || e.EventId == nil {
			failed = append(failed, chunk[i])
			err = fmt.Errorf("put events: entry %s: %s %s", chunk[i].EventID, aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage))
			continue
		}
		ok = append(ok, chunk[i].EventID)
	}
	return ok, failed, err
}
