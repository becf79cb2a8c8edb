// Command listposts is the Lambda behind GET /api/posts: a newest-first page of posts.
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
		slog.Error("listposts: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.List())
}
