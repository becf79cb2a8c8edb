// Command deletepost is the Lambda behind DELETE /api/posts/{id}: delete the caller's post.
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
		slog.Error("deletepost: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Delete())
}
