// Command createpost is the Lambda behind POST /api/posts: create a post as the caller.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

func main() {
	if err := lambdafn.Start(context.Background(), postapi.CreatePost()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
