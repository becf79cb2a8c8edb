package dlq

import (
	"context"
	"time"

	"golang.org/x/time/rate"

	"github.com/eventboard/eventboard/internal/clock"
)

// Clock is the time a Limiter paces by.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// Limiter paces sends to at most perSecond a second, one at a time (no
// burst), with golang.org/x/time/rate.
type Limiter struct {
	lim   *rate.Limiter
	clock Clock
}

// NewLimiter returns a Limiter of perSecond (> 0) on clock; nil clock means
// the wall clock.
func NewLimiter(perSecond float64, clock Clock) *Limiter {
	if clock == nil {
		clock = wallClock{}
	}
	return &Limiter{lim: rate.NewLimiter(rate.Limit(perSecond), 1), clock: clock}
}

// Wait blocks until the next send may go.
func (l *Limiter) Wait(ctx context.Context) error {
	now := l.clock.Now()
	r := l.lim.ReserveN(now, 1)
	if err := l.clock.Sleep(ctx, r.DelayFrom(now)); err != nil {
		r.CancelAt(l.clock.Now())
		return err
	}
	return nil
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error { return clock.Sleep(ctx, d) }
