package inmem

import (
	"context"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/auth"
)

var _ auth.Revocations = (*Revocations)(nil)

// Revocations is an auth.Revocations in memory.
type Revocations struct {
	mu        sync.RWMutex
	sessions  map[string]time.Time // origin_jti -> until
	signedOut map[string]time.Time // sub -> at
	now       func() time.Time
}

// NewRevocations returns an empty store.
func NewRevocations() *Revocations {
	return &Revocations{sessions: map[string]time.Time{}, signedOut: map[string]time.Time{}, now: time.Now}
}

// RevokeSession implements auth.Revocations.
func (r *Revocations) RevokeSession(_ context.Context, originJTI string, until time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions[originJTI] = until
	return nil
}

// RevokeUser implements auth.Revocations.
func (r *Revocations) RevokeUser(_ context.Context, sub string, at, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if at.After(r.signedOut[sub]) {
		r.signedOut[sub] = at
	}
	return nil
}

// IsRevoked implements auth.Revocations.
func (r *Revocations) IsRevoked(_ context.Context, s auth.Session) (bool, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if until, ok := r.sessions[s.OriginJTI]; ok && r.now().Before(until) {
		return true, nil
	}
	at, ok := r.signedOut[s.Sub]
	return ok && s.IssuedAt.Before(at), nil
}
