// Package outboxsweeper is the scheduled Lambda that publishes what the
// outbox still holds: the events whose publish failed right after their
// change was written. EventBridge Scheduler invokes it every minute.
package outboxsweeper

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/logging"
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
func OutboxSweeper() lambdafn.Function {
	return lambdafn.Scheduled("outboxSweeper", func(_ context.Context, cfg Config, d lambdafn.Deps) (lambdafn.Schedule[outbox.SweepResult], error) {
		return Wire(cfg, dynamo.NewClient(d.AWS, d.Lookup), eventbus.NewClient(d.AWS, d.Lookup), d.Log)
	})
}

// Wire builds the handler from cfg on DynamoDB and EventBridge clients.
func Wire(cfg Config, db *dynamodb.Client, eb eventbus.API, log *slog.Logger) (lambdafn.Schedule[outbox.SweepResult], error) {
	relay, _, err := eventbus.NewRelay(cfg.Outbox, db, eb, log)
	if err != nil {
		return nil, err
	}
	return New(relay, cfg, log), nil
}

// BacklogMetric is the metric each sweep reports (namespace Eventboard,
// dimension Stage): the events it found but could not publish. A sweep that
// could not even read the outbox reports nothing, and the alarm treats the
// missing data point as a breach, as it does when the sweeper stops.
const BacklogMetric = "OutboxBacklog"

// New returns the handler sweeping through relay. An error makes the
// invocation fail (and show in the function's error metric); the next run
// tries again.
func New(relay *outbox.Relay, cfg Config, log *slog.Logger) lambdafn.Schedule[outbox.SweepResult] {
	return func(ctx context.Context, _ json.RawMessage) (outbox.SweepResult, error) {
		res, err := relay.Sweep(ctx, cfg.MinAge, cfg.PageSize)
		if err == nil || res.Found > 0 {
			backlog := logging.EMF(time.Now(), "Eventboard", map[string]string{"Stage": cfg.Stage}, BacklogMetric, float64(res.Found-res.Published))
			log.InfoContext(ctx, "outbox backlog", backlog...)
		}
		if err != nil {
			log.ErrorContext(ctx, "sweep failed", "found", res.Found, "published", res.Published, "error", err)
			return res, err
		}
		if res.Found > 0 {
			log.InfoContext(ctx, "sweep done", "found", res.Found, "published", res.Published)
		}
		return res, nil
	}
}
