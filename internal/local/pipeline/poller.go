package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/eventboard/eventboard/internal/clock"
	"github.com/eventboard/eventboard/internal/manifest"
)

// Mapping is an SQS event source mapping: a function's sqs event.
type Mapping struct {
	Function string
	Queue    Queue
	// BatchSize is the most messages one invocation gets (batchSize,
	// default 10).
	BatchSize int
	// BatchingWindow is how long the poller gathers messages for a batch
	// that is not full yet (maximumBatchingWindow, default 0).
	BatchingWindow time.Duration
	// ReportBatchItemFailures is functionResponseType:
	// ReportBatchItemFailures: the function lists the messages that failed.
	ReportBatchItemFailures bool
	// MaximumConcurrency caps the concurrent batches (maximumConcurrency);
	// 0 when unset.
	MaximumConcurrency int
}

// Lambda's limits for SQS event source mappings.
const (
	defaultBatchSize  = 10
	maxBatchSize      = 10000
	maxBatchingWindow = 300 * time.Second
	maxPayload        = 6 << 20
	// defaultPollers is how many batches Lambda processes at once per queue
	// when it starts polling.
	defaultPollers = 5
)

// Mappings returns the enabled SQS event source mappings of m, whose queues
// must be among res. An option Lambda has that the pipeline does not
// emulate (filterPatterns) is an error.
func Mappings(m *manifest.Manifest, res *Resources) ([]Mapping, error) {
	var out []Mapping
	for _, fn := range m.Functions {
		for i, ev := range fn.Events {
			if ev.Type != "sqs" {
				continue
			}
			mp, enabled, err := mapping(fn.Name, ev.Config, res)
			if err != nil {
				return nil, fmt.Errorf("function %s: events[%d].sqs: %w", fn.Name, i, err)
			}
			if enabled {
				out = append(out, mp)
			}
		}
	}
	return out, nil
}

func mapping(function string, config any, res *Resources) (Mapping, bool, error) {
	mp := Mapping{Function: function, BatchSize: defaultBatchSize}
	cfg, ok := config.(map[string]any)
	if !ok {
		cfg = map[string]any{"arn": config}
	}
	if err := knownKeys("options", cfg, "arn", "batchSize", "maximumBatchingWindow", "functionResponseType", "enabled", "maximumConcurrency"); err != nil {
		return mp, false, err
	}
	arn, err := res.ResolveString(cfg["arn"])
	if err != nil {
		return mp, false, fmt.Errorf("arn: %w", err)
	}
	if mp.Queue, ok = res.queueByARN(arn); !ok {
		return mp, false, fmt.Errorf("arn: %s is not a queue of serverless.yml", arn)
	}
	ints := []struct {
		key      string
		min, max int
		set      func(int)
	}{
		{"batchSize", 1, maxBatchSize, func(n int) { mp.BatchSize = n }},
		{"maximumBatchingWindow", 0, int(maxBatchingWindow / time.Second), func(n int) { mp.BatchingWindow = time.Duration(n) * time.Second }},
		{"maximumConcurrency", 2, 1000, func(n int) { mp.MaximumConcurrency = n }},
	}
	for _, f := range ints {
		v, ok := cfg[f.key]
		if !ok {
			continue
		}
		n, err := intValue(v)
		if err != nil || n < f.min || n > f.max {
			return mp, false, fmt.Errorf("%s: %v is not a whole number from %d to %d", f.key, v, f.min, f.max)
		}
		f.set(n)
	}
	if mp.BatchSize > 10 && mp.BatchingWindow == 0 {
		return mp, false, fmt.Errorf("batchSize %d: more than 10 needs a maximumBatchingWindow", mp.BatchSize)
	}
	switch t := cfg["functionResponseType"]; t {
	case nil:
	case "ReportBatchItemFailures":
		mp.ReportBatchItemFailures = true
	default:
		return mp, false, fmt.Errorf("functionResponseType: %v is not ReportBatchItemFailures", t)
	}
	enabled := true
	if v, ok := cfg["enabled"]; ok {
		if enabled, ok = v.(bool); !ok {
			return mp, false, fmt.Errorf("enabled: %v is not a boolean", v)
		}
	}
	return mp, enabled, nil
}

// poller runs one SQS event source mapping the way Lambda's poller does:
// receive a batch, invoke the function with it, delete what succeeded.
// Messages that failed are left alone: SQS makes them visible again after
// the queue's visibility timeout and moves them to the DLQ after the redrive
// policy's maxReceiveCount.
type poller struct {
	mapping Mapping
	sqs     *sqs.Client
	invoker Invoker
	region  string
	log     *slog.Logger
	// wait is how long one ReceiveMessage long-polls.
	wait time.Duration
}

// run polls until ctx is done. A batch received is always processed to the
// end, even after ctx is done: a message received and then dropped would
// stay invisible for the visibility timeout, and kumo does not keep
// in-flight messages across a restart.
func (p *poller) run(ctx context.Context) {
	for ctx.Err() == nil {
		batch, err := p.gather(ctx)
		if err != nil {
			p.log.Error("sqs poller: receive failed", "function", p.mapping.Function, "queue", p.mapping.Queue.Name, "error", err)
			_ = clock.Sleep(ctx, time.Second) // done or not, the loop looks at ctx
		}
		if len(batch) > 0 {
			p.process(context.WithoutCancel(ctx), batch)
		}
	}
}

// gather receives up to BatchSize messages: one ReceiveMessage, then more
// until the batch is full or BatchingWindow has passed since the first
// message arrived. Each ReceiveMessage long-polls for p.wait and is never
// cancelled midway (see run), so stopping takes at most p.wait.
func (p *poller) gather(ctx context.Context) ([]sqstypes.Message, error) {
	var (
		batch    []sqstypes.Message
		size     int
		deadline time.Time
	)
	for {
		out, err := p.sqs.ReceiveMessage(context.WithoutCancel(ctx), &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(p.mapping.Queue.URL),
			MaxNumberOfMessages:         int32(min(10, p.mapping.BatchSize-len(batch))),
			WaitTimeSeconds:             int32(p.wait / time.Second),
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		})
		if err != nil {
			return batch, err
		}
		batch = append(batch, out.Messages...)
		for _, m := range out.Messages {
			size += len(aws.ToString(m.Body))
		}
		if len(batch) == 0 {
			if ctx.Err() != nil {
				return nil, nil
			}
			continue
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(p.mapping.BatchingWindow)
		}
		if len(batch) >= p.mapping.BatchSize || size >= maxPayload || !time.Now().Before(deadline) || ctx.Err() != nil {
			return batch, nil
		}
	}
}

// process invokes the function with batch and deletes the messages that
// succeeded: all of them when it returns without error (less the ones it
// lists in batchItemFailures, with ReportBatchItemFailures), none when it
// fails or its batch response fails the whole batch.
func (p *poller) process(ctx context.Context, batch []sqstypes.Message) {
	log := p.log.With("function", p.mapping.Function, "queue", p.mapping.Queue.Name, "batch", len(batch))
	payload, err := sqsEventJSON(batch, p.mapping.Queue.ARN, p.region)
	if err != nil {
		log.Error("sqs poller: build event", "error", err)
		return
	}
	out, err := p.invoker.Invoke(ctx, p.mapping.Function, payload)
	if err != nil {
		log.Warn("sqs poller: function error: the batch stays in the queue", "error", err)
		return
	}
	var failed map[string]bool
	if p.mapping.ReportBatchItemFailures {
		ids := map[string]bool{}
		for _, m := range batch {
			ids[aws.ToString(m.MessageId)] = true
		}
		if failed, err = batchFailures(out, ids); err != nil {
			log.Warn("sqs poller: the batch stays in the queue", "error", err)
			return
		}
	}
	var done []sqstypes.Message
	for _, m := range batch {
		if !failed[aws.ToString(m.MessageId)] {
			done = append(done, m)
		}
	}
	if len(failed) > 0 {
		log.Info("sqs poller: partial batch failure", "failed", len(failed))
	}
	if err := p.delete(ctx, done); err != nil {
		log.Error("sqs poller: delete", "error", err)
	}
}

// delete deletes msgs, ten at a time.
func (p *poller) delete(ctx context.Context, msgs []sqstypes.Message) error {
	var errs []error
	for start := 0; start < len(msgs); start += 10 {
		chunk := msgs[start:min(start+10, len(msgs))]
		in := &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(p.mapping.Queue.URL)}
		for i, m := range chunk {
			in.Entries = append(in.Entries, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
		out, err := p.sqs.DeleteMessageBatch(ctx, in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range out.Failed {
			id := aws.ToString(f.Id)
			if i, err := strconv.Atoi(id); err == nil && i >= 0 && i < len(chunk) {
				id = aws.ToString(chunk[i].MessageId)
			}
			errs = append(errs, fmt.Errorf("message %s: %s %s", id, aws.ToString(f.Code), aws.ToString(f.Message)))
		}
	}
	return errors.Join(errs...)
}
