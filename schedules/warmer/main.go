// Command warmer is the scheduled Lambda that keeps the hot functions'
// execution environments warm with warm-up pings.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/warmer"
)

func main() {
	h, err := warmer.FromEnv(context.Background())
	if err != nil {
		slog.Error("warmer: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
