package outboxsweeper_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/logging"
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

type failingBus struct{}

func (failingBus) Publish(context.Context, []outbox.Record) ([]string, error) {
	return nil, errors.New("eventbridge: PutEvents: service unavailable")
}

// If PutEvents broke, events piled up in the outbox and nothing told anyone:
// every sweep now logs the backlog as an embedded CloudWatch metric, which
// OutboxBacklogAlarm watches.
func TestSweeperReportsTheOutboxBacklogAsAMetric(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		bus     outbox.Bus
		backlog float64
	}{
		{"publish works", &bus{}, 0},
		{"publish fails", failingBus{}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ob := inmem.NewOutbox()
			old := time.Now().Add(-time.Hour)
			inmem.SeedOutbox(ob,
				outbox.Record{EventID: "a", Detail: []byte(`{}`), OccurredAt: old},
				outbox.Record{EventID: "b", Detail: []byte(`{}`), OccurredAt: old},
			)
			var buf bytes.Buffer
			log := logging.New(&buf, slog.LevelInfo, "outboxSweeper")
			h := outboxsweeper.New(outbox.NewRelay(tc.bus, ob, slog.New(slog.DiscardHandler)), outboxsweeper.Config{MinAge: time.Second, PageSize: 10, Stage: "prod"}, log)
			_, _ = h(context.Background(), nil)
			line := metricLine(t, &buf)
			var meta struct {
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name, Unit string }
				}
			}
			if err := json.Unmarshal(line["_aws"], &meta); err != nil {
				t.Fatal(err)
			}
			want := `[{"Namespace":"Eventboard","Dimensions":[["Stage"]],"Metrics":[{"Name":"OutboxBacklog","Unit":"Count"}]}]`
			got, _ := json.Marshal(meta.CloudWatchMetrics)
			if string(got) != want || string(line["Stage"]) != `"prod"` || string(line["OutboxBacklog"]) != fmt.Sprint(tc.backlog) {
				t.Errorf("metric line = %s %s %s, want backlog %v", got, line["Stage"], line["OutboxBacklog"], tc.backlog)
			}
		})
	}
}

// metricLine returns the log line that carries an embedded metric.
func metricLine(t *testing.T, buf *bytes.Buffer) map[string]json.RawMessage {
	t.Helper()
	dec := json.NewDecoder(buf)
	for dec.More() {
		var line map[string]json.RawMessage
		if err := dec.Decode(&line); err != nil {
			t.Fatal(err)
		}
		if _, ok := line["_aws"]; ok {
			return line
		}
	}
	t.Fatal("no log line carries an embedded metric")
	return nil
}
