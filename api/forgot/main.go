// Command forgot is the Lambda behind POST /api/auth/forgot: send a code to reset a forgotten password.
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
		slog.Error("forgot: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Forgot())
}
