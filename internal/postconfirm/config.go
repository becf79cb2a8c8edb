package postconfirm

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

// Config is what the trigger reads from its environment.
type Config struct {
	UsersTable   string     `env:"USERS_TABLE, required"`
	LogLevel     slog.Level `env:"LOG_LEVEL, default=info"`
	FunctionName string     `env:"AWS_LAMBDA_FUNCTION_NAME, default=postConfirmation"`
}

// LoadConfig reads Config through lookup.
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	var c Config
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{Target: &c, Lookuper: lookup}); err != nil {
		return Config{}, fmt.Errorf("postconfirm.LoadConfig: %w", err)
	}
	return c, nil
}

// FromEnv wires the trigger on AWS.
func FromEnv(ctx context.Context) (func(context.Context, Event) (Event, error), error) {
	cfg, err := LoadConfig(ctx, envconfig.OsLookuper())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("postconfirm.FromEnv: aws config: %w", err)
	}
	db := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = awsenv.Endpoint(os.LookupEnv, "DynamoDB")
	})
	return Wire(cfg, db, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}

// Wire builds the trigger from cfg on a DynamoDB client.
func Wire(cfg Config, db *dynamodb.Client, log *slog.Logger) (func(context.Context, Event) (Event, error), error) {
	members, err := dynamo.NewMembers(db, cfg.UsersTable)
	if err != nil {
		return nil, err
	}
	return Handler(members, log, time.Now), nil
}
