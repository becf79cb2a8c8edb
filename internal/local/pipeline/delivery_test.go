package pipeline_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// TestRuleDeliversToQueue puts events on the bus and reads the counter
// queue: the rule's pattern lets PostCreated and PostDeleted through, as
// EventBridge events, and filters PostUpdated out.
func TestRuleDeliversToQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, res := provision(t, fresh("pipelinetest-delivery"))
	c := clients()
	bus, _ := res.BusName("EventBus")
	queue, _ := res.Queue("CounterQueue")

	sample, err := os.ReadFile("../../../events/samples/PostCreated.json")
	if err != nil {
		t.Fatal(err)
	}
	var event struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(sample, &event); err != nil {
		t.Fatal(err)
	}
	for _, detailType := range []string{"PostUpdated", "PostCreated", "PostDeleted"} {
		out, err := c.EventBridge.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
			EventBusName: aws.String(bus),
			Source:       aws.String("eventboard.posts"),
			DetailType:   aws.String(detailType),
			Detail:       aws.String(string(event.Detail)),
		}}})
		if err != nil || out.FailedEntryCount != 0 {
			t.Fatalf("PutEvents %s: %v, %d failed", detailType, err, out.FailedEntryCount)
		}
	}

	got := map[string]map[string]any{}
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < 2 && time.Now().Before(deadline) {
		out, err := c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue.URL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range out.Messages {
			var body map[string]any
			if err := json.Unmarshal([]byte(aws.ToString(msg.Body)), &body); err != nil {
				t.Fatalf("message body %q: %v", aws.ToString(msg.Body), err)
			}
			got[body["detail-type"].(string)] = body
		}
	}
	if _, ok := got["PostUpdated"]; ok {
		t.Error("PostUpdated reached the counter queue: the rule's pattern does not list it")
	}
	created, ok := got["PostCreated"]
	if !ok {
		t.Fatalf("PostCreated did not reach the counter queue; got %v", got)
	}
	if _, ok := got["PostDeleted"]; !ok {
		t.Error("PostDeleted did not reach the counter queue")
	}
	for k, want := range map[string]any{"version": "0", "source": "eventboard.posts", "account": "000000000000", "region": "us-east-1"} {
		if created[k] != want {
			t.Errorf("event %s = %v, want %v", k, created[k], want)
		}
	}
	if id, _ := created["id"].(string); id == "" {
		t.Error("event id is empty")
	}
	if ts, _ := created["time"].(string); ts == "" {
		t.Error("event time is empty")
	} else if _, err := time.Parse(time.RFC3339, ts); err != nil {
		t.Errorf("event time: %v", err)
	}
	detail, _ := json.Marshal(created["detail"])
	if !jsonEqual(t, detail, event.Detail) {
		t.Errorf("event detail = %s, want the detail put: %s", detail, event.Detail)
	}

	// Nothing else arrives: PostUpdated was filtered, not late.
	out, err := c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue.URL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 0 {
		t.Errorf("unexpected messages in the counter queue: %v", aws.ToString(out.Messages[0].Body))
	}
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}
