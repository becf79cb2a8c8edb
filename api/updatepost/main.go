// Command updatepost is the Lambda behind PUT /api/posts/{id}: edit the caller's post at the version it was read.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

func main() {
	if err := lambdafn.Start(context.Background(), postapi.UpdatePost()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
