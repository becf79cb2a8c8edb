package eventbus

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/outbox"
)

// flaky is an EventBridge API that fails the calls and entries its
// functions say, and records every accepted detail.
type flaky struct {
	calls        int
	failCall     func(call int) bool
	failEntry    func(call int, detail string) bool
	accepted     []string
	largestBatch int
}

func (f *flaky) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	f.calls++
	f.largestBatch = max(f.largestBatch, len(in.Entries))
	if f.failCall != nil && f.failCall(f.calls) {
		return nil, errors.New("ServiceUnavailable")
	}
	out := &eventbridge.PutEventsOutput{}
	for _, e := range in.Entries {
		if aws.ToString(e.EventBusName) != "bus" {
			return nil, fmt.Errorf("wrong bus %q", aws.ToString(e.EventBusName))
		}
		if f.failEntry != nil && f.failEntry(f.calls, *e.Detail) {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, types.PutEventsResultEntry{ErrorCode: aws.String("InternalFailure"), ErrorMessage: aws.String("try again")})
			continue
		}
		f.accepted = append(f.accepted, *e.Detail)
		out.Entries = append(out.Entries, types.PutEventsResultEntry{EventId: aws.String("eb-" + *e.Detail)})
	}
	return out, nil
}

func records(n int) []outbox.Record {
	var rs []outbox.Record
	for i := range n {
		rs = append(rs, outbox.Record{EventID: fmt.Sprintf("e%02d", i), Source: "eventboard.posts", DetailType: "PostCreated", Detail: fmt.Appendf(nil, "d%02d", i), OccurredAt: time.Now()})
	}
	return rs
}

func newBus(t *testing.T, api API, attempts int) *Bus {
	t.Helper()
	b, err := New(api, "bus", WithRetries(attempts, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	b.sleep = func(context.Context, time.Duration) error { return nil }
	return b
}

func TestPublishRetriesOnlyFailedEntries(t *testing.T) {
	t.Parallel()
	api := &flaky{failEntry: func(call int, d string) bool { return call == 1 && (d == "d03" || d == "d11") }}
	published, err := newBus(t, api, 3).Publish(context.Background(), records(13))
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	sort.Strings(published)
	var want []string
	for _, r := range records(13) {
		want = append(want, r.EventID)
	}
	if diff := cmp.Diff(want, published); diff != "" {
		t.Errorf("published (-want +got):\n%s", diff)
	}
	if len(api.accepted) != 13 || api.largestBatch > 10 || api.calls != 3 {
		t.Errorf("accepted %d entries in %d calls (largest %d); want 13 once each, in 2 calls + 1 retry", len(api.accepted), api.calls, api.largestBatch)
	}
}

func TestPublishRetriesFailedCalls(t *testing.T) {
	t.Parallel()
	api := &flaky{failCall: func(call int) bool { return call == 1 }}
	published, err := newBus(t, api, 2).Publish(context.Background(), records(3))
	if err != nil || len(published) != 3 {
		t.Errorf("published %v, %v", published, err)
	}
}

func TestPublishReportsWhatItCouldNotSend(t *testing.T) {
	t.Parallel()
	api := &flaky{failEntry: func(_ int, d string) bool { return d == "d01" }}
	published, err := newBus(t, api, 3).Publish(context.Background(), records(3))
	if err == nil {
		t.Fatal("a permanently failing entry was not reported")
	}
	if diff := cmp.Diff([]string{"e00", "e02"}, published); diff != "" {
		t.Errorf("published (-want +got):\n%s", diff)
	}
}

func TestPublishNothingWhenTheBusIsDown(t *testing.T) {
	t.Parallel()
	api := &flaky{failCall: func(int) bool { return true }}
	published, err := newBus(t, api, 3).Publish(context.Background(), records(2))
	if err == nil || len(published) != 0 || api.calls != 3 {
		t.Errorf("published %v, err %v, calls %d", published, err, api.calls)
	}
}
