// Command outboxsweeper is the scheduled Lambda that republishes the events
// a failed publish left in the outbox.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/outboxsweeper"
)

func main() {
	if err := lambdafn.Start(context.Background(), outboxsweeper.OutboxSweeper()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
