package dlqcmd

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/eventboard/eventboard/internal/dlq"
)

// inFlight is what peek and replay cannot see: messages another receiver
// holds invisible (SQS's ApproximateNumberOfMessagesNotVisible), counted
// before the command receives anything, so its own receives are not
// counted. The count is approximate, as SQS's is.
type inFlight struct {
	messages int
	// total is every message the queue counted, visible or not.
	total int
	// visibility is the queue's default visibility timeout: how long a
	// receive that asked for no other hides a message.
	visibility time.Duration
}

func queueInFlight(ctx context.Context, api dlq.SQS, url string) (inFlight, error) {
	out, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			types.QueueAttributeNameVisibilityTimeout,
		},
	})
	if err != nil {
		return inFlight{}, fmt.Errorf("count messages in flight: %w", err)
	}
	n, _ := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	visible, _ := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	secs, _ := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameVisibilityTimeout)])
	return inFlight{messages: n, total: visible + n, visibility: time.Duration(secs) * time.Second}, nil
}

// unseen is what remains of f once the command saw seen messages: no more
// than the queue counted in flight, nor than it counted and the command
// did not see. (An emulator that keeps counting messages made visible
// again as in flight would otherwise report messages the command saw.)
func (f inFlight) unseen(seen int) inFlight {
	f.messages = max(0, min(f.messages, f.total-seen))
	return f
}

// note says what the command could not see, or nothing when it saw all.
func (f inFlight) note(queue string) string {
	if f.messages == 0 {
		return ""
	}
	return fmt.Sprintf("%d message(s) in flight in %s were not seen: another receiver holds them. "+
		"They become visible again when its visibility timeout ends (the queue's default is %s; a receiver may ask for up to 12h); run this again then.\n",
		f.messages, queue, f.visibility)
}
