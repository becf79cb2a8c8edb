// Command postconfirm is the Cognito post-confirmation trigger: it records
// each user who confirms their sign-up.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/postconfirm"
)

func main() {
	h, err := postconfirm.FromEnv(context.Background())
	if err != nil {
		slog.Error("postconfirm: startup failed", "error", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
