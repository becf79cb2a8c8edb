package dlq

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/eventboard/eventboard/events"
)

// The message attributes EventBridge puts on an event it dead-letters.
const (
	attrErrorCode    = "ERROR_CODE"
	attrErrorMessage = "ERROR_MESSAGE"
	attrRuleARN      = "RULE_ARN"
	attrTargetARN    = "TARGET_ARN"
)

// Message is a DLQ message, decoded as far as it can be.
type Message struct {
	MessageID string `json:"messageId"`
	// DetailType, Source, EventID, CorrelationID and OccurredAt come from
	// the event in the body; empty when the body is not an event.
	DetailType    string    `json:"detailType,omitempty"`
	Source        string    `json:"source,omitempty"`
	EventID       string    `json:"eventId,omitempty"`
	CorrelationID string    `json:"correlationId,omitempty"`
	OccurredAt    time.Time `json:"occurredAt,omitzero"`
	// ReceiveCount is SQS's ApproximateReceiveCount: the source queue's
	// receives that failed, plus this tool's own looks.
	ReceiveCount int `json:"receiveCount"`
	// FirstFailedAt is when the message entered the DLQ, or, for a queue
	// DLQ, when it entered its source queue (SQS keeps the original
	// SentTimestamp through redrive).
	FirstFailedAt time.Time `json:"firstFailedAt,omitzero"`
	// ErrorCode and ErrorMessage are EventBridge's, on a rule DLQ message.
	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
	RuleARN      string `json:"ruleArn,omitempty"`
	TargetARN    string `json:"targetArn,omitempty"`
	// Unreadable says why the body is not an Eventboard event; empty when
	// it is one.
	Unreadable string `json:"unreadable,omitempty"`
	// Body is the message body, unchanged.
	Body string `json:"body"`
	// Attributes and MessageAttributes are SQS's, as strings.
	Attributes        map[string]string `json:"attributes,omitempty"`
	MessageAttributes map[string]string `json:"messageAttributes,omitempty"`

	raw types.Message
}

// Decode decodes an SQS message received from a DLQ. It never fails: what
// it cannot read, it says in Unreadable.
func Decode(m types.Message) Message {
	out := Message{
		MessageID:  aws.ToString(m.MessageId),
		Body:       aws.ToString(m.Body),
		Attributes: m.Attributes,
		raw:        m,
	}
	out.ReceiveCount, _ = strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
	if ms, err := strconv.ParseInt(m.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)], 10, 64); err == nil {
		out.FirstFailedAt = time.UnixMilli(ms).UTC()
	}
	if len(m.MessageAttributes) > 0 {
		out.MessageAttributes = map[string]string{}
		for k, v := range m.MessageAttributes {
			out.MessageAttributes[k] = aws.ToString(v.StringValue)
		}
	}
	out.ErrorCode = out.MessageAttributes[attrErrorCode]
	out.ErrorMessage = out.MessageAttributes[attrErrorMessage]
	out.RuleARN = out.MessageAttributes[attrRuleARN]
	out.TargetARN = out.MessageAttributes[attrTargetARN]

	ev, err := events.ParseEventBridgeEvent([]byte(out.Body))
	if err != nil {
		out.Unreadable = err.Error()
		return out
	}
	out.DetailType, out.Source = ev.DetailType, ev.Source
	decoded, err := ev.Decode()
	if err != nil {
		out.Unreadable = err.Error()
		return out
	}
	meta := decoded.Meta()
	out.EventID, out.CorrelationID, out.OccurredAt = meta.EventID, meta.CorrelationID, meta.OccurredAt
	return out
}
