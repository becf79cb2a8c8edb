package counterworker_test

import (
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/counterworker"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{"COUNTER_TABLE": "counters", "PROCESSED_EVENTS_TABLE": "processed", "AWS_LAMBDA_FUNCTION_NAME": "counterWorker"}
	cfg, err := config.Load[counterworker.Config](config.MapLookup(env))
	if err != nil {
		t.Fatal(err)
	}
	// Markers outlive the 90 days of the bus archive, so a replay counts
	// nothing twice.
	if cfg.CounterTable != "counters" || cfg.ProcessedEventsTable != "processed" || cfg.MarkerTTL != 90*24*time.Hour || cfg.FunctionName != "counterWorker" {
		t.Errorf("LoadConfig = %+v", cfg)
	}
	for _, missing := range []string{"COUNTER_TABLE", "PROCESSED_EVENTS_TABLE"} {
		partial := map[string]string{}
		for k, v := range env {
			if k != missing {
				partial[k] = v
			}
		}
		if _, err := config.Load[counterworker.Config](config.MapLookup(partial)); err == nil {
			t.Errorf("LoadConfig without %s succeeded", missing)
		}
	}
}
