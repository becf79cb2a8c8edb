// Command counter is the counter worker: it reads the counter queue and
// applies each event to the Counter table once, reporting the messages of a
// batch that failed.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

func main() {
	if err := lambdafn.Start(context.Background(), counterworker.CounterWorker()); err != nil {
		slog.Error("startup failed", "error", err)
		os.Exit(1)
	}
}
