// Command counter is the counter worker: it reads the counter queue and
// applies each event to the Counter table once, reporting the messages of a
// batch that failed.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/counterworker"
)

func main() {
	h, err := counterworker.FromEnv(context.Background())
	if err != nil {
		slog.Error("counter: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
