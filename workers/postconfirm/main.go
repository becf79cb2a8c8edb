// Command postconfirm is the Cognito post-confirmation trigger: it records
// each user who confirms their sign-up.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postconfirm"
)

func main() {
	if err := lambdafn.Start(context.Background(), postconfirm.PostConfirmation()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
