package dlq_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/eventboard/eventboard/internal/dlq"
)

var errCrashed = errors.New("process killed")

// crashing passes calls to next until its crashAt-th call (counting from 1)
// has taken effect, and fails that call and every later one, as a process
// killed right after that call would: the effect stays, the answer is lost,
// nothing more happens. crashAt 0 never crashes; calls counts every call.
type crashing struct {
	next    dlq.SQS
	crashAt int

	mu    sync.Mutex
	calls int
}

// call runs do as call number n, unless the process is already dead.
func (c *crashing) call(do func() error) error {
	c.mu.Lock()
	c.calls++
	n := c.calls
	c.mu.Unlock()
	if c.crashAt > 0 && n > c.crashAt {
		return errCrashed
	}
	err := do()
	if n == c.crashAt {
		return errCrashed
	}
	return err
}

func (c *crashing) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, opts ...func(*sqs.Options)) (out *sqs.GetQueueUrlOutput, err error) {
	err = c.call(func() (err error) { out, err = c.next.GetQueueUrl(ctx, in, opts...); return err })
	return out, err
}

func (c *crashing) GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, opts ...func(*sqs.Options)) (out *sqs.GetQueueAttributesOutput, err error) {
	err = c.call(func() (err error) { out, err = c.next.GetQueueAttributes(ctx, in, opts...); return err })
	return out, err
}

func (c *crashing) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (out *sqs.ReceiveMessageOutput, err error) {
	err = c.call(func() (err error) { out, err = c.next.ReceiveMessage(ctx, in, opts...); return err })
	return out, err
}

func (c *crashing) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (out *sqs.ChangeMessageVisibilityOutput, err error) {
	err = c.call(func() (err error) { out, err = c.next.ChangeMessageVisibility(ctx, in, opts...); return err })
	return out, err
}

func (c *crashing) SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (out *sqs.SendMessageOutput, err error) {
	err = c.call(func() (err error) { out, err = c.next.SendMessage(ctx, in, opts...); return err })
	return out, err
}

func (c *crashing) DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (out *sqs.DeleteMessageOutput, err error) {
	err = c.call(func() (err error) { out, err = c.next.DeleteMessage(ctx, in, opts...); return err })
	return out, err
}

// TestReplayCrashAtEveryStep kills a replay of a batch right after each of
// its SQS calls in turn (a receive, a send before its delete, a delete, a
// restore) and checks that every message is still in the DLQ or delivered,
// or both, never neither.
func TestReplayCrashAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the visibility of what each killed replay held")
	}
	t.Parallel()
	const events, unreadable = 3, 1
	opts := dlq.ReplayOptions{Hide: time.Second, Filter: dlq.Filter{DetailTypes: []string{"PostCreated"}}}

	// A clean run says how many calls a replay of this batch makes.
	api := kumoSQS(t)
	q, _ := stuck(t, api, dlq.QueueDLQ, events, 0, unreadable)
	clean := &crashing{next: api}
	if res, err := dlq.Replay(context.Background(), clean, q, opts); err != nil || res.Moved != events {
		t.Fatalf("clean replay = %+v, %v", res, err)
	}
	if clean.calls < 2*events+2 {
		t.Fatalf("a clean replay made %d calls, want at least %d", clean.calls, 2*events+2)
	}

	var (
		mu   sync.Mutex
		both int // runs that left a message in both places: the send-then-crash window
	)
	for crashAt := 1; crashAt <= clean.calls; crashAt++ {
		t.Run(fmt.Sprintf("killed after call %d of %d", crashAt, clean.calls), func(t *testing.T) {
			t.Parallel()
			q, created := stuck(t, api, dlq.QueueDLQ, events, 0, unreadable)
			_, err := dlq.Replay(context.Background(), &crashing{next: api, crashAt: crashAt}, q, opts)
			if !errors.Is(err, errCrashed) {
				t.Fatalf("Replay = %v, want the crash", err)
			}
			// What the dead replay held hidden comes back after Hide.
			inDLQ := drain(t, api, q.URL, 3*opts.Hide)
			delivered := drain(t, api, q.DestinationURL, 0)
			for _, body := range created {
				in, out := slices.Contains(inDLQ, body), slices.Contains(delivered, body)
				if !in && !out {
					t.Errorf("lost: an event is neither in the DLQ nor delivered: %.80s…", body)
				}
				if in && out {
					mu.Lock()
					both++
					mu.Unlock()
				}
			}
			if n := len(inDLQ) + len(delivered); n < events+unreadable {
				t.Errorf("%d messages in the DLQ and delivered, want at least %d", n, events+unreadable)
			}
			if slices.Contains(delivered, "garbage that no worker can read") {
				t.Error("a message that did not match was delivered")
			}
		})
	}
	t.Cleanup(func() {
		if both == 0 && !t.Failed() {
			t.Error("no crash fell between a send and its delete: the test does not cover the window it is for")
		}
	})
}

// unconfirmed answers every send with an MD5 that is not the body's.
type unconfirmed struct{ dlq.SQS }

func (u unconfirmed) SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	out, err := u.SQS.SendMessage(ctx, in, opts...)
	if err == nil {
		out.MD5OfMessageBody = aws.String("00000000000000000000000000000000")
	}
	return out, err
}

func TestReplayKeepsAMessageWhoseSendIsNotConfirmed(t *testing.T) {
	t.Parallel()
	api := kumoSQS(t)
	q, _ := stuck(t, api, dlq.QueueDLQ, 2, 0, 0)
	res, err := dlq.Replay(context.Background(), unconfirmed{api}, q, dlq.ReplayOptions{})
	if !errors.Is(err, dlq.ErrNotConfirmed) {
		t.Fatalf("Replay = %+v, %v; want ErrNotConfirmed", res, err)
	}
	if res.Moved != 0 || res.Complete() {
		t.Errorf("Replay = %+v: counts an unconfirmed send as moved", res)
	}
	if n := visible(t, api, q.URL); n != 2 {
		t.Errorf("%d messages visible in the DLQ, want both still there", n)
	}
}

// interruptAfterSend cancels the replay (Ctrl-C) as soon as its first send
// has been answered.
type interruptAfterSend struct {
	dlq.SQS
	cancel context.CancelFunc
}

func (i interruptAfterSend) SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	out, err := i.SQS.SendMessage(ctx, in, opts...)
	i.cancel()
	return out, err
}

// TestReplayInterruptedFinishesTheMessageInHand: Ctrl-C between a send and
// its delete still deletes the delivered message (no duplicate), sends
// nothing more, and makes the rest visible again at once.
func TestReplayInterruptedFinishesTheMessageInHand(t *testing.T) {
	t.Parallel()
	api := kumoSQS(t)
	q, _ := stuck(t, api, dlq.QueueDLQ, 3, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := dlq.Replay(ctx, interruptAfterSend{SQS: api, cancel: cancel}, q, dlq.ReplayOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Replay = %+v, %v; want it cancelled", res, err)
	}
	if res.Moved != 1 {
		t.Errorf("Replay moved %d, want the 1 in hand", res.Moved)
	}
	if n := visible(t, api, q.URL); n != 2 {
		t.Errorf("%d messages visible in the DLQ, want the 2 not sent", n)
	}
	if got := drain(t, api, q.DestinationURL, 0); len(got) != 1 {
		t.Errorf("%d messages delivered, want 1", len(got))
	}
}
