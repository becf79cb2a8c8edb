// Command login is the Lambda behind POST /api/auth/login: sign in; the refresh token goes into an HttpOnly cookie.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), authapi.Login()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
