package dlq

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/eventboard/eventboard/internal/apperr"
)

// NativeOptions configure a native redrive.
type NativeOptions struct {
	// Rate is MaxNumberOfMessagesPerSecond; 0 lets SQS choose.
	Rate int
	// Poll is how often the task is looked at; 5 s if zero.
	Poll time.Duration
	// Clock sleeps between looks; nil means the wall clock.
	Clock Clock
	// Progress, when not nil, is called after every look.
	Progress func(Task)
}

// Task is a message move task as ListMessageMoveTasks reports it.
type Task struct {
	Handle    string `json:"taskHandle"`
	Status    string `json:"status"`
	Moved     int64  `json:"moved"`
	ToMove    int64  `json:"toMove"`
	Failure   string `json:"failureReason,omitempty"`
	SourceARN string `json:"sourceArn"`
}

// Task statuses that end a task.
const (
	taskCompleted = "COMPLETED"
	taskFailed    = "FAILED"
	taskCancelled = "CANCELLED"
)

// ReplayNative moves every message of a queue DLQ back to its source queue
// with SQS's own redrive: StartMessageMoveTask, then ListMessageMoveTasks
// until the task ends. SQS moves the messages itself (no filter, no
// per-message audit) and keeps going if this process stops; the returned
// Task carries the handle to cancel it with. It refuses a rule DLQ: SQS
// redrives only DLQs of SQS queues. The error is nil only when the task
// COMPLETED.
func ReplayNative(ctx context.Context, sq SQS, api MoveTasks, q Queue, opts NativeOptions) (Task, error) {
	const op = "dlq.ReplayNative"
	if q.Kind != QueueDLQ {
		return Task{}, apperr.Errorf(apperr.Invalid, "NATIVE_UNSUPPORTED", "%s is an EventBridge rule's DLQ; SQS's native redrive moves only DLQs of SQS queues: replay without --native", q.Short)
	}
	if opts.Poll <= 0 {
		opts.Poll = 5 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = wallClock{}
	}
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(q.URL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return Task{}, fmt.Errorf("%s %s: ARN: %w", op, q.Short, err)
	}
	in := &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(attrs.Attributes[string(types.QueueAttributeNameQueueArn)])}
	if opts.Rate > 0 {
		in.MaxNumberOfMessagesPerSecond = aws.Int32(int32(opts.Rate))
	}
	started, err := api.StartMessageMoveTask(ctx, in)
	if err != nil {
		return Task{}, fmt.Errorf("%s %s: start: %w", op, q.Short, err)
	}
	task := Task{Handle: aws.ToString(started.TaskHandle), Status: "RUNNING", SourceARN: aws.ToString(in.SourceArn)}
	for {
		if err := opts.Clock.Sleep(ctx, opts.Poll); err != nil {
			return task, fmt.Errorf("%s %s: task %s still runs in SQS: %w", op, q.Short, task.Handle, err)
		}
		out, err := api.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: in.SourceArn, MaxResults: aws.Int32(1)})
		if err != nil {
			return task, fmt.Errorf("%s %s: follow task %s: %w", op, q.Short, task.Handle, err)
		}
		if len(out.Results) == 0 {
			return task, fmt.Errorf("%s %s: task %s is not listed", op, q.Short, task.Handle)
		}
		// SQS runs one task per queue and lists the newest first; it shows a
		// task's handle only while the task runs.
		r := out.Results[0]
		if h := aws.ToString(r.TaskHandle); h != "" && h != task.Handle {
			return task, fmt.Errorf("%s %s: another task (%s) runs on this queue", op, q.Short, h)
		}
		task.Status, task.Moved, task.ToMove, task.Failure = aws.ToString(r.Status), r.ApproximateNumberOfMessagesMoved, aws.ToInt64(r.ApproximateNumberOfMessagesToMove), aws.ToString(r.FailureReason)
		if opts.Progress != nil {
			opts.Progress(task)
		}
		switch task.Status {
		case taskCompleted:
			return task, nil
		case taskFailed, taskCancelled:
			return task, fmt.Errorf("%s %s: task %s %s after %d of %d messages: %s", op, q.Short, task.Handle, task.Status, task.Moved, task.ToMove, task.Failure)
		}
	}
}
