package auth

import (
	"context"
	"time"
)

// Member is a confirmed user as the app records them, keyed by sub.
type Member struct {
	Sub         string
	Username    string
	Email       string
	ConfirmedAt time.Time
}

// Members records confirmed users.
type Members interface {
	// Add records m once: adding a sub already recorded changes nothing and
	// reports added false, so a retried trigger is harmless.
	Add(ctx context.Context, m Member) (added bool, err error)
}
