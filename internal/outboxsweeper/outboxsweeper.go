// Package outboxsweeper is the scheduled Lambda that publishes what the
// outbox still holds: the events whose publish failed right after their
// change was written. EventBridge Scheduler invokes it every minute.
package outboxsweeper

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/outbox"
)

// BacklogMetric is the metric each sweep reports (namespace Eventboard,
// dimension Stage): the events it found but could not publish. A sweep that
// could not even read the outbox reports nothing, and the alarm treats the
// missing data point as a breach, as it does when the sweeper stops.
const BacklogMetric = "OutboxBacklog"

// New returns the handler sweeping through relay. An error makes the
// invocation fail (and show in the function's error metric); the next run
// tries again.
func New(relay *outbox.Relay, cfg Config, log *slog.Logger) lambdafn.Schedule[outbox.SweepResult] {
	return func(ctx context.Context, _ json.RawMessage) (outbox.SweepResult, error) {
		res, err := relay.Sweep(ctx, cfg.MinAge, cfg.PageSize)
		if err == nil || res.Found > 0 {
			backlog := append([]slog.Attr{slog.String("Stage", cfg.Stage)},
				logging.EMF(time.Now(), []string{"Stage"}, logging.Metric{Name: BacklogMetric, Value: float64(res.Found - res.Published)})...)
			log.LogAttrs(ctx, slog.LevelInfo, "outbox backlog", backlog...)
		}
		if err != nil {
			log.ErrorContext(ctx, "sweep failed", "found", res.Found, "published", res.Published, "error", err)
			return res, err
		}
		if res.Found > 0 {
			log.InfoContext(ctx, "sweep done", "found", res.Found, "published", res.Published)
		}
		return res, nil
	}
}
