package warmer

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

// Config is what the warmer reads from its environment.
type Config struct {
	config.Runtime
	// Targets are the warmed functions and their concurrency
	// (custom.warmup.targets in serverless.yml).
	Targets Targets `env:"WARMUP_TARGETS, required"`
	// FunctionPrefix turns a function's key into its deployed name:
	// <service>-<stage>-.
	FunctionPrefix string `env:"WARMUP_FUNCTION_PREFIX, required"`
}

// Function is the scheduled function: whatever the schedule sends, it
// warms every target once and returns the report. It never fails:
// failures are in the report and the logs, and the next run tries again.
func Function() lambdafn.Function {
	return lambdafn.Scheduled("warmer", func(_ context.Context, cfg Config, d lambdafn.Deps) (lambdafn.Schedule[Report], error) {
		return Wire(cfg, NewLambdaClient(d.AWS, d.Lookup), d.Log), nil
	})
}

// NewHandler returns the handler running w.
func NewHandler(w *Warmer) lambdafn.Schedule[Report] {
	return func(ctx context.Context, _ json.RawMessage) (Report, error) {
		return w.Run(ctx), nil
	}
}

// Wire builds the handler from cfg on a Lambda client.
func Wire(cfg Config, api LambdaAPI, log *slog.Logger) lambdafn.Schedule[Report] {
	return NewHandler(New(cfg.Targets, LambdaInvoker{API: api, Prefix: cfg.FunctionPrefix}, log))
}
