// Command getpost is the Lambda behind GET /api/posts/{id}: one post.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

func main() {
	if err := lambdafn.Start(context.Background(), postapi.GetPost()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
