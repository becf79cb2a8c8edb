// Command stats is the Lambda behind GET /api/stats: the totals and the
// posts per day, from the Counter table.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/statsapi"
)

func main() {
	h, err := statsapi.FromEnv(context.Background())
	if err != nil {
		slog.Error("stats: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Get())
}
