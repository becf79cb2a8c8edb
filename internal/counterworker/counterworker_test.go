package counterworker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/logging"
)

const (
	alice = "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	bob   = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
)

// fixture loads an SQS event from testdata.
func fixture(t testing.TB, name string) awsevents.SQSEvent {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev awsevents.SQSEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

// newHandler returns the Lambda entry point of a worker on counters.
func newHandler(t testing.TB, counters counterworker.Counters, log *slog.Logger) lambda.Handler {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h, err := counterworker.New(counters, 24*time.Hour, log)
	if err != nil {
		t.Fatal(err)
	}
	return lambda.NewHandler(h.Handle)
}

// invoke calls an entry point with the batch's JSON, as the Lambda service
// does, and returns the ids of the messages it reported failed.
func invoke(t testing.TB, h lambda.Handler, batch awsevents.SQSEvent) []string {
	t.Helper()
	payload, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatalf("function error (SQS would retry the whole batch): %v", err)
	}
	var resp struct {
		BatchItemFailures *[]struct {
			ItemIdentifier string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	if resp.BatchItemFailures == nil {
		t.Fatalf("response %s has no batchItemFailures list", out)
	}
	ids := []string{}
	for _, f := range *resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func counters(t testing.TB, c *inmem.Counters, names ...string) map[string]int64 {
	t.Helper()
	got, err := c.Get(context.Background(), names...)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func messageIDs(batch awsevents.SQSEvent, indexes ...int) []string {
	ids := []string{}
	for _, i := range indexes {
		ids = append(ids, batch.Records[i].MessageId)
	}
	return ids
}

func TestBatchIsCounted(t *testing.T) {
	t.Parallel()
	store := inmem.NewCounters()
	if failed := invoke(t, newHandler(t, store, nil), fixture(t, "batch.json")); len(failed) != 0 {
		t.Fatalf("failed = %v, want none", failed)
	}
	want := map[string]int64{
		"posts":                 1, // bob's post was created and deleted
		"users":                 1,
		"posts#author#" + alice: 1,
		"posts#author#" + bob:   0,
		"posts#day#2026-11-25":  1,
		"posts#day#2026-11-24":  0, // bob's post, created a millisecond before midnight UTC
	}
	if diff := cmp.Diff(want, counters(t, store, slices.Collect(maps.Keys(want))...)); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
}

func TestDuplicateDeliveryCountsOnce(t *testing.T) {
	t.Parallel()
	store := inmem.NewCounters()
	h := newHandler(t, store, nil)
	batch := fixture(t, "duplicate.json") // the event, and its republished copy
	for range 2 {                         // and the whole batch delivered again
		if failed := invoke(t, h, batch); len(failed) != 0 {
			t.Fatalf("failed = %v, want none", failed)
		}
	}
	// Each message on its own, as SQS redelivers after a lost delete.
	for _, r := range batch.Records {
		invoke(t, h, awsevents.SQSEvent{Records: []awsevents.SQSMessage{r}})
	}
	want := map[string]int64{"posts": 1, "posts#author#" + alice: 1, "posts#day#2026-11-25": 1}
	if diff := cmp.Diff(want, counters(t, store, "posts", "posts#author#"+alice, "posts#day#2026-11-25")); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
}

func TestPoisonMessagesFailAlone(t *testing.T) {
	t.Parallel()
	store := inmem.NewCounters()
	batch := fixture(t, "poison.json")
	// 0 is good; 1 is not JSON; 2 lacks data.authorId; 3 has an unknown
	// detail-type; 4 is schema version 2; 5 comes from another source;
	// 6 is a PostUpdated (counts nothing); 7 is good.
	failed := invoke(t, newHandler(t, store, nil), batch)
	if diff := cmp.Diff(messageIDs(batch, 1, 2, 3, 4, 5), failed); diff != "" {
		t.Errorf("failed messages (-want +got):\n%s", diff)
	}
	want := map[string]int64{"posts": 1, "users": 1, "posts#author#" + alice: 1}
	if diff := cmp.Diff(want, counters(t, store, "posts", "users", "posts#author#"+alice, "posts#author#"+bob)); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	// A poison message fails every time, so it reaches the DLQ.
	if again := invoke(t, newHandler(t, store, nil), batch); !slices.Equal(failed, again) {
		t.Errorf("redelivered, failed = %v, want %v", again, failed)
	}
}

// flaky fails the changes of the events in fail (until they are removed),
// and panics when a batch holds one of those in panics; everything else
// goes to the store.
type flaky struct {
	*inmem.Counters
	mu     sync.Mutex
	fail   map[string]bool
	panics map[string]bool
}

func (f *flaky) ApplyBatch(ctx context.Context, changes []counter.Change, ttl time.Duration) []counter.Result {
	results := make([]counter.Result, len(changes))
	for i, ch := range changes {
		f.mu.Lock()
		fail, panics := f.fail[ch.EventID], f.panics[ch.EventID]
		f.mu.Unlock()
		if panics {
			panic("boom")
		}
		if fail {
			results[i].Err = errors.New("ProvisionedThroughputExceededException")
			continue
		}
		results[i] = f.Counters.ApplyBatch(ctx, []counter.Change{ch}, ttl)[0]
	}
	return results
}

func TestStoreFailuresFailOnlyTheirMessages(t *testing.T) {
	t.Parallel()
	store := &flaky{
		Counters: inmem.NewCounters(),
		fail:     map[string]bool{"0193a1b2-c3d5-7a01-8b00-000000000002": true}, // bob's PostCreated
	}
	h := newHandler(t, store, nil)
	batch := fixture(t, "batch.json")
	names := []string{"posts", "users", "posts#author#" + alice, "posts#author#" + bob}
	if diff := cmp.Diff(messageIDs(batch, 1), invoke(t, h, batch)); diff != "" {
		t.Errorf("failed messages (-want +got):\n%s", diff)
	}
	want := map[string]int64{"posts": 0, "users": 1, "posts#author#" + alice: 1, "posts#author#" + bob: -1}
	if diff := cmp.Diff(want, counters(t, store.Counters, names...)); diff != "" {
		t.Errorf("counters after the failure (-want +got):\n%s", diff)
	}

	// SQS redelivers the batch (say a delete was lost) and the store panics
	// at the UserConfirmed, after applying bob's PostCreated: every message
	// of the batch fails.
	store.mu.Lock()
	store.fail, store.panics = nil, map[string]bool{"0193a1b2-c3d5-7a01-8b00-000000000003": true}
	store.mu.Unlock()
	if diff := cmp.Diff(messageIDs(batch, 0, 1, 2, 3), invoke(t, h, batch)); diff != "" {
		t.Errorf("failed messages after a panic (-want +got):\n%s", diff)
	}

	// The store recovers and they come again: each event still counts once.
	store.mu.Lock()
	store.panics = nil
	store.mu.Unlock()
	if failed := invoke(t, h, batch); len(failed) != 0 {
		t.Fatalf("failed on redelivery = %v", failed)
	}
	want = map[string]int64{"posts": 1, "users": 1, "posts#author#" + alice: 1, "posts#author#" + bob: 0}
	if diff := cmp.Diff(want, counters(t, store.Counters, names...)); diff != "" {
		t.Errorf("counters after redelivery (-want +got):\n%s", diff)
	}
}

func TestEmptyBatch(t *testing.T) {
	t.Parallel()
	if failed := invoke(t, newHandler(t, inmem.NewCounters(), nil), awsevents.SQSEvent{}); len(failed) != 0 {
		t.Errorf("failed = %v", failed)
	}
}

// The samples the contract publishes for subscribers are read as the
// worker's own fixtures are.
func TestContractSamples(t *testing.T) {
	t.Parallel()
	var batch awsevents.SQSEvent
	for _, dt := range events.DetailTypes() {
		body, err := events.Sample(dt)
		if err != nil {
			t.Fatal(err)
		}
		batch.Records = append(batch.Records, awsevents.SQSMessage{MessageId: dt, Body: string(body)})
	}
	if failed := invoke(t, newHandler(t, inmem.NewCounters(), nil), batch); len(failed) != 0 {
		t.Errorf("failed = %v, want none", failed)
	}
}

// Every line about a message names it and its receive count, and every
// line about an event that could be read carries its correlation id.
func TestLogsCarryMessageAndCorrelation(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	store := &flaky{Counters: inmem.NewCounters(), fail: map[string]bool{"0193a1b2-c3d5-7a01-8b00-000000000011": true}}
	h := newHandler(t, store, logging.New(&buf, slog.LevelDebug, "counterWorker"))
	batch := fixture(t, "poison.json")
	invoke(t, h, batch)

	correlations := map[string]string{
		batch.Records[0].MessageId: "Kx3cAhTGoAMEbJQ=", // store failure
		batch.Records[2].MessageId: "Nq6fDkWJrDPHeMT=", // invalid data: the id is still read
		batch.Records[6].MessageId: "Ru0jHoANvHTLiQX=",
		batch.Records[7].MessageId: "c0a8f1e2-6b1d-4c55-9a0e-7d3f2b1c4e5a",
	}
	seen := map[string]bool{}
	for line := range strings.Lines(buf.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		id, _ := rec["messageId"].(string)
		if id == "" {
			t.Errorf("a line names no message: %s", line)
			continue
		}
		seen[id] = true
		if _, ok := rec["receiveCount"].(string); !ok {
			t.Errorf("a line has no receive count: %s", line)
		}
		if want, ok := correlations[id]; ok && rec["correlationId"] != want {
			t.Errorf("correlationId = %v, want %s: %s", rec["correlationId"], want, line)
		}
		if rec["level"] == "ERROR" && rec["error"] == nil {
			t.Errorf("an error line without the error: %s", line)
		}
	}
	if len(seen) != len(batch.Records) {
		t.Errorf("logged about %d messages, want all %d", len(seen), len(batch.Records))
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestNewRefusesMissingDependencies(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	for _, tc := range []struct {
		name     string
		counters counterworker.Counters
		ttl      time.Duration
		log      *slog.Logger
	}{
		{"no store", nil, time.Hour, log},
		{"no TTL", inmem.NewCounters(), 0, log},
		{"no logger", inmem.NewCounters(), time.Hour, nil},
	} {
		if _, err := counterworker.New(tc.counters, tc.ttl, tc.log); err == nil {
			t.Errorf("%s: New succeeded", tc.name)
		}
	}
}

// folding counts the folds it is asked for and fails or panics on them.
type folding struct {
	*inmem.Counters
	folds  int
	err    error
	panics bool
}

func (f *folding) FoldClosedDays(context.Context) error {
	f.folds++
	if f.panics {
		panic("boom")
	}
	return f.err
}

// Every batch gives the store its chance to fold closed days (which it
// does at most once a day); a fold that fails or panics fails no message.
func TestBatchesLetTheStoreFold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		err    error
		panics bool
	}{
		{"folded", nil, false},
		{"fold failed", errors.New("ProvisionedThroughputExceededException"), false},
		{"fold panicked", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := &folding{Counters: inmem.NewCounters(), err: tc.err, panics: tc.panics}
			var buf bytes.Buffer
			h := newHandler(t, store, logging.New(&buf, slog.LevelDebug, "counterWorker"))
			if failed := invoke(t, h, fixture(t, "batch.json")); len(failed) != 0 {
				t.Errorf("failed = %v, want none", failed)
			}
			if failed := invoke(t, h, awsevents.SQSEvent{}); len(failed) != 0 {
				t.Errorf("failed = %v, want none", failed)
			}
			if store.folds != 2 {
				t.Errorf("%d folds after 2 batches, want 2", store.folds)
			}
			want := map[string]int64{"posts": 1, "users": 1}
			if diff := cmp.Diff(want, counters(t, store.Counters, "posts", "users")); diff != "" {
				t.Errorf("counters (-want +got):\n%s", diff)
			}
			if logged := strings.Contains(buf.String(), "folding closed days"); logged != (tc.err != nil || tc.panics) {
				t.Errorf("logged a fold failure: %v; log:\n%s", logged, buf.String())
			}
		})
	}
}
