package authapi

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/awsenv"
	"github.com/eventboard/eventboard/internal/cognito"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/logging"
)

// Config is what an auth Lambda reads from its environment.
type Config struct {
	ClientID     string `env:"COGNITO_CLIENT_ID, required"`
	ClientSecret string `env:"COGNITO_CLIENT_SECRET"` // empty: the app client has no secret
	// RevocationsTable records sign-outs (logout writes it).
	RevocationsTable string `env:"REVOCATIONS_TABLE, required"`
	// CounterTable holds the post counts GET /api/myinfo reports.
	CounterTable string `env:"COUNTER_TABLE, required"`
	// RefreshCookieMaxAge is the refresh cookie's lifetime; keep it at most
	// the app client's refresh-token validity.
	RefreshCookieMaxAge time.Duration `env:"REFRESH_COOKIE_MAX_AGE, default=720h"`
	// RevokeFor is how long sign-outs are remembered: at least the longest
	// access-token lifetime.
	RevokeFor time.Duration `env:"REVOKE_FOR, default=24h"`
	// SiteOrigins are the origins, besides the API's own host, whose pages
	// may call the state-changing auth routes.
	SiteOrigins  []string   `env:"SITE_ORIGINS"`
	LogLevel     slog.Level `env:"LOG_LEVEL, default=info"`
	FunctionName string     `env:"AWS_LAMBDA_FUNCTION_NAME, default=auth"`
}

// LoadConfig reads Config through lookup.
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	return awsenv.Load[Config](ctx, lookup, "authapi.LoadConfig")
}

// FromEnv wires an auth Lambda on AWS.
func FromEnv(ctx context.Context) (*Handlers, error) {
	cfg, err := LoadConfig(ctx, envconfig.OsLookuper())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("authapi.FromEnv: aws config: %w", err)
	}
	idp := cognito.NewAPIClient(awsCfg, os.LookupEnv)
	db := dynamo.NewClient(awsCfg, os.LookupEnv)
	return Wire(cfg, idp, db, logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName))
}

// Wire builds the handlers from cfg on the given clients: on AWS from
// FromEnv, in the local stack with clients of its emulators.
func Wire(cfg Config, idp cognito.API, db *dynamodb.Client, log *slog.Logger) (*Handlers, error) {
	provider, err := cognito.New(idp, cfg.ClientID, cfg.ClientSecret)
	if err != nil {
		return nil, err
	}
	revocations, err := dynamo.NewRevocations(db, cfg.RevocationsTable)
	if err != nil {
		return nil, err
	}
	counters, err := dynamo.NewCounters(db, cfg.CounterTable, "")
	if err != nil {
		return nil, err
	}
	h := New(auth.NewService(provider, revocations, cfg.RevokeFor), counters, cfg.RefreshCookieMaxAge, log)
	return h.TrustOrigins(cfg.SiteOrigins), nil
}
