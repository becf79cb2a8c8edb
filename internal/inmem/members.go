package inmem

import (
	"context"
	"sync"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/outbox"
)

var _ auth.Members = (*Members)(nil)

// Members is an auth.Members in memory.
type Members struct {
	mu      sync.Mutex
	members map[string]auth.Member
	outbox  *Outbox
}

// NewMembers returns an empty store recording events in outbox.
func NewMembers(outbox *Outbox) *Members {
	return &Members{members: map[string]auth.Member{}, outbox: outbox}
}

// Add implements auth.Members.
func (s *Members) Add(_ context.Context, m auth.Member, ev outbox.Record) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.members[m.Sub]; ok {
		return false, nil
	}
	s.members[m.Sub] = m
	s.outbox.put(ev)
	return true, nil
}

// All returns every member (tests).
func (s *Members) All() []auth.Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]auth.Member, 0, len(s.members))
	for _, m := range s.members {
		out = append(out, m)
	}
	return out
}
