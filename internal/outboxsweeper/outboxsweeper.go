// Package outboxsweeper is the scheduled Lambda that publishes what the
// outbox still holds: the events whose publish failed right after their
// change was written. EventBridge Scheduler invokes it every minute.
package outboxsweeper

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/awsenv"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/outbox"
)

// Config is what the sweeper reads from its environment.
type Config struct {
	OutboxTable        string `env:"OUTBOX_TABLE, required"`
	OutboxPendingIndex string `env:"OUTBOX_PENDING_INDEX, default=pendingByAge"`
	EventBusName       string `env:"EVENT_BUS_NAME, required"`
	// Stage is the dimension of the backlog metric the alarm watches.
	Stage string `env:"STAGE, default=local"`
	// MinAge leaves young records to the request that wrote them.
	MinAge       time.Duration `env:"SWEEP_MIN_AGE, default=30s"`
	PageSize     int           `env:"SWEEP_PAGE_SIZE, default=100"`
	LogLevel     slog.Level    `env:"LOG_LEVEL, default=info"`
	FunctionName string        `env:"AWS_LAMBDA_FUNCTION_NAME, default=outboxSweeper"`
}

// LoadConfig reads Config through lookup.
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	return awsenv.Load[Config](ctx, lookup, "outboxsweeper.LoadConfig")
}

// Handler is the Lambda: whatever the schedule sends, it sweeps once and
// reports what it did. An error makes the invocation fail (and show in the
// function's error metric); the next run tries again.
type Handler func(ctx context.Context, _ json.RawMessage) (outbox.SweepResult, error)

// BacklogMetric is the metric each sweep reports (namespace Eventboard,
// dimension Stage): the events it found but could not publish. A sweep that
// could not even read the outbox reports nothing, and the alarm treats the
// missing data point as a breach, as it does when the sweeper stops.
const BacklogMetric = "OutboxBacklog"

// New returns the handler sweeping through relay.
func New(relay *outbox.Relay, cfg Config, log *slog.Logger) Handler {
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

// Wire builds the handler from cfg on DynamoDB and EventBridge clients.
func Wire(cfg Config, db *dynamodb.Client, eb eventbus.API, log *slog.Logger) (Handler, error) {
	ob, err := dynamo.NewOutbox(db, cfg.OutboxTable, cfg.OutboxPendingIndex)
	if err != nil {
		return nil, err
	}
	bus, err := eventbus.New(eb, cfg.EventBusName)
	if err != nil {
		return nil, err
	}
	return New(outbox.NewRelay(bus, ob, log), cfg, log), nil
}

// FromEnv wires the sweeper on AWS.
func FromEnv(ctx context.Context) (Handler, error) {
	cfg, err := LoadConfig(ctx, envconfig.OsLookuper())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("outboxsweeper.FromEnv: %w", err)
	}
	db := dynamo.NewClient(awsCfg, os.LookupEnv)
	eb := eventbus.NewClient(awsCfg, os.LookupEnv)
	return Wire(cfg, db, eb, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}
