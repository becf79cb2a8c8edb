package outboxsweeper_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/outboxsweeper"
)

type bus struct{ got []string }

func (b *bus) Publish(_ context.Context, rs []outbox.Record) ([]string, error) {
	for _, r := range rs {
		b.got = append(b.got, r.EventID)
	}
	return b.got[len(b.got)-len(rs):], nil
}

// The sweeper takes Scheduler's payload through the Lambda entry point,
// publishes what is old enough, and reports what it did.
func TestSweepThroughTheEntryPoint(t *testing.T) {
	t.Parallel()
	ob := inmem.NewOutbox()
	now := time.Now()
	inmem.SeedOutbox(ob,
		outbox.Record{EventID: "old", Detail: []byte(`{}`), OccurredAt: now.Add(-time.Minute)},
		outbox.Record{EventID: "young", Detail: []byte(`{}`), OccurredAt: now},
	)
	b := &bus{}
	log := slog.New(slog.DiscardHandler)
	h := outboxsweeper.New(outbox.NewRelay(b, ob, log), outboxsweeper.Config{MinAge: 30 * time.Second, PageSize: 10}, log)
	scheduled := []byte(`{"version":"0","id":"x","detail-type":"Scheduled Event","source":"aws.scheduler","account":"000000000000","time":"2026-11-25T00:00:00Z","region":"us-east-1","resources":["arn:aws:scheduler:us-east-1:000000000000:schedule/default/sweeper"],"detail":"{}"}`)
	out, err := lambda.NewHandler(h).Invoke(context.Background(), scheduled)
	if err != nil {
		t.Fatal(err)
	}
	var res outbox.SweepResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.Found != 1 || res.Published != 1 || len(b.got) != 1 || b.got[0] != "old" || ob.Len() != 1 {
		t.Errorf("result %+v, published %v, left %d", res, b.got, ob.Len())
	}
}
