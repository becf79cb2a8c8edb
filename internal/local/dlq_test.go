package local_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// TestRuleDLQReplayIsCountedOnce dead-letters a PostCreated event as
// EventBridge does when the counter rule cannot deliver it, replays it to
// the rule's target queue with 'eventboard dlq”s code, and checks that the
// worker counts it; the same event dead-lettered and replayed again counts
// nothing more.
func TestRuleDLQReplayIsCountedOnce(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, fastPipeline(local.Options{}))
	ctx := context.Background()
	api := emulator.SQS(c.stack.AWSEndpoint())
	top, err := dlq.FromManifest(c.stack.Manifest())
	if err != nil {
		t.Fatal(err)
	}
	d, err := top.Find("counter-rule-dlq")
	if err != nil {
		t.Fatal(err)
	}
	q, err := dlq.Resolve(ctx, api, d)
	if err != nil {
		t.Fatal(err)
	}
	if q.Kind != dlq.RuleDLQ || q.Destination != "eventboard-"+c.stack.Manifest().Stage+"-counter" {
		t.Fatalf("counter-rule-dlq = %+v, want a rule DLQ that replays to the counter queue", q.DLQ)
	}
	body := postCreatedEvent(t)
	deadLetter := func() {
		t.Helper()
		attrs := map[string]sqstypes.MessageAttributeValue{}
		for k, v := range map[string]string{"ERROR_CODE": "SQS_SEND_FAILURE", "ERROR_MESSAGE": "throttled", "RULE_ARN": "arn:aws:events:us-east-1:000000000000:rule/x", "TARGET_ARN": "arn:aws:sqs:us-east-1:000000000000:x"} {
			attrs[k] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
		}
		if _, err := api.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(body), MessageAttributes: attrs}); err != nil {
			t.Fatal(err)
		}
	}

	deadLetter()
	res, err := dlq.Replay(ctx, api, q, dlq.ReplayOptions{})
	if err != nil || res.Moved != 1 {
		t.Fatalf("Replay = %+v, %v; want 1 moved", res, err)
	}
	c.eventually(t, "the replayed event counted", func() bool { return c.stats(t).Totals.Posts == 1 })

	deadLetter()
	if res, err := dlq.Replay(ctx, api, q, dlq.ReplayOptions{}); err != nil || res.Moved != 1 {
		t.Fatalf("second Replay = %+v, %v; want 1 moved", res, err)
	}
	c.eventually(t, "the duplicate processed", func() bool {
		d, err := dlq.QueueDepth(ctx, api, q.DestinationURL)
		return err == nil && d.Messages == 0
	})
	if got := c.stats(t).Totals.Posts; got != 1 {
		t.Errorf("after replaying the same event twice stats count %d posts, want 1", got)
	}
}

// postCreatedEvent returns the sample PostCreated event, with an eventId of
// its own, as EventBridge delivers it to an SQS target.
func postCreatedEvent(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../events/samples/PostCreated.json")
	if err != nil {
		t.Fatal(err)
	}
	var e map[string]any
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	e["detail"].(map[string]any)["metadata"].(map[string]any)["eventId"] = uuid.Must(uuid.NewV7()).String()
	out, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
