package counterworker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/lambdafn/lambdafntest"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// BenchmarkWorkerBatchOnKumo is the counter worker's throughput: batches of
// ten distinct PostCreated events through the Lambda entry point, each
// applied as a real transaction on kumo. Events per second = 10 / (s/op).
func BenchmarkWorkerBatchOnKumo(b *testing.B) {
	srv := emulator.NewKumo()
	b.Cleanup(srv.Close)
	db := emulator.DynamoDB(srv.URL)
	env := map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": srv.URL}
	createTables(b, db, env, "CounterTable", "ProcessedEventsTable")
	h := lambdafntest.Build(b, counterworker.CounterWorker(), env)()
	authors := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
	batch := func() []byte {
		var ev awsevents.SQSEvent
		for i := range 10 {
			id := uuid.Must(uuid.NewV7()).String()
			e, err := events.New(events.PostCreated{
				PostID: uuid.Must(uuid.NewV7()).String(), AuthorID: authors[i%3], AuthorName: "bench",
				Title: "benchmark", CreatedAt: time.Now(), Version: 1,
			}, events.Metadata{EventID: id, OccurredAt: time.Now(), CorrelationID: id, Producer: "eventboard.bench"})
			if err != nil {
				b.Fatal(err)
			}
			detail, _ := e.Detail()
			body, _ := json.Marshal(map[string]any{
				"version": "0", "id": id, "detail-type": e.DetailType(), "source": e.Source(),
				"account": "000000000000", "time": time.Now().UTC().Format(time.RFC3339), "region": "us-east-1",
				"resources": []string{}, "detail": json.RawMessage(detail),
			})
			ev.Records = append(ev.Records, awsevents.SQSMessage{
				MessageId: fmt.Sprint("m", i), Body: string(body), EventSource: "aws:sqs",
				Attributes: map[string]string{"ApproximateReceiveCount": "1"},
			})
		}
		payload, _ := json.Marshal(ev)
		return payload
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		payload := batch()
		b.StartTimer()
		out, err := h.Invoke(ctx, payload)
		if err != nil {
			b.Fatal(err)
		}
		var resp awsevents.SQSEventResponse
		if err := json.Unmarshal(out, &resp); err != nil || len(resp.BatchItemFailures) != 0 {
			b.Fatalf("batch failed: %s", out)
		}
	}
	b.ReportMetric(10*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
