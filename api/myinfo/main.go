// Command myinfo is the Lambda behind GET /api/myinfo: who the caller is.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), authapi.MyInfo()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
