package counterworker

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/awsenv"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/logging"
)

var _ Counters = (*dynamo.Counters)(nil)

// Config is what the worker reads from its environment.
type Config struct {
	CounterTable string `env:"COUNTER_TABLE, required"`
	// ProcessedEventsTable holds a marker per applied event.
	ProcessedEventsTable string `env:"PROCESSED_EVENTS_TABLE, required"`
	// MarkerTTL is how long a marker lives. It must outlast every way an
	// event can come again: SQS retention and the DLQ (14 days each), the
	// rule's retries (1 day), and a replay from the bus archive (90 days).
	MarkerTTL    time.Duration `env:"MARKER_TTL, default=2160h"`
	LogLevel     slog.Level    `env:"LOG_LEVEL, default=info"`
	FunctionName string        `env:"AWS_LAMBDA_FUNCTION_NAME, default=counterWorker"`
}

// LoadConfig reads Config through lookup (envconfig.OsLookuper in main).
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	return awsenv.Load[Config](ctx, lookup, "counterworker.LoadConfig")
}

// FromEnv wires the worker on AWS: config from the environment, the
// DynamoDB client built once per execution environment, the store and the
// handler.
func FromEnv(ctx context.Context) (func(context.Context, awsevents.SQSEvent) (awsevents.SQSEventResponse, error), error) {
	cfg, err := LoadConfig(ctx, envconfig.OsLookuper())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("counterworker.FromEnv: aws config: %w", err)
	}
	db := dynamo.NewClient(awsCfg, os.LookupEnv)
	return Wire(cfg, db, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}

// Wire builds the worker's Lambda handler from cfg on a DynamoDB client: on
// AWS from FromEnv, in the local stack with a client of the in-process
// emulator.
func Wire(cfg Config, db *dynamodb.Client, log *slog.Logger) (func(context.Context, awsevents.SQSEvent) (awsevents.SQSEventResponse, error), error) {
	counters, err := dynamo.NewCounters(db, cfg.CounterTable, cfg.ProcessedEventsTable)
	if err != nil {
		return nil, err
	}
	h, err := New(counters, cfg.MarkerTTL, log)
	if err != nil {
		return nil, err
	}
	return h.Handle, nil
}
