package warmer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/awsenv"
	"github.com/eventboard/eventboard/internal/logging"
)

// Config is what the warmer reads from its environment.
type Config struct {
	// Targets are the warmed functions and their concurrency
	// (custom.warmup.targets in serverless.yml).
	Targets Targets `env:"WARMUP_TARGETS, required"`
	// FunctionPrefix turns a function's key into its deployed name:
	// <service>-<stage>-.
	FunctionPrefix string     `env:"WARMUP_FUNCTION_PREFIX, required"`
	LogLevel       slog.Level `env:"LOG_LEVEL, default=info"`
	FunctionName   string     `env:"AWS_LAMBDA_FUNCTION_NAME, default=warmer"`
}

// LoadConfig reads Config through lookup.
func LoadConfig(ctx context.Context, lookup envconfig.Lookuper) (Config, error) {
	return awsenv.Load[Config](ctx, lookup, "warmer.LoadConfig")
}

// Handler is the Lambda: whatever the schedule sends, it warms every target
// once and returns the report. It never returns an error: failures are in
// the report and the logs, and the next run tries again.
type Handler func(ctx context.Context, _ json.RawMessage) (Report, error)

// NewHandler returns the handler running w.
func NewHandler(w *Warmer) Handler {
	return func(ctx context.Context, _ json.RawMessage) (Report, error) {
		return w.Run(ctx), nil
	}
}

// Wire builds the handler from cfg on a Lambda client.
func Wire(cfg Config, api LambdaAPI, log *slog.Logger) Handler {
	return NewHandler(New(cfg.Targets, LambdaInvoker{API: api, Prefix: cfg.FunctionPrefix}, log))
}

// FromEnv wires the warmer on AWS.
func FromEnv(ctx context.Context) (Handler, error) {
	cfg, err := LoadConfig(ctx, envconfig.OsLookuper())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("warmer.FromEnv: %w", err)
	}
	return Wire(cfg, NewLambdaClient(awsCfg, os.LookupEnv), logging.New(os.Stdout, cfg.LogLevel, cfg.FunctionName)), nil
}
