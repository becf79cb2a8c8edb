// Command signup is the Lambda behind POST /api/auth/signup: register a user; a confirmation code goes to their e-mail.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), authapi.SignUp()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
