package dlq_test

import (
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/dlq"
)

func TestFilterMatch(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	created := dlq.Message{DetailType: "PostCreated", EventID: "e1", OccurredAt: at}
	unreadable := dlq.Message{Unreadable: "not JSON"}
	tests := []struct {
		name   string
		filter dlq.Filter
		msg    dlq.Message
		want   bool
	}{
		{"no filter takes a readable message", dlq.Filter{}, created, true},
		{"no filter leaves an unreadable one", dlq.Filter{}, unreadable, false},
		{"unreadable ones on request", dlq.Filter{Unreadable: true}, unreadable, true},
		{"unreadable ones never match a criterion", dlq.Filter{Unreadable: true, DetailTypes: []string{"PostCreated"}}, unreadable, false},
		{"detail-type among those given", dlq.Filter{DetailTypes: []string{"PostDeleted", "PostCreated"}}, created, true},
		{"detail-type not given", dlq.Filter{DetailTypes: []string{"PostDeleted"}}, created, false},
		{"event id given", dlq.Filter{EventIDs: []string{"e1"}}, created, true},
		{"event id not given", dlq.Filter{EventIDs: []string{"e2"}}, created, false},
		{"since is inclusive", dlq.Filter{Since: at}, created, true},
		{"before since", dlq.Filter{Since: at.Add(time.Second)}, created, false},
		{"until is exclusive", dlq.Filter{Until: at}, created, false},
		{"before until", dlq.Filter{Until: at.Add(time.Second)}, created, true},
		{"every criterion must hold", dlq.Filter{DetailTypes: []string{"PostCreated"}, EventIDs: []string{"e2"}}, created, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.filter.Match(tc.msg); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-12-01T09:00:00Z", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), true},
		{"90m", now.Add(-90 * time.Minute), true},
		{"yesterday", time.Time{}, false},
		{"-5m", time.Time{}, false},
	}
	for _, tc := range tests {
		got, err := dlq.ParseTime(tc.in, now)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
