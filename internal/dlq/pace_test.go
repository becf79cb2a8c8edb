package dlq_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/eventboard/eventboard/internal/dlq"
)

// fakeClock is a clock whose Sleep advances it at once.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return ctx.Err()
}

// sendTimes records the clock's time at every send.
type sendTimes struct {
	dlq.SQS
	clock *fakeClock
	at    []time.Time
}

func (s *sendTimes) SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	s.at = append(s.at, s.clock.Now())
	return s.SQS.SendMessage(ctx, in, opts...)
}

func TestReplayRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		perSecond float64
		messages  int
	}{
		{perSecond: 20, messages: 41},
		{perSecond: 7.5, messages: 16},
		{perSecond: 100, messages: 101},
	}
	api := kumoSQS(t)
	for _, tc := range tests {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			q, _ := stuck(t, api, dlq.QueueDLQ, tc.messages, 0, 0)
			clock := newFakeClock()
			rec := &sendTimes{SQS: api, clock: clock}
			res, err := dlq.Replay(context.Background(), rec, q, dlq.ReplayOptions{Pacer: dlq.NewLimiter(tc.perSecond, clock)})
			if err != nil || res.Moved != tc.messages {
				t.Fatalf("Replay = %+v, %v", res, err)
			}
			elapsed := rec.at[len(rec.at)-1].Sub(rec.at[0]).Seconds()
			got := float64(len(rec.at)-1) / elapsed
			if math.Abs(got-tc.perSecond) > 0.1*tc.perSecond {
				t.Errorf("%d sends in %.2fs: %.2f a second, want %.2f within 10%%", len(rec.at), elapsed, got, tc.perSecond)
			}
			// No burst: no two sends closer than the rate allows.
			for i := 1; i < len(rec.at); i++ {
				if gap := rec.at[i].Sub(rec.at[i-1]).Seconds(); gap < 0.9/tc.perSecond {
					t.Fatalf("sends %d and %d %.3fs apart, want at least %.3fs", i-1, i, gap, 1/tc.perSecond)
				}
			}
		})
	}
}

func TestLimiterWaitStopsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l := dlq.NewLimiter(1, nil)
	_ = l.Wait(context.Background()) // the first send goes at once
	start := time.Now()
	if err := l.Wait(ctx); err == nil {
		t.Error("Wait on a cancelled context = nil")
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Error("Wait did not return when the context was done")
	}
}
