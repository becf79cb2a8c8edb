package auth

import (
	"context"
	"time"

	"github.com/eventboard/eventboard/internal/outbox"
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
	// Add records m once, with ev (its UserConfirmed event) in the outbox in
	// the same transaction: adding a sub already recorded changes nothing,
	// records no event and reports added false, so a retried trigger is
	// harmless.
	Add(ctx context.Context, m Member, ev outbox.Record) (added bool, err error)
}
