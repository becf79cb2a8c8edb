// Command refresh is the Lambda behind POST /api/auth/refresh: new access and ID tokens from the refresh cookie.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), authapi.Refresh()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
