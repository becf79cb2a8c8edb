package outboxsweeper

import (
	"context"
	"time"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/outbox"
)

// Config is what the sweeper reads from its environment.
type Config struct {
	config.Runtime
	config.Outbox
	// Stage is the dimension of the backlog metric the alarm watches.
	Stage string `env:"STAGE, default=local"`
	// MinAge leaves young records to the request that wrote them.
	MinAge   time.Duration `env:"SWEEP_MIN_AGE, default=30s"`
	PageSize int           `env:"SWEEP_PAGE_SIZE, default=100"`
}

// OutboxSweeper is the scheduled function: whatever the schedule sends, it
// sweeps once and reports what it did.
func OutboxSweeper() lambdafn.Function { return lambdafn.Scheduled("outboxSweeper", wire) }

// wire builds the handler from cfg on the DynamoDB and EventBridge clients
// of d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (lambdafn.Schedule[outbox.SweepResult], error) {
	relay, _, err := eventbus.NewRelay(cfg.Outbox, dynamo.NewClient(d.AWS, d.Lookup), eventbus.NewClient(d.AWS, d.Lookup), d.Log)
	if err != nil {
		return nil, err
	}
	return New(relay, cfg, d.Log), nil
}
