package dlq_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/dlq"
)

const dlqARN = "arn:aws:sqs:us-east-1:123456789012:eventboard-prod-counter-dlq"

// fakeMoveTasks plays SQS's message move tasks: ListMessageMoveTasks
// answers the next of polls, then the last one again.
type fakeMoveTasks struct {
	started []*sqs.StartMessageMoveTaskInput
	listed  []*sqs.ListMessageMoveTasksInput
	polls   []types.ListMessageMoveTasksResultEntry
}

func (f *fakeMoveTasks) StartMessageMoveTask(_ context.Context, in *sqs.StartMessageMoveTaskInput, _ ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error) {
	f.started = append(f.started, in)
	return &sqs.StartMessageMoveTaskOutput{TaskHandle: aws.String("task-1")}, nil
}

func (f *fakeMoveTasks) ListMessageMoveTasks(_ context.Context, in *sqs.ListMessageMoveTasksInput, _ ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error) {
	f.listed = append(f.listed, in)
	i := min(len(f.listed), len(f.polls)) - 1
	return &sqs.ListMessageMoveTasksOutput{Results: []types.ListMessageMoveTasksResultEntry{f.polls[i]}}, nil
}

// arnSQS answers GetQueueAttributes with the DLQ's ARN.
type arnSQS struct{ dlq.SQS }

func (arnSQS) GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	return &sqs.GetQueueAttributesOutput{Attributes: map[string]string{"QueueArn": dlqARN}}, nil
}

func entry(status string, moved, toMove int64, handle, failure string) types.ListMessageMoveTasksResultEntry {
	e := types.ListMessageMoveTasksResultEntry{
		Status: aws.String(status), ApproximateNumberOfMessagesMoved: moved,
		ApproximateNumberOfMessagesToMove: aws.Int64(toMove), SourceArn: aws.String(dlqARN),
	}
	if handle != "" {
		e.TaskHandle = aws.String(handle)
	}
	if failure != "" {
		e.FailureReason = aws.String(failure)
	}
	return e
}

func TestReplayNative(t *testing.T) {
	t.Parallel()
	queueDLQ := dlq.Queue{DLQ: dlq.DLQ{Short: "counter-dlq", Kind: dlq.QueueDLQ}, URL: "https://sqs/123/eventboard-prod-counter-dlq"}
	tests := []struct {
		name      string
		polls     []types.ListMessageMoveTasksResultEntry
		wantTask  dlq.Task
		wantErr   string
		wantPolls int
		// noProgress: the task is not ours, so not reported.
		noProgress bool
	}{
		{
			name: "followed to completion",
			polls: []types.ListMessageMoveTasksResultEntry{
				entry("RUNNING", 0, 7, "task-1", ""), entry("RUNNING", 4, 7, "task-1", ""), entry("COMPLETED", 7, 7, "", ""),
			},
			wantTask:  dlq.Task{Handle: "task-1", Status: "COMPLETED", Moved: 7, ToMove: 7, SourceARN: dlqARN},
			wantPolls: 3,
		},
		{
			name:      "a failed task is an error",
			polls:     []types.ListMessageMoveTasksResultEntry{entry("RUNNING", 1, 7, "task-1", ""), entry("FAILED", 3, 7, "", "AWS.SimpleQueueService.NonExistentQueue")},
			wantTask:  dlq.Task{Handle: "task-1", Status: "FAILED", Moved: 3, ToMove: 7, Failure: "AWS.SimpleQueueService.NonExistentQueue", SourceARN: dlqARN},
			wantErr:   "FAILED after 3 of 7",
			wantPolls: 2,
		},
		{
			name:      "cancelled by someone",
			polls:     []types.ListMessageMoveTasksResultEntry{entry("CANCELLED", 2, 7, "", "")},
			wantTask:  dlq.Task{Handle: "task-1", Status: "CANCELLED", Moved: 2, ToMove: 7, SourceARN: dlqARN},
			wantErr:   "CANCELLED",
			wantPolls: 1,
		},
		{
			name:       "another task on the queue",
			polls:      []types.ListMessageMoveTasksResultEntry{entry("RUNNING", 0, 7, "task-0", "")},
			wantTask:   dlq.Task{Handle: "task-1", Status: "RUNNING", SourceARN: dlqARN},
			wantErr:    "another task",
			wantPolls:  1,
			noProgress: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := &fakeMoveTasks{polls: tc.polls}
			clock := newFakeClock()
			var seen []int64
			task, err := dlq.ReplayNative(context.Background(), arnSQS{}, fake, queueDLQ, dlq.NativeOptions{
				Rate: 50, Poll: 2 * time.Second, Clock: clock,
				Progress: func(t dlq.Task) { seen = append(seen, t.Moved) },
			})
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("ReplayNative error = %v, want %q", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.wantTask, task); diff != "" {
				t.Errorf("task (-want +got):\n%s", diff)
			}
			if len(fake.started) != 1 || aws.ToString(fake.started[0].SourceArn) != dlqARN || aws.ToInt32(fake.started[0].MaxNumberOfMessagesPerSecond) != 50 || fake.started[0].DestinationArn != nil {
				t.Errorf("StartMessageMoveTask calls = %+v, want one from the DLQ at 50/s back to its sources", fake.started)
			}
			wantProgress := tc.wantPolls
			if tc.noProgress {
				wantProgress = 0
			}
			if len(fake.listed) != tc.wantPolls || len(seen) != wantProgress {
				t.Errorf("polled %d times (progress %v), want %d", len(fake.listed), seen, tc.wantPolls)
			}
		})
	}
}

func TestReplayNativeRefusesARuleDLQ(t *testing.T) {
	t.Parallel()
	fake := &fakeMoveTasks{}
	_, err := dlq.ReplayNative(context.Background(), arnSQS{}, fake, dlq.Queue{DLQ: dlq.DLQ{Short: "counter-rule-dlq", Kind: dlq.RuleDLQ}}, dlq.NativeOptions{})
	if apperr.CodeOf(err) != "NATIVE_UNSUPPORTED" || len(fake.started) != 0 {
		t.Errorf("ReplayNative on a rule DLQ = %v, started %d tasks; want NATIVE_UNSUPPORTED and none", err, len(fake.started))
	}
}
