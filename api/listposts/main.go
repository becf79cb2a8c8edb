// Command listposts is the Lambda behind GET /api/posts: a newest-first page of posts.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

func main() {
	if err := lambdafn.Start(context.Background(), postapi.ListPosts()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
