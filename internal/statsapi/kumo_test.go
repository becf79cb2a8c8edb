package statsapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/openapitest"
	"github.com/eventboard/eventboard/internal/statsapi"
)

// The handler as the local stack builds it, from getStats' serverless.yml
// environment, reading kumo's DynamoDB with one BatchGetItem.
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
	cfg, err := config.Load[statsapi.Config](ctx, envconfig.MapLookuper(withFunctionName(fn.Environment, "getStats")))
	if err != nil {
		t.Fatal(err)
	}
	processed, _ := m.Table("ProcessedEventsTable")
	writer, err := dynamo.NewCounters(db, cfg.CounterTable, processed.Name)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	deltas := []counter.Delta{{Name: counter.Posts, By: 2}, {Name: counter.Users, By: 1}, {Name: counter.DayPosts(today), By: 2}}
	if r := writer.ApplyBatch(ctx, []counter.Change{{EventID: "e1", Deltas: deltas}}, time.Hour); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}

	h, err := statsapi.Wire(cfg, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	req := fixture(t, "get-stats.json")
	payload, _ := json.Marshal(req)
	out, err := lambda.NewHandler(httpapi.Lambda(slog.New(slog.DiscardHandler), h.Get)).Invoke(ctx, payload)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != 200 {
		t.Fatalf("response %s: %v", out, err)
	}
	openapitest.CheckEvent(t, req, resp)
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

// withFunctionName adds what Lambda sets to env.
func withFunctionName(env map[string]string, name string) map[string]string {
	out := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": name}
	maps.Copy(out, env)
	return out
}
