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
	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/post"
)

// Config is what a posts Lambda reads from its environment.
type Config struct {
	PostsTable string `env:"POSTS_TABLE, required"`
	PostsIndex string `env:"POSTS_INDEX, default=byRecency"`
	// RevocationsTable records sign-outs; writes check it.
	RevocationsTable string     `env:"REVOCATIONS_TABLE, required"`
	LogLevel         slog.Level `env:"LOG_LEVEL, default=info"`
	FunctionName     string     `env:"AWS_LAMBDA_FUNCTION_NAME, default=posts"`
}

// LoadConfig reads Config through lookup (envconfig.OsLookuper in main).
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	var c Config
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{Target: &c, Lookuper: lookup}); err != nil {
		return Config{}, fmt.Errorf("postapi.LoadConfig: %w", err)
	}
	return c, nil
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
	db := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = awsenv.Endpoint(os.LookupEnv, "DynamoDB")
	})
	return Wire(cfg, db, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}

// Wire builds the handlers from cfg on a DynamoDB client: on AWS from
// FromEnv, in the local stack with a client of the in-process emulator.
func Wire(cfg Config, db *dynamodb.Client, log *slog.Logger) (*Handlers, error) {
	store, err := dynamo.NewPostStore(db, cfg.PostsTable, cfg.PostsIndex)
	if err != nil {
		return nil, err
	}
	revocations, err := dynamo.NewRevocations(db, cfg.RevocationsTable)
	if err != nil {
		return nil, err
	}
	return New(post.NewService(store), revocations, log), nil
}
