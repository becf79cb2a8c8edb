// Package counterworker is the counter worker: the Lambda that reads the
// counter queue, where an EventBridge rule sends PostCreated, PostDeleted
// and UserConfirmed, and keeps the Counter table (package counter) in step.
//
// Delivery is at least once: a message may come more than once, and an
// event may come in more than one message (a republished event has a new
// EventBridge id but the same metadata.eventId). The worker applies each
// event's changes once per metadata.eventId, so duplicates change nothing.
//
// Each batch is answered with the messages that failed (the event source's
// ReportBatchItemFailures): the others are deleted, the failed ones come
// back after the visibility timeout, and one that fails maxReceiveCount
// times moves to the dead-letter queue. Nothing is dropped: a message the
// worker cannot read fails too, so an operator finds it in the DLQ.
package counterworker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/correlation"
	"github.com/eventboard/eventboard/internal/counter"
)

// Counters applies events' deltas at most once per event id; see
// dynamo.Counters.ApplyBatch. It returns one result per change, in order.
// FoldClosedDays makes the counters of closed days cheaper to read; it is
// cheap to call after every batch (see dynamo.Counters.FoldClosedDays).
type Counters interface {
	ApplyBatch(ctx context.Context, changes []counter.Change, markerTTL time.Duration) []counter.Result
	FoldClosedDays(ctx context.Context) error
}

// Handler processes batches of the counter queue.
type Handler struct {
	counters  Counters
	markerTTL time.Duration
	log       *slog.Logger
}

// New returns the handler. markerTTL is how long an event's id is
// remembered: while it is, a redelivered or replayed event changes nothing.
func New(counters Counters, markerTTL time.Duration, log *slog.Logger) (*Handler, error) {
	if counters == nil || markerTTL <= 0 || log == nil {
		return nil, errors.New("counterworker.New: counters, a positive marker TTL and a logger are required")
	}
	return &Handler{counters: counters, markerTTL: markerTTL, log: log}, nil
}

// Handle processes a batch and reports the messages that failed. It reads
// every message, then applies the events that change counters together
// (one transaction for the batch where it fits, so that concurrent batches
// contend for the counters ten times less than one transaction per event
// would), then lets the store fold closed days. A message that cannot be
// read fails alone; a store failure fails the messages whose events it did
// not apply. It never returns an error, which would make SQS redeliver the
// whole batch.
func (h *Handler) Handle(ctx context.Context, batch awsevents.SQSEvent) (awsevents.SQSEventResponse, error) {
	resp := awsevents.SQSEventResponse{BatchItemFailures: []awsevents.SQSBatchItemFailure{}}
	fail := func(msg awsevents.SQSMessage) {
		resp.BatchItemFailures = append(resp.BatchItemFailures, awsevents.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
	}
	var pending []read
	for _, msg := range batch.Records {
		r, err := h.read(ctx, msg)
		switch {
		case err != nil:
			fail(msg)
		case len(r.change.Deltas) > 0:
			pending = append(pending, r)
		}
	}
	for i, res := range h.apply(ctx, pending) {
		r := pending[i]
		switch {
		case res.Err != nil:
			r.log.ErrorContext(r.ctx, "applying the event failed; it will be retried", "error", res.Err)
			fail(r.msg)
		case !res.Applied:
			r.log.InfoContext(r.ctx, "event was applied before; nothing changed")
		default:
			r.log.InfoContext(r.ctx, "event applied", "counters", len(r.change.Deltas))
		}
	}
	h.fold(ctx)
	return resp, nil
}

// fold folds the closed days' counters, which the store does at most once a
// day. Its failure fails no message: the counters stay exact unfolded, and
// a later batch tries again.
func (h *Handler) fold(ctx context.Context) {
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(ctx, "folding closed days panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if err := h.counters.FoldClosedDays(ctx); err != nil {
		h.log.WarnContext(ctx, "folding closed days failed; reading them costs more until a later batch folds them", "error", err)
	}
}

// read is a message whose event was read, with its change to the counters
// and the context and logger that tie its log lines to it.
type read struct {
	msg    awsevents.SQSMessage
	change counter.Change
	ctx    context.Context
	log    *slog.Logger
}

// read decodes one message's event and works out its change. Every line it
// logs carries the message id and receive count, and, once the event is
// read, its id, detail-type and (through ctx) correlation id.
func (h *Handler) read(ctx context.Context, msg awsevents.SQSMessage) (r read, err error) {
	log := h.log.With("messageId", msg.MessageId, "receiveCount", msg.Attributes["ApproximateReceiveCount"])
	defer func() {
		if p := recover(); p != nil {
			log.ErrorContext(ctx, "reading the message panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()

	ev, err := decode(msg.Body)
	if err != nil {
		if id := correlationOf(msg.Body); id != "" {
			ctx = correlation.With(ctx, id)
		}
		// Permanent: every delivery fails the same way until the message
		// reaches the DLQ, where an operator can read it.
		log.ErrorContext(ctx, "message is not an event the worker can read; it goes to the DLQ after maxReceiveCount deliveries", "error", err)
		return read{}, err
	}
	meta := ev.Meta()
	ctx = correlation.With(ctx, meta.CorrelationID)
	log = log.With("eventId", meta.EventID, "detailType", ev.DetailType())

	deltas, err := counter.Deltas(ev.Payload())
	if err != nil {
		log.ErrorContext(ctx, "event has no counting rule; it goes to the DLQ after maxReceiveCount deliveries", "error", err)
		return read{}, err
	}
	if len(deltas) == 0 {
		log.InfoContext(ctx, "event changes no counter")
	}
	return read{msg: msg, change: counter.Change{EventID: meta.EventID, Deltas: deltas}, ctx: ctx, log: log}, nil
}

// apply applies the changes of pending; a panic in the store fails them all
// (what it applied before panicking counts once when they come again).
func (h *Handler) apply(ctx context.Context, pending []read) (results []counter.Result) {
	if len(pending) == 0 {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(ctx, "applying the batch panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			results = make([]counter.Result, len(pending))
			for i := range results {
				results[i].Err = fmt.Errorf("panic: %v", p)
			}
		}
	}()
	changes := make([]counter.Change, len(pending))
	for i, r := range pending {
		changes[i] = r.change
	}
	results = h.counters.ApplyBatch(ctx, changes, h.markerTTL)
	if len(results) != len(changes) {
		panic(fmt.Sprintf("counterworker: %d results for %d changes", len(results), len(changes)))
	}
	return results
}

// decode reads an SQS message body: an event as EventBridge delivers it to
// a queue, with a detail that meets the public contract.
func decode(body string) (events.Event, error) {
	eb, err := events.ParseEventBridgeEvent([]byte(body))
	if err != nil {
		return nil, err
	}
	return eb.Decode()
}

// correlationOf digs the correlation id out of a body that failed to
// decode, so even that failure's log line ties back to its request. It
// returns "" when there is none worth logging.
func correlationOf(body string) string {
	var m struct {
		Detail struct {
			Metadata struct {
				CorrelationID string `json:"correlationId"`
			} `json:"metadata"`
		} `json:"detail"`
	}
	if json.Unmarshal([]byte(body), &m) != nil || !correlation.Valid(m.Detail.Metadata.CorrelationID) {
		return ""
	}
	return m.Detail.Metadata.CorrelationID
}
