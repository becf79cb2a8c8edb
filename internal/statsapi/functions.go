package statsapi

import (
	"context"
	"time"

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
func GetStats() lambdafn.Function { return lambdafn.Routes(wire)("getStats", (*Handler).Get) }

// wire builds the handler from cfg on the DynamoDB client of d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (*Handler, error) {
	counters, err := dynamo.NewCounters(dynamo.NewClient(d.AWS, d.Lookup), cfg.CounterTable, "")
	if err != nil {
		return nil, err
	}
	return New(counters, time.Now, d.Log)
}
