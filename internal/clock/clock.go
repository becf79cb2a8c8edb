// Package clock holds the one wait that production code and the local stack
// share: a sleep that a context cuts short. Retries with backoff (DynamoDB,
// EventBridge), the paced redrive of dead letters and the local SQS pollers
// all wait through it.
package clock

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx is done if that comes first. It returns nil
// when d passed and ctx.Err() when ctx ended the wait; a d of zero or less
// does not wait, and answers whether ctx is done already.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
