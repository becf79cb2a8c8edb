// Command reset is the Lambda behind POST /api/auth/reset: set a new password with the code.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/authapi"
)

func main() {
	h, err := authapi.FromEnv(context.Background())
	if err != nil {
		slog.Error("reset: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Reset())
}
