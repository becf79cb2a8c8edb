// Command createpost is the Lambda behind POST /api/posts: create a post as the caller.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/postapi"
)

func main() {
	h, err := postapi.FromEnv(context.Background())
	if err != nil {
		slog.Error("createpost: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Create())
}
