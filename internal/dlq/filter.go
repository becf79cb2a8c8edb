package dlq

import (
	"fmt"
	"slices"
	"time"
)

// Filter selects the messages a replay moves. The zero Filter selects every
// readable message.
type Filter struct {
	// DetailTypes and EventIDs, when not empty, each name the values a
	// message must have one of.
	DetailTypes []string
	EventIDs    []string
	// Since and Until, when not zero, bound the event's occurredAt:
	// Since <= occurredAt < Until.
	Since, Until time.Time
	// Unreadable also selects messages whose body is not an Eventboard
	// event (they match no other criterion). Off by default: such a message
	// fails again wherever it is sent.
	Unreadable bool
}

// Match reports whether f selects m.
func (f Filter) Match(m Message) bool {
	if m.Unreadable != "" {
		return f.Unreadable && len(f.DetailTypes) == 0 && len(f.EventIDs) == 0 && f.Since.IsZero() && f.Until.IsZero()
	}
	if len(f.DetailTypes) > 0 && !slices.Contains(f.DetailTypes, m.DetailType) {
		return false
	}
	if len(f.EventIDs) > 0 && !slices.Contains(f.EventIDs, m.EventID) {
		return false
	}
	if !f.Since.IsZero() && m.OccurredAt.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !m.OccurredAt.Before(f.Until) {
		return false
	}
	return true
}

// Empty reports whether f selects every readable message.
func (f Filter) Empty() bool {
	return len(f.DetailTypes) == 0 && len(f.EventIDs) == 0 && f.Since.IsZero() && f.Until.IsZero()
}

// ParseTime reads a --since or --until value: an RFC 3339 time, or a
// duration before now ("90m" is 90 minutes ago).
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want an RFC 3339 time (2026-12-01T09:00:00Z) or a duration ago (90m)", s)
}
