// Command logout is the Lambda behind POST /api/auth/logout: revoke the session and clear the cookie.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), authapi.Logout()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
