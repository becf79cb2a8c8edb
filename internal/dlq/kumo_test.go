package dlq_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/dlq"
)

// stuck fills a new DLQ of kind with n PostCreated events, m UserConfirmed
// events and u unreadable messages, and returns it with the bodies of the
// PostCreated events, sorted.
func stuck(t *testing.T, api dlq.SQS, kind dlq.Kind, n, m, u int) (dlq.Queue, []string) {
	t.Helper()
	q := newQueue(t, api, kind)
	var created []string
	for range n {
		b := event(t, "post-created.json", newEventID(t), time.Now())
		created = append(created, b)
		send(t, api, q.URL, b, nil)
	}
	for range m {
		send(t, api, q.URL, event(t, "user-confirmed.json", newEventID(t), time.Now()), nil)
	}
	for range u {
		send(t, api, q.URL, "garbage that no worker can read", nil)
	}
	sort.Strings(created)
	return q, created
}

func TestPeekLeavesEveryMessage(t *testing.T) {
	t.Parallel()
	api := kumoSQS(t)
	q, _ := stuck(t, api, dlq.QueueDLQ, 3, 1, 2)
	ctx := context.Background()

	got, err := dlq.Peek(ctx, api, q.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("Peek returned %d messages, want 6", len(got))
	}
	counts := map[string]int{}
	for _, m := range got {
		counts[m.DetailType+"/"+boolStr(m.Unreadable != "")]++
	}
	want := map[string]int{"PostCreated/readable": 3, "UserConfirmed/readable": 1, "/unreadable": 2}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("peeked (-want +got):\n%s", diff)
	}
	// Visible again at once, not after a timeout.
	if n := visible(t, api, q.URL); n != 6 {
		t.Errorf("after Peek %d messages are visible, want 6", n)
	}
	few, err := dlq.Peek(ctx, api, q.URL, 2)
	if err != nil || len(few) != 2 {
		t.Errorf("Peek max 2 = %d messages, %v", len(few), err)
	}
	if n := visible(t, api, q.URL); n != 6 {
		t.Errorf("after Peek max 2, %d messages are visible, want 6", n)
	}
}

func boolStr(unreadable bool) string {
	if unreadable {
		return "unreadable"
	}
	return "readable"
}

func TestExportWritesEveryMessageAndRemovesNone(t *testing.T) {
	t.Parallel()
	api := kumoSQS(t)
	q, _ := stuck(t, api, dlq.QueueDLQ, 12, 0, 1) // more than one receive batch
	var buf bytes.Buffer
	n, err := dlq.Export(context.Background(), api, q.URL, &buf)
	if err != nil || n != 13 {
		t.Fatalf("Export = %d, %v; want 13", n, err)
	}
	ids := map[string]bool{}
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var m dlq.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if m.Body == "" || m.MessageID == "" {
			t.Errorf("line without body or id: %s", sc.Text())
		}
		ids[m.MessageID] = true
	}
	if len(ids) != 13 {
		t.Errorf("%d distinct messages exported, want 13", len(ids))
	}
	if got := visible(t, api, q.URL); got != 13 {
		t.Errorf("after Export %d messages are visible, want 13", got)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	api := kumoSQS(t)
	full, _ := stuck(t, api, dlq.QueueDLQ, 2, 0, 1)
	empty := newQueue(t, api, dlq.RuleDLQ)
	missing := dlq.DLQ{Short: "gone-dlq", Name: "test-not-deployed-dlq", Kind: dlq.QueueDLQ}
	now := time.Now().Add(time.Hour)

	got := dlq.List(context.Background(), api, dlq.Topology{full.DLQ, empty.DLQ, missing}, now)
	if len(got) != 3 {
		t.Fatalf("List = %d rows, want 3", len(got))
	}
	if got[0].Messages != 3 || got[0].Oldest < time.Hour || got[0].Oldest > time.Hour+time.Minute {
		t.Errorf("full DLQ: depth %d, oldest %v; want 3 and about an hour", got[0].Messages, got[0].Oldest)
	}
	if got[1].Messages != 0 || got[1].Oldest != 0 || got[1].Error != "" {
		t.Errorf("empty DLQ: %+v", got[1])
	}
	if got[2].Error == "" {
		t.Errorf("a DLQ that does not exist has no error: %+v", got[2])
	}
	if n := visible(t, api, full.URL); n != 3 {
		t.Errorf("after List %d messages are visible, want 3", n)
	}
	// A look leaves the count as it was.
	if again := dlq.List(context.Background(), api, dlq.Topology{full.DLQ}, now); again[0].Messages != 3 {
		t.Errorf("List after a look counts %d messages, want 3", again[0].Messages)
	}
}

func TestReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       dlq.ReplayOptions
		wantResult dlq.Result
		// moved and left count the PostCreated events (3), UserConfirmed
		// (1) and unreadable messages (2) expected at the destination and
		// in the DLQ.
		moved, left int
	}{
		{"every readable message", dlq.ReplayOptions{}, dlq.Result{Matched: 4, Moved: 4, Left: 2}, 4, 2},
		{"by detail-type", dlq.ReplayOptions{Filter: dlq.Filter{DetailTypes: []string{"PostCreated"}}}, dlq.Result{Matched: 3, Moved: 3, Left: 3}, 3, 3},
		{"dry run moves nothing", dlq.ReplayOptions{DryRun: true}, dlq.Result{Matched: 4, Left: 2}, 0, 6},
		{"at most max", dlq.ReplayOptions{Max: 2, Filter: dlq.Filter{DetailTypes: []string{"PostCreated"}}}, dlq.Result{Matched: 2, Moved: 2, Left: 4}, 2, 4},
		{"unreadable ones too", dlq.ReplayOptions{Filter: dlq.Filter{Unreadable: true}}, dlq.Result{Matched: 6, Moved: 6}, 6, 0},
		{"none matches", dlq.ReplayOptions{Filter: dlq.Filter{DetailTypes: []string{"PostDeleted"}}}, dlq.Result{Left: 6}, 0, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := kumoSQS(t)
			q, _ := stuck(t, api, dlq.QueueDLQ, 3, 1, 2)
			var moved []dlq.Message
			tc.opts.Moved = func(m dlq.Message) error { moved = append(moved, m); return nil }
			res, err := dlq.Replay(context.Background(), api, q, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res != tc.wantResult {
				t.Errorf("Replay = %+v, want %+v", res, tc.wantResult)
			}
			if want := tc.wantResult.Matched; len(moved) != want {
				t.Errorf("Moved called %d times, want %d", len(moved), want)
			}
			// What did not move is visible again at once.
			if n := visible(t, api, q.URL); n != tc.left {
				t.Errorf("%d messages left visible in the DLQ, want %d", n, tc.left)
			}
			if got := len(drain(t, api, q.DestinationURL, 0)); got != tc.moved {
				t.Errorf("%d messages at the destination, want %d", got, tc.moved)
			}
		})
	}
}

func TestReplayRuleDLQSendsTheEventAsEventBridgeDelivers(t *testing.T) {
	t.Parallel()
	api := kumoSQS(t)
	q := newQueue(t, api, dlq.RuleDLQ)
	body := event(t, "post-created.json", newEventID(t), time.Now())
	send(t, api, q.URL, body, map[string]string{"ERROR_CODE": "SQS_SEND_FAILURE", "ERROR_MESSAGE": "boom", "RULE_ARN": "arn:r", "TARGET_ARN": "arn:t"})

	peeked, err := dlq.Peek(context.Background(), api, q.URL, 0)
	if err != nil || len(peeked) != 1 || peeked[0].ErrorCode != "SQS_SEND_FAILURE" || peeked[0].ErrorMessage != "boom" {
		t.Fatalf("Peek = %+v, %v; want the EventBridge error", peeked, err)
	}
	res, err := dlq.Replay(context.Background(), api, q, dlq.ReplayOptions{})
	if err != nil || res.Moved != 1 {
		t.Fatalf("Replay = %+v, %v", res, err)
	}
	got, err := dlq.Peek(context.Background(), api, q.DestinationURL, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("destination holds %d messages (%v), want 1", len(got), err)
	}
	if got[0].Body != body {
		t.Errorf("body at the target:\n%s\nwant the event unchanged:\n%s", got[0].Body, body)
	}
	if len(got[0].MessageAttributes) != 0 {
		t.Errorf("the target got EventBridge's error attributes: %v", got[0].MessageAttributes)
	}
}

func TestReplayQueueDLQKeepsMessageAttributes(t *testing.T) {
	t.Parallel()
	api := kumoSQS(t)
	q := newQueue(t, api, dlq.QueueDLQ)
	send(t, api, q.URL, event(t, "post-created.json", newEventID(t), time.Now()), map[string]string{"trace": "abc"})
	if _, err := dlq.Replay(context.Background(), api, q, dlq.ReplayOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := dlq.Peek(context.Background(), api, q.DestinationURL, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("destination holds %d messages (%v), want 1", len(got), err)
	}
	if diff := cmp.Diff(map[string]string{"trace": "abc"}, got[0].MessageAttributes); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
}
