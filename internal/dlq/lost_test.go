package dlq_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/eventboard/eventboard/internal/dlq"
)

var errLostAnswer = errors.New("read tcp: use of closed network connection")

// losingAnswers passes calls to next, but the answer of every receive in
// lose (counting receives from 1) is lost after the receive took effect:
// its messages are hidden and the caller never learns of them. Then it does
// what the SDK does with such an error: a caller whose options allow more
// than one attempt gets the answer of a second receive, else the error.
type losingAnswers struct {
	dlq.SQS
	lose map[int]bool

	mu       sync.Mutex
	receives int
}

func (l *losingAnswers) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	l.mu.Lock()
	l.receives++
	lose := l.lose[l.receives]
	l.mu.Unlock()
	if !lose {
		return l.SQS.ReceiveMessage(ctx, in, opts...)
	}
	if _, err := l.SQS.ReceiveMessage(ctx, in, opts...); err != nil {
		return nil, err
	}
	o := sqs.Options{Retryer: retry.NewStandard()}
	for _, fn := range opts {
		fn(&o)
	}
	if o.Retryer.MaxAttempts() > 1 {
		return l.SQS.ReceiveMessage(ctx, in, opts...)
	}
	return nil, errLostAnswer
}

// A receive whose answer was lost on a loopback connection (about once in
// a few hundred, against the local stack) hid its messages for two minutes,
// and the SDK's retry of it found the queue empty: peek said "all are still
// in it" with messages missing, and a dry run or replay right after saw
// none. Every look must see every message, whichever receive is lost.
func TestLooksSeeEveryMessageWhenAReceiveAnswerIsLost(t *testing.T) {
	// Not parallel: it shortens the package's receive hide, which every
	// scan reads.
	defer dlq.SetReceiveHide(time.Second)()
	ctx := context.Background()
	for _, lost := range []int{1, 2} {
		kumo := kumoSQS(t)
		q, _ := stuck(t, kumo, dlq.QueueDLQ, 5, 0, 0)
		api := &losingAnswers{SQS: kumo, lose: map[int]bool{lost: true}}

		peeked, err := dlq.Peek(ctx, api, q.URL, 0)
		if err != nil || len(peeked) != 5 {
			t.Errorf("receive %d lost: Peek saw %d messages (%v), want 5", lost, len(peeked), err)
		}
		api.reset()
		res, err := dlq.Replay(ctx, api, q, dlq.ReplayOptions{DryRun: true})
		if err != nil || res.Matched != 5 {
			t.Errorf("receive %d lost: dry run matched %d (%v), want 5", lost, res.Matched, err)
		}
		api.reset()
		res, err = dlq.Replay(ctx, api, q, dlq.ReplayOptions{})
		if err != nil || res.Moved != 5 {
			t.Errorf("receive %d lost: replay moved %d (%v), want 5", lost, res.Moved, err)
		}
		if got := drain(t, api, q.DestinationURL, 0); len(got) != 5 {
			t.Errorf("receive %d lost: the destination holds %d messages, want 5", lost, len(got))
		}
	}
}

// reset starts counting receives from 1 again.
func (l *losingAnswers) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.receives = 0
}
