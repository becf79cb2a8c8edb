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
	sessions  map[string]time.Time     // origin_jti -> until
	started   map[string]time.Time     // origin_jti -> when its sign-in started
	signedOut map[string]time.Time     // sub -> at
	rotated   map[string]auth.Rotation // refresh token digest -> its rotation
	now       func() time.Time
}

// NewRevocations returns an empty store.
func NewRevocations() *Revocations {
	return &Revocations{sessions: map[string]time.Time{}, started: map[string]time.Time{}, signedOut: map[string]time.Time{}, rotated: map[string]auth.Rotation{}, now: time.Now}
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
	at = at.Truncate(time.Microsecond)
	if at.After(r.signedOut[sub]) {
		r.signedOut[sub] = at
	}
	return nil
}

// SessionStarted implements auth.Revocations.
func (r *Revocations) SessionStarted(_ context.Context, originJTI string, at, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started[originJTI] = at.Truncate(time.Microsecond)
	return nil
}

// IsRevoked implements auth.Revocations.
func (r *Revocations) IsRevoked(_ context.Context, s auth.Session) (bool, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if until, ok := r.sessions[s.OriginJTI]; ok && r.now().Before(until) {
		return true, nil
	}
	return auth.RevokedBySignOut(s, r.signedOut[s.Sub], r.started[s.OriginJTI]), nil
}

// RecordRotation implements auth.Revocations.
func (r *Revocations) RecordRotation(_ context.Context, tokenDigest string, rot auth.Rotation, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rotated[tokenDigest] = rot
	return nil
}

// RotatedFrom implements auth.Revocations.
func (r *Revocations) RotatedFrom(_ context.Context, tokenDigest string) (auth.Rotation, bool, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.rotated[tokenDigest]
	return s, ok, nil
}
