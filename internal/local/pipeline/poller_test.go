package pipeline_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/local/pipeline"
)

// invocation is one call a fake function received.
type invocation struct {
	function string
	payload  []byte
}

// fakeFunctions stands in for the stack's functions: it records every
// invocation and answers with respond.
type fakeFunctions struct {
	respond func(function string, payload []byte) ([]byte, error)

	mu    sync.Mutex
	calls []invocation
}

var _ pipeline.Invoker = (*fakeFunctions)(nil)

func (f *fakeFunctions) Invoke(_ context.Context, function string, payload []byte) ([]byte, error) {
	f.mu.Lock()
	f.calls = append(f.calls, invocation{function, slices.Clone(payload)})
	f.mu.Unlock()
	if f.respond == nil {
		return []byte("null"), nil
	}
	return f.respond(function, payload)
}

func (f *fakeFunctions) invocations() []invocation {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// batches decodes the SQS events the counter worker received.
func (f *fakeFunctions) batches(t testing.TB) []events.SQSEvent {
	t.Helper()
	var out []events.SQSEvent
	for _, c := range f.invocations() {
		if c.function != "counterWorker" {
			continue
		}
		var ev events.SQSEvent
		if err := json.Unmarshal(c.payload, &ev); err != nil {
			t.Fatalf("counterWorker payload %s: %v", c.payload, err)
		}
		out = append(out, ev)
	}
	return out
}

// startPipeline provisions serverless.yml for stage, with a 1 s visibility
// timeout on the counter queue, sends bodies to the queue, and then runs
// the pipeline with fns and one poller, so that the first batch holds all
// of bodies whatever the batching window.
func startPipeline(t *testing.T, stage string, fns pipeline.Invoker, bodies ...string) *pipeline.Resources {
	t.Helper()
	m, res := provision(t, stage, pipeline.WithVisibilityTimeout("CounterQueue", time.Second))
	queue, _ := res.Queue("CounterQueue")
	send(t, queue.URL, bodies...)
	p, err := pipeline.Start(context.Background(), m, res, clients(), fns, pipeline.Options{Pollers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	return res
}

func send(t testing.TB, queueURL string, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		in := &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(b)}
		if b == "with-attribute" {
			in.MessageAttributes = map[string]sqstypes.MessageAttributeValue{
				"correlationId": {DataType: aws.String("String"), StringValue: aws.String("c-1")},
			}
		}
		if _, err := clients().SQS.SendMessage(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
}

// eventually waits up to d for cond.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// queueDepth is the queue's visible plus in-flight messages.
func queueDepth(t testing.TB, url string) int {
	t.Helper()
	out, err := clients().SQS.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range []string{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"} {
		v, _ := strconv.Atoi(out.Attributes[k])
		n += v
	}
	return n
}

// TestPartialBatchFailureRedrivesPoisonToDLQ runs the counter worker's real
// event source mapping (ReportBatchItemFailures) against a
// function that always reports one message as failed: its batch-mates are
// deleted at once, it comes back after each visibility timeout with a
// higher receive count, and after serverless.yml's maxReceiveCount SQS
// moves it to the DLQ.
func TestPartialBatchFailureRedrivesPoisonToDLQ(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out maxReceiveCount visibility timeouts")
	}
	t.Parallel()
	fns := &fakeFunctions{respond: func(_ string, payload []byte) ([]byte, error) {
		var ev events.SQSEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, err
		}
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			if r.Body == "poison" {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			}
		}
		return json.Marshal(resp)
	}}
	res := startPipeline(t, fresh("pipelinetest-redrive"), fns, "ok-1", "poison", "with-attribute")
	queue, _ := res.Queue("CounterQueue")
	dlq, _ := res.Queue("CounterDLQ")

	var dead []sqstypes.Message
	eventually(t, 15*time.Second, "the poison message did not reach the DLQ", func() bool {
		out, err := clients().SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(dlq.URL), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		dead = append(dead, out.Messages...)
		return len(dead) > 0
	})
	if n := queueDepth(t, queue.URL); n != 0 {
		t.Errorf("the counter queue still holds %d messages, want 0: the poison's batch-mates are deleted", n)
	}

	batches := fns.batches(t)
	var poisonID string
	for _, r := range batches[0].Records {
		if r.Body == "poison" {
			poisonID = r.MessageId
		}
	}
	if len(dead) != 1 || aws.ToString(dead[0].Body) != "poison" || aws.ToString(dead[0].MessageId) != poisonID {
		t.Errorf("the DLQ holds %d messages (first: %v), want the poison message %s alone", len(dead), aws.ToString(dead[0].Body), poisonID)
	}
	first := batches[0]
	if len(first.Records) != 3 {
		t.Fatalf("first batch has %d messages, want the 3 waiting in the queue (batchSize 10)", len(first.Records))
	}
	for _, r := range first.Records {
		sum := md5.Sum([]byte(r.Body))
		// kumo sends no SenderId, which SQS adds to every message.
		want := events.SQSMessage{
			MessageId:     r.MessageId,
			ReceiptHandle: r.ReceiptHandle,
			Body:          r.Body,
			Md5OfBody:     hex.EncodeToString(sum[:]),
			Attributes: map[string]string{
				"ApproximateReceiveCount":          "1",
				"SentTimestamp":                    r.Attributes["SentTimestamp"],
				"ApproximateFirstReceiveTimestamp": r.Attributes["ApproximateFirstReceiveTimestamp"],
			},
			MessageAttributes: map[string]events.SQSMessageAttribute{},
			EventSourceARN:    queue.ARN,
			EventSource:       "aws:sqs",
			AWSRegion:         "us-east-1",
		}
		if r.Body == "with-attribute" {
			want.MessageAttributes["correlationId"] = events.SQSMessageAttribute{
				DataType: "String", StringValue: aws.String("c-1"), StringListValues: []string{}, BinaryListValues: [][]byte{},
			}
		}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Errorf("record %s (-want +got):\n%s", r.Body, diff)
		}
		for _, k := range []string{"SentTimestamp", "ApproximateFirstReceiveTimestamp"} {
			if ms, err := strconv.ParseInt(r.Attributes[k], 10, 64); err != nil || time.Since(time.UnixMilli(ms)) > time.Minute {
				t.Errorf("record %s: %s = %q, want a recent time in ms", r.Body, k, r.Attributes[k])
			}
		}
	}

	// The poison alone, received once per visibility timeout,
	// maxReceiveCount times.
	redrive := load(t, "pipelinetest-redrive").Resources["CounterQueue"].Properties["RedrivePolicy"].(map[string]any)
	var want []string
	for i := range redrive["maxReceiveCount"].(int) {
		want = append(want, strconv.Itoa(i+1))
	}
	var counts []string
	for _, b := range batches {
		for _, r := range b.Records {
			if r.Body == "poison" {
				counts = append(counts, r.Attributes["ApproximateReceiveCount"])
			} else if r.Attributes["ApproximateReceiveCount"] != "1" {
				t.Errorf("%s was delivered again, after it succeeded", r.Body)
			}
		}
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("the poison's receive counts (-want +got):\n%s", diff)
	}
}

// TestFailedBatchIsRedeliveredWhole: a function error, or a batch response
// Lambda cannot honour, deletes nothing; the whole batch comes back after
// the visibility timeout.
func TestFailedBatchIsRedeliveredWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		first func(ev events.SQSEvent) ([]byte, error)
	}{
		{"function error", func(events.SQSEvent) ([]byte, error) { return nil, errors.New("boom") }},
		{"an itemIdentifier not in the batch", func(events.SQSEvent) ([]byte, error) {
			return []byte(`{"batchItemFailures":[{"itemIdentifier":"not-a-message-of-the-batch"}]}`), nil
		}},
		{"an empty itemIdentifier", func(events.SQSEvent) ([]byte, error) {
			return []byte(`{"batchItemFailures":[{"itemIdentifier":""}]}`), nil
		}},
		{"a response that is not a batch response", func(events.SQSEvent) ([]byte, error) { return []byte(`"done"`), nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := 0
			fns := &fakeFunctions{respond: func(_ string, payload []byte) ([]byte, error) {
				var ev events.SQSEvent
				if err := json.Unmarshal(payload, &ev); err != nil {
					return nil, err
				}
				mu.Lock()
				calls++
				n := calls
				mu.Unlock()
				if n == 1 {
					return tt.first(ev)
				}
				return []byte(`{"batchItemFailures":[]}`), nil
			}}
			queue, _ := startPipeline(t, fresh("pipelinetest-whole"), fns, "a", "b").Queue("CounterQueue")
			eventually(t, 8*time.Second, "the batch was not redelivered and deleted", func() bool {
				return len(fns.batches(t)) >= 2 && queueDepth(t, queue.URL) == 0
			})
			batches := fns.batches(t)
			if len(batches) != 2 {
				t.Fatalf("%d batches, want 2: the failed one and its redelivery", len(batches))
			}
			for i, want := range []string{"1", "2"} {
				var bodies []string
				for _, r := range batches[i].Records {
					bodies = append(bodies, r.Body)
					if got := r.Attributes["ApproximateReceiveCount"]; got != want {
						t.Errorf("batch %d: %s received %s times, want %s", i, r.Body, got, want)
					}
				}
				slices.Sort(bodies)
				if diff := cmp.Diff([]string{"a", "b"}, bodies); diff != "" {
					t.Errorf("batch %d (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

// TestStopFinishesTheBatchInProgress: stopping waits for the batch being
// processed, and still deletes it.
func TestStopFinishesTheBatchInProgress(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	fns := &fakeFunctions{respond: func(string, []byte) ([]byte, error) {
		close(started)
		<-release
		return nil, nil
	}}
	m, res := provision(t, fresh("pipelinetest-stop"), pipeline.WithVisibilityTimeout("CounterQueue", time.Second))
	queue, _ := res.Queue("CounterQueue")
	ctx, cancel := context.WithCancel(context.Background())
	p, err := pipeline.Start(ctx, m, res, clients(), fns, pipeline.Options{Pollers: 1})
	if err != nil {
		t.Fatal(err)
	}
	send(t, queue.URL, "in-progress")
	<-started
	cancel()
	stopped := make(chan struct{})
	go func() { p.Wait(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("the pipeline stopped before the batch in progress finished")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case <-stopped:
	case <-time.After(3 * time.Second):
		t.Fatal("the pipeline did not stop")
	}
	if n := queueDepth(t, queue.URL); n != 0 {
		t.Errorf("the counter queue holds %d messages after the batch succeeded, want 0", n)
	}
}
