package countertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/counter"
)

// Clock is a clock a test sets, for stores that read the time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock that reads now until it is set.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the time the clock was last set to.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock.
func (c *Clock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// HistoryTTL is the marker lifetime History applies events with: longer
// than the month it spans, as in production (MARKER_TTL, 90 days).
const HistoryTTL = 90 * 24 * time.Hour

// History applies events to a store as a board's days bring them, keeping
// the truth they must add up to.
type History struct {
	t      *testing.T
	store  Store
	clock  *Clock
	truth  map[string]int64
	events []counter.Change
}

// NewHistory returns a history of store, whose clock is clock.
func NewHistory(t *testing.T, store Store, clock *Clock) *History {
	return &History{t: t, store: store, clock: clock, truth: map[string]int64{}}
}

// Post applies n events, each of by (1 a PostCreated, -1 a PostDeleted) to
// the posts and to the posts of day, at the clock's time.
func (h *History) Post(day time.Time, n int, by int64) {
	h.t.Helper()
	for range n {
		h.apply([]counter.Delta{{Name: counter.Posts, By: by}, {Name: counter.DayPosts(day), By: by}})
	}
}

// User applies a UserConfirmed at the clock's time.
func (h *History) User() {
	h.t.Helper()
	h.apply([]counter.Delta{{Name: counter.Users, By: 1}})
}

// Day applies, at noon of day (which the clock is set to), n PostCreated
// of that day: what a day of posting writes while the day is open.
func (h *History) Day(day time.Time, n int) {
	h.t.Helper()
	h.clock.Set(day.Add(12 * time.Hour))
	h.Post(day, n, 1)
}

func (h *History) apply(deltas []counter.Delta) {
	h.t.Helper()
	ch := counter.Change{EventID: fmt.Sprintf("event-%d", len(h.events)), Deltas: deltas}
	r := h.store.ApplyBatch(context.Background(), []counter.Change{ch}, HistoryTTL)
	if r[0].Err != nil || !r[0].Applied {
		h.t.Fatalf("apply %s: %+v", ch.EventID, r[0])
	}
	h.events = append(h.events, ch)
	for _, d := range deltas {
		h.truth[d.Name] += d.By
	}
}

// Redeliver applies every event again, which must change nothing.
func (h *History) Redeliver() {
	h.t.Helper()
	results := h.store.ApplyBatch(context.Background(), h.events, HistoryTTL)
	for i, r := range results {
		if r.Err != nil || r.Applied {
			h.t.Errorf("redelivered %s: %+v, want not applied", h.events[i].EventID, r)
		}
	}
}

// Fold folds the closed days at the clock's time.
func (h *History) Fold() {
	h.t.Helper()
	if err := h.store.FoldClosedDays(context.Background()); err != nil {
		h.t.Fatalf("FoldClosedDays at %v: %v", h.clock.Now(), err)
	}
}

// Truth returns what the counters applied add up to.
func (h *History) Truth() map[string]int64 { return h.truth }

// WantStats checks the stats the store answers at the clock's time, and
// every counter the history wrote (days outside the stats included).
func (h *History) WantStats(when string) {
	h.t.Helper()
	now := h.clock.Now()
	got, err := counter.ReadStats(context.Background(), h.store, now)
	if err != nil {
		h.t.Fatalf("%s: ReadStats: %v", when, err)
	}
	want := counter.Stats{Totals: counter.Totals{Posts: h.truth[counter.Posts], Users: h.truth[counter.Users]}}
	today := now.UTC().Truncate(24 * time.Hour)
	for i := range counter.StatsDays {
		d := today.AddDate(0, 0, i+1-counter.StatsDays)
		want.PostsPerDay = append(want.PostsPerDay, counter.Day{Date: d.Format(counter.DateLayout), Posts: h.truth[counter.DayPosts(d)]})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		h.t.Errorf("%s: stats (-want +got):\n%s", when, diff)
	}
	names := make([]string, 0, len(h.truth))
	for name := range h.truth {
		names = append(names, name)
	}
	counters, err := h.store.Get(context.Background(), names...)
	if err != nil {
		h.t.Fatalf("%s: Get: %v", when, err)
	}
	if diff := cmp.Diff(h.truth, counters); diff != "" {
		h.t.Errorf("%s: counters (-want +got):\n%s", when, diff)
	}
}

// Month is 2026-11-25, the day a Month history ends on, at midnight.
var Month = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// MonthOfPosts writes a month of posting ending on Month: every day from 35
// days before it, posts on their own day (so on every shard), users, and
// late deletes of old posts; the clock ends at noon of Month.
func MonthOfPosts(h *History) {
	h.t.Helper()
	for d := Month.AddDate(0, 0, -35); !d.After(Month); d = d.AddDate(0, 0, 1) {
		h.Day(d, 3+d.Day()%5)
		if d.Day()%4 == 0 {
			h.User()
		}
	}
	// Deletes of posts of closed days, late: they go to shard 0.
	h.Post(Month.AddDate(0, 0, -10), 2, -1)
	h.Post(Month.AddDate(0, 0, -29), 1, -1) // the oldest day the stats show
	h.Post(Month.AddDate(0, 0, -31), 1, -1) // a day before them
}

// runFoldScenario holds a store to the stats it answers as days close and
// are folded: exact before any fold, after one, with a closed day not
// folded yet, and after deltas to folded days; redeliveries change nothing.
func runFoldScenario(t *testing.T, newStoreAt func(t *testing.T, now func() time.Time) Store) {
	clock := NewClock(Month)
	h := NewHistory(t, newStoreAt(t, clock.Now), clock)
	MonthOfPosts(h)
	h.WantStats("before any fold")
	h.Fold()
	h.WantStats("after the fold")
	h.Redeliver()
	h.WantStats("after redelivering every event")

	// Two days on, five minutes after midnight: the 24th is closed and
	// folds, the 25th is closed but too recently to fold.
	clock.Set(Month.AddDate(0, 0, 2).Add(5 * time.Minute))
	h.WantStats("with two closed days not folded")
	h.Post(Month.AddDate(0, 0, -1), 1, -1) // a delete on a closed day
	h.Post(Month.AddDate(0, 0, 2), 4, 1)
	h.WantStats("after writing to a closed day not folded")
	h.Fold()
	h.WantStats("after folding one of them")

	clock.Set(Month.AddDate(0, 0, 2).Add(12 * time.Hour))
	h.Fold()
	h.WantStats("after folding both")
	h.Post(Month, 2, -1) // a delete on a folded day
	h.WantStats("after writing to a folded day")
	h.Fold() // folded already: changes nothing
	h.Redeliver()
	h.WantStats("after redelivering every event again")
}
