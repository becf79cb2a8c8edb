// Command outboxsweeper is the scheduled Lambda that republishes the events
// a failed publish left in the outbox.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/outboxsweeper"
)

func main() {
	h, err := outboxsweeper.FromEnv(context.Background())
	if err != nil {
		slog.Error("outboxsweeper: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
