// Package statsapi holds the handler of GET /api/stats: the totals and the
// posts per day of the last 30 UTC days, read from the Counter table the
// counter worker keeps. The counts trail the writes by the few seconds the
// events take to reach the worker.
package statsapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/httpapi"
)

// Handler serves GET /api/stats.
type Handler struct {
	counters counter.Reader
	now      func() time.Time
	log      *slog.Logger
}

// New returns the handler; now tells which days are the last 30.
func New(counters counter.Reader, now func() time.Time, log *slog.Logger) (*Handler, error) {
	if counters == nil || now == nil || log == nil {
		return nil, errors.New("statsapi.New: counters, a clock and a logger are required")
	}
	return &Handler{counters: counters, now: now, log: log}, nil
}

// Freshness is how long CloudFront may serve the stats (docs/api.md,
// "Caching"): counts that already trail the writes by seconds may trail
// them by up to 5 minutes, and the Counter table, the dearest read there
// is, is read about every 4 minutes however many ask (Origin Shield keeps
// one copy for every region); the last minute stale answers a reader past
// expiry at once while the next copy is fetched.
var Freshness = httpapi.Freshness{SharedMaxAge: 240 * time.Second, StaleWhileRevalidate: 60 * time.Second}

// Get serves GET /api/stats: 200 with counter.Stats, which shared caches
// may keep for Freshness.
func (h *Handler) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	s, err := counter.ReadStats(ctx, h.counters, h.now())
	if err != nil {
		return httpapi.Response{}, err
	}
	resp, err := httpapi.JSON(http.StatusOK, s)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.Shared(req, resp, Freshness), nil
}
