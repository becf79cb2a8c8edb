package outbox_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/outbox"
)

// bus accepts the records accept says, and keeps them.
type bus struct {
	accept func(outbox.Record) bool
	down   bool
	got    []string
}

func (b *bus) Publish(_ context.Context, rs []outbox.Record) ([]string, error) {
	if b.down {
		return nil, errors.New("bus down")
	}
	var ok []string
	var err error
	for _, r := range rs {
		if b.accept == nil || b.accept(r) {
			ok = append(ok, r.EventID)
			b.got = append(b.got, r.EventID)
		} else {
			err = errors.New("some entries failed")
		}
	}
	return ok, err
}

func rec(id string, age time.Duration) outbox.Record {
	return outbox.Record{EventID: id, Source: "eventboard.posts", DetailType: "PostCreated", Detail: []byte(`{}`), OccurredAt: time.Now().Add(-age)}
}

// seed puts records in an in-memory outbox the way a store would, through
// a post store's transaction; here directly through the test hook.
func seed(t *testing.T, rs ...outbox.Record) *inmem.Outbox {
	t.Helper()
	ob := inmem.NewOutbox()
	inmem.SeedOutbox(ob, rs...)
	return ob
}

func TestSendDeletesOnlyWhatWasPublished(t *testing.T) {
	t.Parallel()
	a, b := rec("a", 0), rec("b", 0)
	ob := seed(t, a, b)
	relay := outbox.NewRelay(&bus{accept: func(r outbox.Record) bool { return r.EventID == "a" }}, ob, slog.New(slog.DiscardHandler))
	if err := relay.Send(context.Background(), a, b); err == nil {
		t.Error("a partial publish was not reported")
	}
	left, _ := ob.Pending(context.Background(), time.Now().Add(time.Hour), 10)
	if len(left) != 1 || left[0].EventID != "b" {
		t.Errorf("left in the outbox: %+v, want only b", left)
	}
}

func TestSendWithTheBusDownKeepsEverything(t *testing.T) {
	t.Parallel()
	a := rec("a", 0)
	ob := seed(t, a)
	relay := outbox.NewRelay(&bus{down: true}, ob, slog.New(slog.DiscardHandler))
	if err := relay.Send(context.Background(), a); err == nil {
		t.Error("a failed publish was not reported")
	}
	if ob.Len() != 1 {
		t.Error("a record was dropped although nothing was published")
	}
}

func TestSweepPublishesWhatIsOldEnough(t *testing.T) {
	t.Parallel()
	ob := seed(t, rec("old1", time.Minute), rec("old2", 2*time.Minute), rec("fresh", 0))
	b := &bus{}
	relay := outbox.NewRelay(b, ob, slog.New(slog.DiscardHandler))
	res, err := relay.Sweep(context.Background(), 30*time.Second, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Found != 2 || res.Published != 2 || ob.Len() != 1 {
		t.Errorf("sweep = %+v, left %d; want 2 found and published, the fresh one left", res, ob.Len())
	}
	if len(b.got) != 2 || b.got[0] != "old2" {
		t.Errorf("published %v, want oldest first", b.got)
	}
}

func TestSweepStopsWhenTheBusTakesNothing(t *testing.T) {
	t.Parallel()
	ob := seed(t, rec("old", time.Minute))
	relay := outbox.NewRelay(&bus{accept: func(outbox.Record) bool { return false }}, ob, slog.New(slog.DiscardHandler))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = relay.Sweep(context.Background(), 0, 10)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("sweep loops while the bus refuses everything")
	}
	if ob.Len() != 1 {
		t.Error("an unpublished record was dropped")
	}
}
