// Command myinfo is the Lambda behind GET /api/myinfo: who the caller is.
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
		slog.Error("myinfo: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Me())
}
