// Command deletepost is the Lambda behind DELETE /api/posts/{id}: delete the caller's post.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

func main() {
	if err := lambdafn.Start(context.Background(), postapi.DeletePost()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
