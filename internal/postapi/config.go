package postapi

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/awsenv"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
)

// Config is what a posts Lambda reads from its environment.
type Config struct {
	PostsTable string `env:"POSTS_TABLE, required"`
	PostsIndex string `env:"POSTS_INDEX, default=byRecency"`
	// RevocationsTable records sign-outs; writes check it.
	RevocationsTable string `env:"REVOCATIONS_TABLE, required"`
	// Every change records its event in the outbox and publishes it on the
	// bus.
	OutboxTable        string     `env:"OUTBOX_TABLE, required"`
	OutboxPendingIndex string     `env:"OUTBOX_PENDING_INDEX, default=pendingByAge"`
	EventBusName       string     `env:"EVENT_BUS_NAME, required"`
	LogLevel           slog.Level `env:"LOG_LEVEL, default=info"`
	FunctionName       string     `env:"AWS_LAMBDA_FUNCTION_NAME, default=posts"`
}

// LoadConfig reads Config through lookup (envconfig.OsLookuper in main).
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	return awsenv.Load[Config](ctx, lookup, "postapi.LoadConfig")
}

// FromEnv wires a posts Lambda on AWS: config from the environment, the
// DynamoDB client built once per execution environment, the store, the
// service and the handlers.
func FromEnv(ctx context.Context) (*Handlers, error) {
	cfg, err := LoadConfig(ctx, envconfig.OsLookuper())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("postapi.FromEnv: aws config: %w", err)
	}
	db := dynamo.NewClient(awsCfg, os.LookupEnv)
	eb := eventbus.NewClient(awsCfg, os.LookupEnv)
	return Wire(cfg, db, eb, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}

// Wire builds the handlers from cfg on DynamoDB and EventBridge clients: on
// AWS from FromEnv, in the local stack with clients of its emulators.
func Wire(cfg Config, db *dynamodb.Client, eb eventbus.API, log *slog.Logger) (*Handlers, error) {
	ob, err := dynamo.NewOutbox(db, cfg.OutboxTable, cfg.OutboxPendingIndex)
	if err != nil {
		return nil, err
	}
	store, err := dynamo.NewPostStore(db, cfg.PostsTable, cfg.PostsIndex, ob)
	if err != nil {
		return nil, err
	}
	bus, err := eventbus.New(eb, cfg.EventBusName)
	if err != nil {
		return nil, err
	}
	relay := outbox.NewRelay(bus, ob, log)
	revocations, err := dynamo.NewRevocations(db, cfg.RevocationsTable)
	if err != nil {
		return nil, err
	}
	svc := post.NewService(store, relay, "eventboard."+cfg.FunctionName, post.WithLogger(log))
	return New(svc, revocations, log), nil
}
