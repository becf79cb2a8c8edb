// Command resend is the Lambda behind POST /api/auth/resend: send a new confirmation code.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), authapi.ResendCode()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
