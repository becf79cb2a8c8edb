package statsapi

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/awsenv"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/logging"
)

// Config is what the stats Lambda reads from its environment.
type Config struct {
	CounterTable string     `env:"COUNTER_TABLE, required"`
	LogLevel     slog.Level `env:"LOG_LEVEL, default=info"`
	FunctionName string     `env:"AWS_LAMBDA_FUNCTION_NAME, default=getStats"`
}

// LoadConfig reads Config through lookup (envconfig.OsLookuper in main).
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	return awsenv.Load[Config](ctx, lookup, "statsapi.LoadConfig")
}

// FromEnv wires the stats Lambda on AWS: config from the environment, the
// DynamoDB client built once per execution environment, the store and the
// handler.
func FromEnv(ctx context.Context) (*Handler, error) {
	cfg, err := LoadConfig(ctx, envconfig.OsLookuper())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("statsapi.FromEnv: aws config: %w", err)
	}
	db := dynamo.NewClient(awsCfg, os.LookupEnv)
	return Wire(cfg, db, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}

// Wire builds the handler from cfg on a DynamoDB client: on AWS from
// FromEnv, in the local stack with a client of the in-process emulator.
func Wire(cfg Config, db *dynamodb.Client, log *slog.Logger) (*Handler, error) {
	counters, err := dynamo.NewCounters(db, cfg.CounterTable, "")
	if err != nil {
		return nil, err
	}
	return New(counters, time.Now, log)
}
