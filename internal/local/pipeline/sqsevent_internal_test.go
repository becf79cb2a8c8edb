package pipeline

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"
)

// TestSQSEventJSON builds the event for two messages as SQS returns them
// and compares it with testdata/sqs-event.json, Lambda's wire form: null
// md5OfMessageAttributes without attributes, list values always present.
func TestSQSEventJSON(t *testing.T) {
	t.Parallel()
	msgs := []sqstypes.Message{
		{
			MessageId:     aws.String("7b8f7a5e-3c1d-4e0f-9a2b-5c6d7e8f9a0b"),
			ReceiptHandle: aws.String("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a"),
			Body:          aws.String(`{"version":"0","detail-type":"PostCreated"}`),
			MD5OfBody:     aws.String("7ad0c6f6e7d1b0e5f6a8f3a1c9e2b4d7"),
			Attributes: map[string]string{
				"ApproximateReceiveCount":          "1",
				"SentTimestamp":                    "1773480413402",
				"ApproximateFirstReceiveTimestamp": "1773480413410",
			},
		},
		{
			MessageId:     aws.String("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"),
			ReceiptHandle: aws.String("AQEBzbVv0Zz3vPr4YfGnV8Qe7uQ"),
			Body:          aws.String("second"),
			MD5OfBody:     aws.String("a9f0e61a137d86aa9db53465e0801612"),
			Attributes: map[string]string{
				"ApproximateReceiveCount":          "3",
				"SentTimestamp":                    "1773480413402",
				"SenderId":                         "AIDAIENQZJOLO23YVJ4VO",
				"ApproximateFirstReceiveTimestamp": "1773480413410",
			},
			MD5OfMessageAttributes: aws.String("5b2c3e1f0a9d8c7b6a5f4e3d2c1b0a99"),
			MessageAttributes: map[string]sqstypes.MessageAttributeValue{
				"correlationId": {DataType: aws.String("String"), StringValue: aws.String("Jk3sWgB7IAMEPxw=")},
				"payload":       {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
			},
		},
	}
	got, err := sqsEventJSON(msgs, "arn:aws:sqs:us-east-1:000000000000:eventboard-local-counter", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/sqs-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("SQS event (-testdata +built):\n%s", diff)
	}
	var ev events.SQSEvent
	if err := json.Unmarshal(got, &ev); err != nil || len(ev.Records) != 2 {
		t.Fatalf("events.SQSEvent does not decode the event: %v", err)
	}
}

func TestBatchFailures(t *testing.T) {
	t.Parallel()
	batch := map[string]bool{"m1": true, "m2": true}
	tests := []struct {
		name     string
		response string
		want     map[string]bool
		whole    bool
	}{
		{name: "no response", response: ""},
		{name: "null", response: "null"},
		{name: "empty object", response: "{}"},
		{name: "null list", response: `{"batchItemFailures":null}`},
		{name: "empty list", response: `{"batchItemFailures":[]}`},
		{name: "other fields only", response: `{"statusCode":200}`},
		{name: "one failure", response: `{"batchItemFailures":[{"itemIdentifier":"m2"}]}`, want: map[string]bool{"m2": true}},
		{name: "every message", response: `{"batchItemFailures":[{"itemIdentifier":"m1"},{"itemIdentifier":"m2"}]}`, want: map[string]bool{"m1": true, "m2": true}},
		{name: "unknown identifier", response: `{"batchItemFailures":[{"itemIdentifier":"m3"}]}`, whole: true},
		{name: "empty identifier", response: `{"batchItemFailures":[{"itemIdentifier":""}]}`, whole: true},
		{name: "null identifier", response: `{"batchItemFailures":[{"itemIdentifier":null}]}`, whole: true},
		{name: "misspelled key", response: `{"batchItemFailures":[{"itemId":"m1"}]}`, whole: true},
		{name: "invalid JSON", response: `{"batchItemFailures":`, whole: true},
		{name: "a string", response: `"ok"`, whole: true},
		{name: "a list", response: `[]`, whole: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := batchFailures([]byte(tt.response), batch)
			if tt.whole {
				if !errors.Is(err, errWholeBatch) {
					t.Fatalf("batchFailures(%s) = %v, %v; want the whole batch failed", tt.response, got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				got = nil
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("failed messages (-want +got):\n%s", diff)
			}
		})
	}
}
