package counterworker

import (
	"context"
	"time"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

var _ Counters = (*dynamo.Counters)(nil)

// Config is what the worker reads from its environment.
type Config struct {
	config.Runtime
	config.Counter
	// ProcessedEventsTable holds a marker per applied event.
	ProcessedEventsTable string `env:"PROCESSED_EVENTS_TABLE, required"`
	// MarkerTTL is how long a marker lives. It must outlast every way an
	// event can come again: SQS retention and the DLQ (14 days each), the
	// rule's retries (1 day), and a replay from the bus archive (90 days).
	MarkerTTL time.Duration `env:"MARKER_TTL, default=2160h"`
}

// CounterWorker is the function that reads the counter queue.
func CounterWorker() lambdafn.Function { return lambdafn.Queue("counterWorker", wire) }

// wire builds the worker's handler from cfg on the DynamoDB client of d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (lambdafn.SQS, error) {
	counters, err := dynamo.NewCounters(dynamo.NewClient(d.AWS, d.Lookup), cfg.CounterTable, cfg.ProcessedEventsTable)
	if err != nil {
		return nil, err
	}
	h, err := New(counters, cfg.MarkerTTL, d.Log)
	if err != nil {
		return nil, err
	}
	return h.Handle, nil
}
