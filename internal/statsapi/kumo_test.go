package statsapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/httpapi/httpapitest"
	"github.com/eventboard/eventboard/internal/lambdafn/lambdafntest"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/statsapi"
)

// The function as its main.go and the local stack build it, from getStats'
// serverless.yml environment, reading kumo's DynamoDB with one
// BatchGetItem of 61 keys once the worker folded the closed days.
func TestWiredStatsOnKumo(t *testing.T) {
	srv := emulator.NewKumo() // before t.Parallel: kumo servers must not start at once
	t.Cleanup(srv.Close)
	t.Parallel()
	ctx := context.Background()
	db := emulator.DynamoDB(srv.URL)
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: fmt.Sprint("test", stageSeq.Add(1))})
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := m.Function("getStats")
	if !ok {
		t.Fatal("serverless.yml declares no getStats")
	}
	for _, id := range []string{"CounterTable", "ProcessedEventsTable"} {
		table, ok := m.Table(id)
		if !ok {
			t.Fatalf("serverless.yml declares no %s", id)
		}
		if _, err := db.CreateTable(ctx, table.CreateTableInput()); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": srv.URL}
	maps.Copy(env, fn.Environment)
	processed, _ := m.Table("ProcessedEventsTable")
	writer, err := dynamo.NewCounters(db, env["COUNTER_TABLE"], processed.Name)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	deltas := []counter.Delta{{Name: counter.Posts, By: 2}, {Name: counter.Users, By: 1}, {Name: counter.DayPosts(today), By: 2}}
	if r := writer.ApplyBatch(ctx, []counter.Change{{EventID: "e1", Deltas: deltas}}, time.Hour); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	// Ten days ago, while that day was open: posts on its shards, which
	// the worker's fold moves into one.
	tenDaysAgo := today.AddDate(0, 0, -10)
	then, err := dynamo.NewCounters(db, env["COUNTER_TABLE"], processed.Name, dynamo.CountersClock(func() time.Time { return tenDaysAgo }))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		if r := then.ApplyBatch(ctx, []counter.Change{{EventID: fmt.Sprint("old", i), Deltas: []counter.Delta{{Name: counter.DayPosts(tenDaysAgo), By: 1}}}}, time.Hour); r[0].Err != nil {
			t.Fatal(r[0].Err)
		}
	}
	if err := writer.FoldClosedDays(ctx); err != nil {
		t.Fatal(err)
	}

	var reads batchGets
	now := time.Now().UTC()
	resp := httpapitest.InvokeLambda(t, lambdafntest.Build(t, statsapi.GetStats(), env, reads.install)(), fixture(t, "get-stats.json"))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var got counter.Stats
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
		t.Fatal(err)
	}
	// Today is the last day, or the one before if midnight passed since.
	var todays int64
	for _, d := range got.PostsPerDay[len(got.PostsPerDay)-2:] {
		if d.Date == today.Format(counter.DateLayout) {
			todays = d.Posts
		}
	}
	var old int64
	for _, d := range got.PostsPerDay {
		if d.Date == tenDaysAgo.Format(counter.DateLayout) {
			old = d.Posts
		}
	}
	if got.Totals != (counter.Totals{Posts: 2, Users: 1}) || todays != 2 || old != 8 {
		t.Errorf("stats = %s", resp.Body)
	}
	// The totals' and the open days' 8 shards each, the closed days' one,
	// the fold marker. In the first minutes of a UTC day the day before
	// yesterday is closed but not folded yet: its other 7 shards follow.
	want := []int{61}
	if since := now.Sub(now.Truncate(24 * time.Hour)); since < 15*time.Minute {
		want = append(want, 7)
	}
	if got := reads.keys(); !slices.Equal(got, want) {
		t.Errorf("keys per BatchGetItem = %v, want %v", got, want)
	}
}

// batchGets records the keys of each BatchGetItem a client sends.
type batchGets struct {
	mu     sync.Mutex
	perGet []int
}

// install adds the recording to a client's stack: an SDK API option.
func (b *batchGets) install(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("recordBatchGets", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if get, ok := in.Parameters.(*dynamodb.BatchGetItemInput); ok {
			n := 0
			for _, ka := range get.RequestItems {
				n += len(ka.Keys)
			}
			b.mu.Lock()
			b.perGet = append(b.perGet, n)
			b.mu.Unlock()
		}
		return next.HandleInitialize(ctx, in)
	}), middleware.After)
}

func (b *batchGets) keys() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.perGet)
}

// stageSeq gives every use of kumo's process-wide state tables of its own,
// so -count=N runs do not meet the tables of earlier runs.
var stageSeq atomic.Int64
