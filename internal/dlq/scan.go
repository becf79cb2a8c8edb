package dlq

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Queue is a DLQ as it exists: its declaration and its URLs.
type Queue struct {
	DLQ
	URL            string
	DestinationURL string
}

// Resolve looks up the URLs of d and of its destination.
func Resolve(ctx context.Context, api SQS, d DLQ) (Queue, error) {
	const op = "dlq.Resolve"
	url, err := queueURL(ctx, api, d.Name)
	if err != nil {
		return Queue{}, fmt.Errorf("%s %s: %w", op, d.Short, err)
	}
	dest, err := queueURL(ctx, api, d.Destination)
	if err != nil {
		return Queue{}, fmt.Errorf("%s %s: destination: %w", op, d.Short, err)
	}
	return Queue{DLQ: d, URL: url, DestinationURL: dest}, nil
}

func queueURL(ctx context.Context, api SQS, name string) (string, error) {
	out, err := api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("queue %s: %w", name, err)
	}
	return aws.ToString(out.QueueUrl), nil
}

// defaultHide is how long a look keeps the messages it holds hidden when a
// crash prevents it from making them visible again.
const defaultHide = 2 * time.Minute

// receiveHide is how long a receive hides what it returns until the scanner
// has taken hold of it (extending the hide to s.hide). A receive whose
// answer is lost on the way (a connection closed under the client) has
// hidden messages the scanner never learns of; they come back after this
// long, and the scanner waits that out before it receives again, so a pass
// still sees every message. Seen here on a loopback connection to the local
// stack about once in a few hundred receives.
var receiveHide = 5 * time.Second

// maxLostReceives bounds the lost receives one pass waits out before it
// gives up with the error.
const maxLostReceives = 5

// held is a message received and hidden, to be made visible again.
type held struct {
	receipt string
}

// scanner receives every message of a queue once, keeping each hidden
// until restore makes them all visible again, so no message is received
// twice in one pass.
type scanner struct {
	api  SQS
	url  string
	hide time.Duration
	held map[string]held // by message ID
	// quiet counts receives in a row that brought only known messages: the
	// hide ran out before the pass ended.
	quiet int
	// lost counts receives whose answer never arrived.
	lost int
}

func newScanner(api SQS, url string, hide time.Duration) *scanner {
	if hide <= 0 {
		hide = defaultHide
	}
	return &scanner{api: api, url: url, hide: hide, held: map[string]held{}}
}

// noRetry makes a receive a single attempt. A receive is not idempotent: the
// SDK's retry of one whose answer was lost returns nothing of what the lost
// one hid, so a queue with messages looked empty. The scanner handles a
// failed receive itself (see next).
func noRetry(o *sqs.Options) { o.Retryer = aws.NopRetryer{} }

// next returns the next messages not yet seen in this pass; none when the
// queue has no more.
func (s *scanner) next(ctx context.Context) ([]types.Message, error) {
	for s.quiet < 3 {
		out, err := s.api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(s.url),
			MaxNumberOfMessages:         10,
			VisibilityTimeout:           int32(min(s.hide, receiveHide) / time.Second),
			WaitTimeSeconds:             1, // a short long poll asks every server: empty means empty
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		}, noRetry)
		if err != nil {
			if ctx.Err() != nil || s.lost >= maxLostReceives {
				return nil, fmt.Errorf("receive: %w", err)
			}
			// Whatever the lost answer held is hidden for receiveHide:
			// wait until it is back, then receive again.
			s.lost++
			if err := (wallClock{}).Sleep(ctx, receiveHide+time.Second); err != nil {
				return nil, fmt.Errorf("receive: %w", err)
			}
			continue
		}
		if len(out.Messages) == 0 {
			return nil, nil
		}
		var fresh []types.Message
		for _, m := range out.Messages {
			id := aws.ToString(m.MessageId)
			_, seen := s.held[id]
			s.held[id] = held{receipt: aws.ToString(m.ReceiptHandle)}
			if err := s.keep(ctx, m); err != nil {
				return nil, err
			}
			if !seen {
				fresh = append(fresh, m)
			}
		}
		if len(fresh) > 0 {
			s.quiet = 0
			return fresh, nil
		}
		s.quiet++
	}
	return nil, nil
}

// keep extends the hide of a message just received to the scanner's, so it
// stays out of the rest of the pass.
func (s *scanner) keep(ctx context.Context, m types.Message) error {
	if s.hide <= receiveHide {
		return nil
	}
	_, err := s.api.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl:          aws.String(s.url),
		ReceiptHandle:     m.ReceiptHandle,
		VisibilityTimeout: int32(s.hide / time.Second),
	})
	if err != nil {
		return fmt.Errorf("hide %s: %w", aws.ToString(m.MessageId), err)
	}
	return nil
}

// release forgets a message that left the queue.
func (s *scanner) release(id string) { delete(s.held, id) }

// restore makes every held message visible again at once. It runs even
// when ctx is done (Ctrl-C), for at most a few seconds; what it cannot
// restore reappears when its hide runs out.
func (s *scanner) restore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var first error
	for id, h := range s.held {
		_, err := s.api.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
			QueueUrl:          aws.String(s.url),
			ReceiptHandle:     aws.String(h.receipt),
			VisibilityTimeout: 0,
		})
		if err != nil && first == nil {
			first = fmt.Errorf("restore visibility of %s: %w", id, err)
		}
		delete(s.held, id)
	}
	return first
}

// Depth is how many messages a queue holds.
type Depth struct {
	// Messages counts them all, InFlight those received and hidden now
	// (in a DLQ, by someone looking at them).
	Messages int `json:"messages"`
	InFlight int `json:"inFlight"`
}

// QueueDepth returns how many messages the queue at url holds.
func QueueDepth(ctx context.Context, api SQS, url string) (Depth, error) {
	d, err := depth(ctx, api, url)
	if err != nil {
		return d, fmt.Errorf("dlq.QueueDepth: %w", err)
	}
	return d, nil
}

func depth(ctx context.Context, api SQS, url string) (Depth, error) {
	out, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		return Depth{}, fmt.Errorf("attributes: %w", err)
	}
	var d Depth
	visible, _ := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	d.InFlight, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	d.Messages = visible + d.InFlight
	return d, nil
}
