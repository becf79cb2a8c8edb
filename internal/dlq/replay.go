package dlq

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Pacer spaces out the sends of a replay (--rate). *Limiter is one.
type Pacer interface {
	Wait(ctx context.Context) error
}

// ReplayOptions configure a replay.
type ReplayOptions struct {
	Filter Filter
	// DryRun reports what would move and moves nothing.
	DryRun bool
	// Max stops after this many matching messages; 0 means no limit.
	Max int
	// Pacer, when not nil, is waited on before each send.
	Pacer Pacer
	// Hide is how long a received message stays hidden if the replay dies
	// before it can make it visible again; 2 minutes if zero. SQS counts it
	// in whole seconds.
	Hide time.Duration
	// Seen is called for every message looked at, Moved for every message
	// moved (or, in a dry run, that would move); an error from Moved stops
	// the replay with it. Either may be nil.
	Seen  func(Message)
	Moved func(Message) error
}

// Result is what a replay did.
type Result struct {
	// Matched counts the messages the filter selected, Moved those sent,
	// confirmed and deleted from the DLQ. Left counts the messages left
	// alone because they did not match (or came after Max).
	Matched, Moved, Left int
}

// Complete reports whether every matching message moved. A dry run moves
// none, so its Result is never complete unless nothing matched.
func (r Result) Complete() bool { return r.Moved == r.Matched }

// Replay moves the messages of q that opts.Filter selects to
// q.DestinationURL. For each one it sends the body (a rule DLQ's event as
// EventBridge delivers it to the target; EventBridge's error attributes
// are dropped), checks SQS's answer (a message ID and the MD5 of the body
// it stored), and only then deletes it from the DLQ. Messages that do not
// match stay in the DLQ, visible again when Replay returns.
//
// Replay stops at the first failure: the message that failed stays in the
// DLQ (or, if only its delete failed, is in both queues), and the error
// says which. A crash at any point leaves every message in the DLQ, at the
// destination, or both.
func Replay(ctx context.Context, api SQS, q Queue, opts ReplayOptions) (res Result, err error) {
	const op = "dlq.Replay"
	s := newScanner(api, q.URL, opts.Hide)
	defer func() {
		if rerr := s.restore(ctx); err == nil && rerr != nil {
			err = fmt.Errorf("%s %s: %w", op, q.Short, rerr)
		}
	}()
	for opts.Max <= 0 || res.Matched < opts.Max {
		batch, err := s.next(ctx)
		if err != nil {
			return res, fmt.Errorf("%s %s: %w", op, q.Short, err)
		}
		if len(batch) == 0 {
			break
		}
		for _, raw := range batch {
			m := Decode(raw)
			if opts.Seen != nil {
				opts.Seen(m)
			}
			if !opts.Filter.Match(m) || (opts.Max > 0 && res.Matched >= opts.Max) {
				res.Left++
				continue
			}
			res.Matched++
			if opts.DryRun {
				if err := moved(opts, m); err != nil {
					return res, fmt.Errorf("%s %s: %w", op, q.Short, err)
				}
				continue
			}
			if err := move(ctx, api, q, m, opts.Pacer); err != nil {
				return res, fmt.Errorf("%s %s: message %s (event %s): %w", op, q.Short, m.MessageID, m.EventID, err)
			}
			s.release(m.MessageID)
			res.Moved++
			if err := moved(opts, m); err != nil {
				return res, fmt.Errorf("%s %s: moved message %s (event %s), then: %w", op, q.Short, m.MessageID, m.EventID, err)
			}
		}
	}
	return res, nil
}

func moved(opts ReplayOptions, m Message) error {
	if opts.Moved == nil {
		return nil
	}
	return opts.Moved(m)
}

// ErrNotConfirmed means SQS's answer to a send did not prove it stored the
// body sent: the message is not deleted from the DLQ.
var ErrNotConfirmed = errors.New("send not confirmed")

// move sends m to the destination, confirms, then deletes it from the DLQ.
func move(ctx context.Context, api SQS, q Queue, m Message, pacer Pacer) error {
	if pacer != nil {
		if err := pacer.Wait(ctx); err != nil {
			return fmt.Errorf("wait: %w", err)
		}
	}
	out, err := api.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:          aws.String(q.DestinationURL),
		MessageBody:       aws.String(m.Body),
		MessageAttributes: forwardAttributes(q.Kind, m.raw.MessageAttributes),
	})
	if err != nil {
		return fmt.Errorf("send to %s: %w", q.Destination, err)
	}
	sum := md5.Sum([]byte(m.Body))
	if aws.ToString(out.MessageId) == "" || !strings.EqualFold(aws.ToString(out.MD5OfMessageBody), hex.EncodeToString(sum[:])) {
		return fmt.Errorf("send to %s: %w (message id %q, MD5 %q)", q.Destination, ErrNotConfirmed, aws.ToString(out.MessageId), aws.ToString(out.MD5OfMessageBody))
	}
	// The message is delivered: finish it even when ctx ends now (Ctrl-C),
	// so a stop between the send and the delete leaves no duplicate.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.URL), ReceiptHandle: m.raw.ReceiptHandle}); err != nil {
		return fmt.Errorf("sent to %s as %s, but delete from the DLQ failed (it is in both now): %w", q.Destination, aws.ToString(out.MessageId), err)
	}
	return nil
}

// forwardAttributes returns the message attributes a replay sends on: a
// queue DLQ's as they are; none of a rule DLQ's, which are EventBridge's
// notes on the failure (EventBridge delivers events with none).
func forwardAttributes(kind Kind, attrs map[string]types.MessageAttributeValue) map[string]types.MessageAttributeValue {
	if kind == RuleDLQ || len(attrs) == 0 {
		return nil
	}
	return maps.Clone(attrs)
}
