package clock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/clock"
)

func TestSleepWaitsItsDuration(t *testing.T) {
	t.Parallel()
	start := time.Now()
	if err := clock.Sleep(context.Background(), 20*time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v, want nil", err)
	}
	if waited := time.Since(start); waited < 20*time.Millisecond {
		t.Errorf("Sleep returned after %v, want at least 20ms", waited)
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	start := time.Now()
	if err := clock.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
	if waited := time.Since(start); waited > time.Minute {
		t.Errorf("Sleep outlived its context by %v", waited)
	}
}

func TestSleepOfNothingAnswersTheContext(t *testing.T) {
	t.Parallel()
	if err := clock.Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(live, 0) = %v, want nil", err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, d := range []time.Duration{-time.Second, 0, time.Hour} {
		if err := clock.Sleep(done, d); !errors.Is(err, context.Canceled) {
			t.Errorf("Sleep(done, %v) = %v, want context.Canceled", d, err)
		}
	}
}
