// Command signup is the Lambda behind POST /api/auth/signup: register a user; a confirmation code goes to their e-mail.
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
		slog.Error("signup: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h.SignUp())
}
