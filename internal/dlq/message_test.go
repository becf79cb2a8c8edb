package dlq_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/dlq"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	var ruleMsg types.Message
	if err := json.Unmarshal(fixture(t, "rule-dlq-message.json"), &ruleMsg); err != nil {
		t.Fatal(err)
	}
	occurred := time.Date(2026, 3, 14, 9, 26, 53, 402e6, time.UTC)
	tests := []struct {
		name string
		msg  types.Message
		want dlq.Message
	}{
		{
			name: "a rule DLQ message carries EventBridge's error",
			msg:  ruleMsg,
			want: dlq.Message{
				MessageID: "5b1e7c1a-3f2d-4a8e-9c6b-1d2e3f4a5b6c", DetailType: "PostCreated", Source: "eventboard.posts",
				EventID: "019cebab-88e9-73b7-a9e1-f2a4c6e8091a", CorrelationID: "Jk3sWgB7IAMEPxw=", OccurredAt: occurred,
				ReceiveCount: 1, FirstFailedAt: time.UnixMilli(1773480413000).UTC(),
				ErrorCode: "SQS_SEND_FAILURE", ErrorMessage: "Failed to send message to the target queue",
				RuleARN:   "arn:aws:events:us-east-1:123456789012:rule/eventboard-dev/eventboard-dev-counter",
				TargetARN: "arn:aws:sqs:us-east-1:123456789012:eventboard-dev-counter",
			},
		},
		{
			name: "a queue DLQ message",
			msg: types.Message{
				MessageId:  aws.String("m1"),
				Body:       aws.String(string(fixture(t, "user-confirmed.json"))),
				Attributes: map[string]string{"ApproximateReceiveCount": "6", "SentTimestamp": "1773480413000"},
			},
			want: dlq.Message{
				MessageID: "m1", DetailType: "UserConfirmed", Source: "eventboard.users",
				EventID: "019ceb92-75ce-71d3-a5b7-a9c0e2d4f6a8", CorrelationID: "5c7f2b8e-1d4a-4c3b-9e6f-0a1b2c3d4e5f",
				OccurredAt: time.Date(2026, 3, 14, 8, 59, 30, 126e6, time.UTC), ReceiveCount: 6, FirstFailedAt: time.UnixMilli(1773480413000).UTC(),
			},
		},
		{
			name: "not JSON",
			msg:  types.Message{MessageId: aws.String("m2"), Body: aws.String("not json at all")},
			want: dlq.Message{MessageID: "m2", Unreadable: "x"},
		},
		{
			name: "JSON but no event",
			msg:  types.Message{MessageId: aws.String("m3"), Body: aws.String(`{"hello":"world"}`)},
			want: dlq.Message{MessageID: "m3", Unreadable: "x"},
		},
		{
			name: "an event that breaks the contract",
			msg:  types.Message{MessageId: aws.String("m4"), Body: aws.String(`{"version":"0","id":"x","detail-type":"PostCreated","source":"eventboard.posts","time":"2026-03-14T09:26:53Z","detail":{"metadata":{}}}`)},
			want: dlq.Message{MessageID: "m4", DetailType: "PostCreated", Source: "eventboard.posts", Unreadable: "x"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := dlq.Decode(tc.msg)
			if (got.Unreadable != "") != (tc.want.Unreadable != "") {
				t.Errorf("Unreadable = %q, want it set: %v", got.Unreadable, tc.want.Unreadable != "")
			}
			opts := cmp.Options{
				cmpopts.IgnoreUnexported(dlq.Message{}),
				cmpopts.IgnoreFields(dlq.Message{}, "Body", "Attributes", "MessageAttributes", "Unreadable"),
			}
			if diff := cmp.Diff(tc.want, got, opts); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
			if got.Body != aws.ToString(tc.msg.Body) {
				t.Error("Decode changed the body")
			}
		})
	}
}
