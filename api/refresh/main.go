// Command refresh is the Lambda behind POST /api/auth/refresh: new access and ID tokens from the refresh cookie.
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
		slog.Error("refresh: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Refresh())
}
