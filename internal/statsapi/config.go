package statsapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

// Config is what the stats Lambda reads from its environment.
type Config struct {
	config.Runtime
	config.Counter
}

// GetStats is the function behind GET /api/stats.
func GetStats() lambdafn.Function {
	return lambdafn.Routes(func(_ context.Context, cfg Config, d lambdafn.Deps) (*Handler, error) {
		return Wire(cfg, dynamo.NewClient(d.AWS, d.Lookup), d.Log)
	})("getStats", (*Handler).Get)
}

// Wire builds the handler from cfg on a DynamoDB client.
func Wire(cfg Config, db *dynamodb.Client, log *slog.Logger) (*Handler, error) {
	counters, err := dynamo.NewCounters(db, cfg.CounterTable, "")
	if err != nil {
		return nil, err
	}
	return New(counters, time.Now, log)
}
