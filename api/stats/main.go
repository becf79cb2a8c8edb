// Command stats is the Lambda behind GET /api/stats: the totals and the
// posts per day, from the Counter table.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/statsapi"
)

func main() {
	if err := lambdafn.Start(context.Background(), statsapi.GetStats()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
