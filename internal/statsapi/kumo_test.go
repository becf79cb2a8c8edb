package statsapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync/atomic"
	"testing"
	"time"

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
// BatchGetItem.
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

	resp := httpapitest.InvokeLambda(t, lambdafntest.Build(t, statsapi.GetStats(), env)(), fixture(t, "get-stats.json"))
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
	if got.Totals != (counter.Totals{Posts: 2, Users: 1}) || todays != 2 {
		t.Errorf("stats = %s", resp.Body)
	}
}

// stageSeq gives every use of kumo's process-wide state tables of its own,
// so -count=N runs do not meet the tables of earlier runs.
var stageSeq atomic.Int64
