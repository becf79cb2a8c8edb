package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/logging"
)

// A line logged with EMF's attributes is one CloudWatch extracts metrics
// from: the _aws member names each metric and the dimensions, and the line
// carries every value under its name, dimensions the logger adds included.
func TestEMFLineCarriesItsMetrics(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := logging.New(&buf, slog.LevelInfo, "createPost")
	at := time.UnixMilli(1_700_000_000_123)
	log.LogAttrs(context.Background(), slog.LevelInfo, "invocation",
		append([]slog.Attr{slog.String("Stage", "prod")},
			logging.EMF(at, []string{"function", "Stage"}, logging.Metric{Name: "ColdStart", Value: 1}, logging.Metric{Name: "WarmupPing", Value: 0})...)...)

	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("line %q: %v", buf.String(), err)
	}
	want := map[string]any{
		"Timestamp": 1_700_000_000_123.0,
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  "Eventboard",
			"Dimensions": []any{[]any{"function", "Stage"}},
			"Metrics": []any{
				map[string]any{"Name": "ColdStart", "Unit": "Count"},
				map[string]any{"Name": "WarmupPing", "Unit": "Count"},
			},
		}},
	}
	if diff := cmp.Diff(want, line["_aws"]); diff != "" {
		t.Errorf("_aws (-want +got):\n%s", diff)
	}
	for name, want := range map[string]any{"function": "createPost", "Stage": "prod", "ColdStart": 1.0, "WarmupPing": 0.0} {
		if line[name] != want {
			t.Errorf("%s = %v, want %v", name, line[name], want)
		}
	}
}
