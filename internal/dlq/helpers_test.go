package dlq_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// fixture reads a file of testdata.
func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// event returns the testdata event of the given file (post-created.json,
// user-confirmed.json) as EventBridge delivers it, with eventID and
// occurredAt of its own.
func event(tb testing.TB, file, eventID string, occurredAt time.Time) string {
	tb.Helper()
	var e map[string]any
	if err := json.Unmarshal(fixture(tb, file), &e); err != nil {
		tb.Fatal(err)
	}
	meta := e["detail"].(map[string]any)["metadata"].(map[string]any)
	meta["eventId"] = eventID
	meta["occurredAt"] = occurredAt.UTC().Format("2006-01-02T15:04:05.000Z")
	b, err := json.Marshal(e)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func newEventID(tb testing.TB) string {
	tb.Helper()
	return uuid.Must(uuid.NewV7()).String()
}

// kumoSQS starts an in-process kumo and returns an SQS client for it.
func kumoSQS(tb testing.TB) *sqs.Client {
	tb.Helper()
	srv := emulator.NewKumo()
	tb.Cleanup(srv.Close)
	return emulator.SQS(srv.URL)
}

// queueNames keeps the queues of one test process apart: kumo's state is
// process-wide.
var queueNames atomic.Int64

// newQueue creates a DLQ of kind and its destination queue.
func newQueue(tb testing.TB, api dlq.SQS, kind dlq.Kind) dlq.Queue {
	tb.Helper()
	n := queueNames.Add(1)
	d := dlq.DLQ{
		Short:       fmt.Sprintf("q%d-dlq", n),
		Name:        fmt.Sprintf("test-q%d-dlq", n),
		Kind:        kind,
		Source:      fmt.Sprintf("test-q%d", n),
		Destination: fmt.Sprintf("test-q%d", n),
	}
	client := api.(*sqs.Client)
	for _, name := range []string{d.Name, d.Destination} {
		if _, err := client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)}); err != nil {
			tb.Fatal(err)
		}
	}
	q, err := dlq.Resolve(context.Background(), api, d)
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// send puts body in the queue at url, with the given string attributes.
func send(tb testing.TB, api dlq.SQS, url, body string, attrs map[string]string) {
	tb.Helper()
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}
	for k, v := range attrs {
		if in.MessageAttributes == nil {
			in.MessageAttributes = map[string]types.MessageAttributeValue{}
		}
		in.MessageAttributes[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	if _, err := api.SendMessage(context.Background(), in); err != nil {
		tb.Fatal(err)
	}
}

// drain removes every message of the queue at url, waiting up to wait for
// hidden ones to come back, and returns their bodies sorted.
func drain(tb testing.TB, api dlq.SQS, url string, wait time.Duration) []string {
	tb.Helper()
	ctx := context.Background()
	var bodies []string
	deadline := time.Now().Add(wait)
	for {
		out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 60,
			MessageAttributeNames: []string{"All"},
		})
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range out.Messages {
			bodies = append(bodies, aws.ToString(m.Body))
			if _, err := api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				tb.Fatal(err)
			}
		}
		if len(out.Messages) == 0 {
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	sort.Strings(bodies)
	return bodies
}

// visible returns how many messages of the queue at url can be received
// now, and leaves them so. (kumo counts a message made visible again by
// ChangeMessageVisibility as not visible until the next receive, so its
// ApproximateNumberOfMessages cannot tell.)
func visible(tb testing.TB, api dlq.SQS, url string) int {
	tb.Helper()
	ctx := context.Background()
	seen := map[string]*string{}
	for {
		out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 30})
		if err != nil {
			tb.Fatal(err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			seen[aws.ToString(m.MessageId)] = m.ReceiptHandle
		}
	}
	for _, receipt := range seen {
		if _, err := api.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: receipt}); err != nil {
			tb.Fatal(err)
		}
	}
	return len(seen)
}
