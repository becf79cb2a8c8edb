// Package countertest holds the contract every counter store must meet, as
// a test suite that each adapter runs against its own backend (in memory,
// kumo, DynamoDB Local), so all of them are held to the same behaviour.
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

// Store is a counter store: what the worker writes (ApplyBatch and
// FoldClosedDays, as counterworker calls them) and the API reads.
type Store interface {
	ApplyBatch(ctx context.Context, changes []counter.Change, markerTTL time.Duration) []counter.Result
	FoldClosedDays(ctx context.Context) error
	counter.Reader
	counter.ValueReader
}

// TTL is the marker lifetime the suite applies events with.
const TTL = time.Hour

// RunStoreContract runs the contract suite. newStore must return an empty
// store, isolated from every other store it returns, that reads the time
// from now.
func RunStoreContract(t *testing.T, newStoreAt func(t *testing.T, now func() time.Time) Store) {
	t.Helper()
	ctx := context.Background()
	newStore := func(t *testing.T) Store { return newStoreAt(t, time.Now) }
	created := []counter.Delta{{Name: counter.Posts, By: 1}, {Name: counter.AuthorPosts("alice"), By: 1}}
	deleted := []counter.Delta{{Name: counter.Posts, By: -1}, {Name: counter.AuthorPosts("alice"), By: -1}}

	t.Run("an event applied twice counts once", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantApplied(t, s, "event-1", created, true)
		wantApplied(t, s, "event-1", created, false)
		wantCounters(t, s, map[string]int64{counter.Posts: 1, counter.AuthorPosts("alice"): 1})
	})

	t.Run("a redelivery with other deltas changes nothing", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantApplied(t, s, "event-1", created, true)
		wantApplied(t, s, "event-1", []counter.Delta{{Name: counter.Users, By: 5}}, false)
		wantCounters(t, s, map[string]int64{counter.Posts: 1, counter.AuthorPosts("alice"): 1})
	})

	t.Run("distinct events add up", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		for i := range 3 {
			wantApplied(t, s, fmt.Sprintf("event-%d", i), created, true)
		}
		wantCounters(t, s, map[string]int64{counter.Posts: 3, counter.AuthorPosts("alice"): 3})
	})

	t.Run("negative deltas", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantApplied(t, s, "created", created, true)
		wantApplied(t, s, "deleted", deleted, true)
		wantCounters(t, s, map[string]int64{counter.Posts: 0, counter.AuthorPosts("alice"): 0})
		// A delete that overtakes its create goes below zero, and the
		// create puts it right.
		wantApplied(t, s, "deleted-early", []counter.Delta{{Name: counter.Users, By: -1}}, true)
		wantCounters(t, s, map[string]int64{counter.Users: -1})
		wantApplied(t, s, "created-late", []counter.Delta{{Name: counter.Users, By: 1}}, true)
		wantCounters(t, s, map[string]int64{counter.Users: 0})
	})

	t.Run("concurrent applies of one event count once", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		const workers = 8
		var wg sync.WaitGroup
		applied := make(chan bool, workers)
		for range workers {
			wg.Go(func() {
				// A store may refuse a write that conflicts with another
				// in flight; the queue would redeliver, so retry.
				var err error
				for range 20 {
					var ok bool
					if ok, err = applyOne(ctx, s, "event-1", created, TTL); err == nil {
						applied <- ok
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
				t.Errorf("ApplyBatch kept failing: %v", err)
			})
		}
		wg.Wait()
		close(applied)
		n := 0
		for ok := range applied {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d of %d concurrent applies reported applying the event, want 1", n, workers)
		}
		wantCounters(t, s, map[string]int64{counter.Posts: 1, counter.AuthorPosts("alice"): 1})
	})

	t.Run("deltas to one counter are summed", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantApplied(t, s, "event-1", []counter.Delta{{Name: counter.Posts, By: 1}, {Name: counter.Posts, By: 2}, {Name: counter.Users, By: 0}}, true)
		wantCounters(t, s, map[string]int64{counter.Posts: 3})
		if got, err := s.Get(ctx, counter.Users); err != nil || len(got) != 0 {
			t.Errorf("a zero delta wrote its counter: Get = %v, %v", got, err)
		}
	})

	t.Run("an event without deltas is still marked", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantApplied(t, s, "event-1", nil, true)
		wantApplied(t, s, "event-1", created, false)
		if got, err := s.Get(ctx, counter.Posts); err != nil || len(got) != 0 {
			t.Errorf("Get = %v, %v; want nothing", got, err)
		}
	})

	t.Run("absent counters", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		got, err := s.Get(ctx, counter.Posts, counter.Users)
		if err != nil || len(got) != 0 {
			t.Errorf("Get = %v, %v; want an empty map", got, err)
		}
		if v, err := s.Value(ctx, counter.AuthorPosts("nobody")); err != nil || v != 0 {
			t.Errorf("Value = %d, %v; want 0", v, err)
		}
		if got, err := s.Get(ctx); err != nil || len(got) != 0 {
			t.Errorf("Get() = %v, %v; want an empty map", got, err)
		}
	})

	t.Run("get reads more than one batch, duplicates included", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		want := map[string]int64{}
		var names []string
		for e := range 9 { // 9 events of 24 counters: 216 counters
			var deltas []counter.Delta
			for i := range 24 {
				name := fmt.Sprintf("test#%d#%d", e, i)
				deltas = append(deltas, counter.Delta{Name: name, By: int64(e*100 + i)})
				if e*100+i != 0 {
					want[name] = int64(e*100 + i)
				}
				names = append(names, name, name)
			}
			wantApplied(t, s, fmt.Sprintf("event-%d", e), deltas, true)
		}
		names = append(names, "test#absent")
		got, err := s.Get(ctx, names...)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Get (-want +got):\n%s", diff)
		}
	})

	t.Run("value reads one counter", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantApplied(t, s, "event-1", created, true)
		if v, err := s.Value(ctx, counter.AuthorPosts("alice")); err != nil || v != 1 {
			t.Errorf("Value = %d, %v; want 1", v, err)
		}
	})

	t.Run("a batch applies each event once, within it and across batches", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		wantApplied(t, s, "event-1", created, true)
		got := s.ApplyBatch(ctx, []counter.Change{
			{EventID: "event-2", Deltas: created},
			{EventID: "event-1", Deltas: created}, // applied before the batch
			{EventID: "event-3", Deltas: deleted},
			{EventID: "event-2", Deltas: created}, // twice in the batch
			{EventID: "", Deltas: created},        // refused alone
		}, TTL)
		applied := make([]bool, len(got))
		for i, r := range got {
			applied[i] = r.Applied
			if (r.Err != nil) != (i == 4) {
				t.Errorf("change %d: error %v", i, r.Err)
			}
		}
		if diff := cmp.Diff([]bool{true, false, true, false, false}, applied); diff != "" {
			t.Errorf("applied (-want +got):\n%s", diff)
		}
		wantCounters(t, s, map[string]int64{counter.Posts: 1, counter.AuthorPosts("alice"): 1})
	})

	t.Run("a batch larger than one transaction", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// 60 events of three counters each, two of them the event's own:
		// 60 markers and 121 counters, more than DynamoDB's 100 items.
		changes := make([]counter.Change, 60)
		want := map[string]int64{counter.Posts: 60}
		for i := range changes {
			a, b := fmt.Sprintf("test#%d#a", i), fmt.Sprintf("test#%d#b", i)
			changes[i] = counter.Change{EventID: fmt.Sprintf("event-%d", i), Deltas: []counter.Delta{{Name: counter.Posts, By: 1}, {Name: a, By: 1}, {Name: b, By: 2}}}
			want[a], want[b] = 1, 2
		}
		for i, r := range s.ApplyBatch(ctx, changes, TTL) {
			if !r.Applied || r.Err != nil {
				t.Errorf("change %d: %+v", i, r)
			}
		}
		wantCounters(t, s, want)
	})

	t.Run("stats are exact before a fold, after it, and with a day not folded", func(t *testing.T) {
		t.Parallel()
		runFoldScenario(t, newStoreAt)
	})

	t.Run("invalid applies are refused", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if _, err := applyOne(ctx, s, "", created, TTL); err == nil {
			t.Error("a change without an event id succeeded")
		}
		if _, err := applyOne(ctx, s, "event-1", created, 0); err == nil {
			t.Error("a change without a marker TTL succeeded")
		}
		wantApplied(t, s, "event-1", created, true) // the refused apply left no marker
	})
}

// applyOne applies one event's deltas in a batch of its own.
func applyOne(ctx context.Context, s Store, eventID string, deltas []counter.Delta, markerTTL time.Duration) (bool, error) {
	r := s.ApplyBatch(ctx, []counter.Change{{EventID: eventID, Deltas: deltas}}, markerTTL)
	if len(r) != 1 {
		return false, fmt.Errorf("ApplyBatch of one change returned %d results", len(r))
	}
	return r[0].Applied, r[0].Err
}

func wantApplied(t *testing.T, s Store, eventID string, deltas []counter.Delta, want bool) {
	t.Helper()
	got, err := applyOne(context.Background(), s, eventID, deltas, TTL)
	if err != nil {
		t.Fatalf("apply %s: %v", eventID, err)
	}
	if got != want {
		t.Errorf("apply %s = %v, want %v", eventID, got, want)
	}
}

// wantCounters checks the counters named in want (and only those).
func wantCounters(t *testing.T, s Store, want map[string]int64) {
	t.Helper()
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	got, err := s.Get(context.Background(), names...)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
}
