package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/eventboard/eventboard/internal/correlation"
	"github.com/eventboard/eventboard/internal/logging"
)

func TestCorrelationIDOnEveryLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := logging.New(&buf, slog.LevelInfo, "createPost").With("requestId", "r1")
	ctx := correlation.With(context.Background(), "corr-1")
	log.InfoContext(ctx, "hello")
	log.Info("no context")
	dec := json.NewDecoder(&buf)
	var first, second map[string]any
	if err := dec.Decode(&first); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&second); err != nil {
		t.Fatal(err)
	}
	if first["correlationId"] != "corr-1" || first["function"] != "createPost" || first["requestId"] != "r1" {
		t.Errorf("line with context = %v", first)
	}
	if _, ok := second["correlationId"]; ok {
		t.Errorf("line without context = %v", second)
	}
}
