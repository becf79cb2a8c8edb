// Command confirm is the Lambda behind POST /api/auth/confirm: confirm a sign-up with its code.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), authapi.ConfirmSignUp()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
