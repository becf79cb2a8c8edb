package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// sqsEvent is the event Lambda's SQS poller invokes a function with, in its
// wire form (events.SQSEvent decodes it): unlike events.SQSMessage,
// md5OfMessageAttributes is null when a message has no attributes, and the
// list values of an attribute are always present.
type sqsEvent struct {
	Records []sqsRecord `json:"Records"`
}

type sqsRecord struct {
	MessageID              string                  `json:"messageId"`
	ReceiptHandle          string                  `json:"receiptHandle"`
	Body                   string                  `json:"body"`
	Attributes             map[string]string       `json:"attributes"`
	MessageAttributes      map[string]sqsAttribute `json:"messageAttributes"`
	MD5OfMessageAttributes *string                 `json:"md5OfMessageAttributes"`
	MD5OfBody              string                  `json:"md5OfBody"`
	EventSource            string                  `json:"eventSource"`
	EventSourceARN         string                  `json:"eventSourceARN"`
	AWSRegion              string                  `json:"awsRegion"`
}

type sqsAttribute struct {
	StringValue      *string  `json:"stringValue,omitempty"`
	BinaryValue      []byte   `json:"binaryValue,omitempty"`
	StringListValues []string `json:"stringListValues"`
	BinaryListValues [][]byte `json:"binaryListValues"`
	DataType         string   `json:"dataType"`
}

// sqsEventJSON builds the event for a batch received from the queue at
// queueARN, in region.
func sqsEventJSON(msgs []sqstypes.Message, queueARN, region string) ([]byte, error) {
	ev := sqsEvent{Records: make([]sqsRecord, len(msgs))}
	for i, m := range msgs {
		attrs := map[string]sqsAttribute{}
		for name, a := range m.MessageAttributes {
			attrs[name] = sqsAttribute{
				StringValue:      a.StringValue,
				BinaryValue:      a.BinaryValue,
				StringListValues: append([]string{}, a.StringListValues...),
				BinaryListValues: append([][]byte{}, a.BinaryListValues...),
				DataType:         aws.ToString(a.DataType),
			}
		}
		system := map[string]string{}
		for k, v := range m.Attributes {
			system[k] = v
		}
		ev.Records[i] = sqsRecord{
			MessageID:              aws.ToString(m.MessageId),
			ReceiptHandle:          aws.ToString(m.ReceiptHandle),
			Body:                   aws.ToString(m.Body),
			Attributes:             system,
			MessageAttributes:      attrs,
			MD5OfMessageAttributes: m.MD5OfMessageAttributes,
			MD5OfBody:              aws.ToString(m.MD5OfBody),
			EventSource:            "aws:sqs",
			EventSourceARN:         queueARN,
			AWSRegion:              region,
		}
	}
	return json.Marshal(ev)
}

// errWholeBatch is a function response that fails the whole batch.
var errWholeBatch = errors.New("the whole batch failed")

// batchFailures reads the partial batch response of a function with
// ReportBatchItemFailures, as Lambda does: no response, null, {}, and an
// empty or null batchItemFailures mean every message succeeded; invalid
// JSON, or an itemIdentifier that is missing, empty, or not a message of
// the batch, fails the whole batch (errWholeBatch).
func batchFailures(response []byte, batch map[string]bool) (map[string]bool, error) {
	body := strings.TrimSpace(string(response))
	if body == "" || body == "null" {
		return nil, nil
	}
	var resp struct {
		BatchItemFailures []struct {
			ItemIdentifier *string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		return nil, fmt.Errorf("%w: response is not a batch response: %v", errWholeBatch, err)
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		id := aws.ToString(f.ItemIdentifier)
		if !batch[id] {
			return nil, fmt.Errorf("%w: itemIdentifier %q is not a message of the batch", errWholeBatch, id)
		}
		failed[id] = true
	}
	return failed, nil
}
