package warmer

import (
	"context"
	"encoding/json"

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

// Warmer is the scheduled function: whatever the schedule sends, it warms
// every target once and returns the report. It never fails: failures are in
// the report and the logs, and the next run tries again.
func Warmer() lambdafn.Function { return lambdafn.Scheduled("warmer", wire) }

// wire builds the handler from cfg on the Lambda client of d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (lambdafn.Schedule[Report], error) {
	return NewHandler(New(cfg.Targets, LambdaInvoker{API: NewLambdaClient(d.AWS, d.Lookup), Prefix: cfg.FunctionPrefix}, d.Log)), nil
}

// NewHandler returns the handler running p.
func NewHandler(p *Pinger) lambdafn.Schedule[Report] {
	return func(ctx context.Context, _ json.RawMessage) (Report, error) {
		return p.Run(ctx), nil
	}
}
