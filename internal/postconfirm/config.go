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
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/outbox"
)

// Config is what the trigger reads from its environment.
type Config struct {
	UsersTable         string     `env:"USERS_TABLE, required"`
	OutboxTable        string     `env:"OUTBOX_TABLE, required"`
	OutboxPendingIndex string     `env:"OUTBOX_PENDING_INDEX, default=pendingByAge"`
	EventBusName       string     `env:"EVENT_BUS_NAME, required"`
	LogLevel           slog.Level `env:"LOG_LEVEL, default=info"`
	FunctionName       string     `env:"AWS_LAMBDA_FUNCTION_NAME, default=postConfirmation"`
}

// LoadConfig reads Config through lookup.
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	return awsenv.Load[Config](ctx, lookup, "postconfirm.LoadConfig")
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
	db := dynamo.NewClient(awsCfg, os.LookupEnv)
	eb := eventbus.NewClient(awsCfg, os.LookupEnv)
	return Wire(cfg, db, eb, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}

// Wire builds the trigger from cfg on DynamoDB and EventBridge clients.
func Wire(cfg Config, db *dynamodb.Client, eb eventbus.API, log *slog.Logger) (func(context.Context, Event) (Event, error), error) {
	ob, err := dynamo.NewOutbox(db, cfg.OutboxTable, cfg.OutboxPendingIndex)
	if err != nil {
		return nil, err
	}
	members, err := dynamo.NewMembers(db, cfg.UsersTable, ob)
	if err != nil {
		return nil, err
	}
	bus, err := eventbus.New(eb, cfg.EventBusName)
	if err != nil {
		return nil, err
	}
	return Handler(members, outbox.NewRelay(bus, ob, log), "eventboard."+cfg.FunctionName, log, time.Now), nil
}
