package counterworker_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn/lambdafntest"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
)

// createTables creates the tables of serverless.yml named by logical id,
// as the stage "test" names them, and adds counterWorker's environment,
// which points at them, to env.
func createTables(t testing.TB, db *dynamodb.Client, env map[string]string, logicalIDs ...string) {
	t.Helper()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: fmt.Sprint("test", stageSeq.Add(1))})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range logicalIDs {
		table, ok := m.Table(id)
		if !ok {
			t.Fatalf("serverless.yml declares no %s", id)
		}
		if _, err := db.CreateTable(context.Background(), table.CreateTableInput()); err != nil {
			t.Fatalf("create %s: %v", id, err)
		}
	}
	fn, ok := m.Function("counterWorker")
	if !ok {
		t.Fatal("serverless.yml declares no counterWorker")
	}
	for k, v := range fn.Environment {
		env[k] = v
	}
}

// The worker as the local stack builds it, from its serverless.yml
// environment, on kumo's DynamoDB: the transaction runs for real.
func TestWiredWorkerOnKumo(t *testing.T) {
	srv := emulator.NewKumo() // before t.Parallel: kumo servers must not start at once
	t.Cleanup(srv.Close)
	t.Parallel()
	db := emulator.DynamoDB(srv.URL)
	env := map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": srv.URL}
	createTables(t, db, env, "CounterTable", "ProcessedEventsTable")
	h := lambdafntest.Build(t, counterworker.CounterWorker(), env)()
	for _, name := range []string{"batch.json", "duplicate.json", "batch.json"} {
		if failed := invoke(t, h, fixture(t, name)); len(failed) != 0 {
			t.Fatalf("%s: failed %v", name, failed)
		}
	}
	counters, err := dynamo.NewCounters(db, env["COUNTER_TABLE"], "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := counters.Get(context.Background(), "posts", "users", "posts#author#"+alice, "posts#author#"+bob, "posts#day#2026-11-25", "posts#day#2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	// Bob's post was created and deleted in one batch: its counters were
	// never written (absent reads as 0).
	want := map[string]int64{"posts": 1, "users": 1, "posts#author#" + alice: 1, "posts#day#2026-11-25": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(env["PROCESSED_EVENTS_TABLE"]), Select: "COUNT"})
	if err != nil || out.Count != 4 {
		t.Errorf("markers: %v, %v; want one per event (4)", out, err)
	}
}

// stageSeq gives every use of kumo's process-wide state tables of its own,
// so -count=N runs do not meet the tables of earlier runs.
var stageSeq atomic.Int64
