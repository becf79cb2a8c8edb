// Command updatepost is the Lambda behind PUT /api/posts/{id}: edit the caller's post at the version it was read.
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
		slog.Error("updatepost: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Update())
}
