// Command login is the Lambda behind POST /api/auth/login: sign in; the refresh token goes into an HttpOnly cookie.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/authapi"
)

func main() {
	h, err := authapi.FromEnv(context.Background())
	if err != nil {
		slog.Error("login: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.Login())
}
