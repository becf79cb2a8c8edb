package dynamo_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/counter/countertest"
	"github.com/eventboard/eventboard/internal/dynamo"
)

// The Kumo tests start their server before t.Parallel: kumo.NewServer
// writes package state of kumo's, and two servers starting at once race.
func TestCountersContractKumo(t *testing.T) {
	db := kumoClient(t)
	t.Parallel()
	runCountersContract(t, db)
}

func TestCountersContractDynamoDBLocal(t *testing.T) {
	t.Parallel()
	runCountersContract(t, dynamoDBLocalClient(t))
}

func runCountersContract(t *testing.T, db *dynamodb.Client) {
	countertest.RunStoreContract(t, func(t *testing.T, now func() time.Time) countertest.Store {
		counters, _ := newTable(t, db, "CounterTable")
		processed, _ := newTable(t, db, "ProcessedEventsTable")
		s, err := dynamo.NewCounters(db, counters, processed, dynamo.CountersClock(now))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestCountersMarkerExpiresKumo(t *testing.T) {
	db := kumoClient(t)
	t.Parallel()
	counters, _ := newTable(t, db, "CounterTable")
	processed, _ := newTable(t, db, "ProcessedEventsTable")
	s, err := dynamo.NewCounters(db, counters, processed)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if r := s.ApplyBatch(ctx, []counter.Change{{EventID: "event-1", Deltas: []counter.Delta{{Name: counter.Posts, By: 1}}}}, countertest.TTL); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &processed,
		Key:       map[string]types.AttributeValue{"eventId": &types.AttributeValueMemberS{Value: "event-1"}},
	})
	if err != nil || out.Item == nil {
		t.Fatalf("marker: %v, %v", out, err)
	}
	if _, ok := out.Item["expiresAt"].(*types.AttributeValueMemberN); !ok {
		t.Errorf("the marker has no expiresAt number for TTL: %v", out.Item)
	}
}

// fakeCountersAPI answers from its fields, for what emulators cannot be
// made to do: throttle a batch or cancel a transaction for other reasons.
type fakeCountersAPI struct {
	transactErrs  []error // one per TransactWriteItems call; the last repeats
	transactCalls int
	transactItems []int // items per TransactWriteItems call
	unprocessed   int   // BatchGetItem calls that leave every key unprocessed
	batchErr      error // what every BatchGetItem call returns, if set
	batchCalls    int
	keysPerCalls  []int
}

func (f *fakeCountersAPI) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	f.transactCalls++
	f.transactItems = append(f.transactItems, len(in.TransactItems))
	if len(f.transactErrs) == 0 {
		return &dynamodb.TransactWriteItemsOutput{}, nil
	}
	err := f.transactErrs[min(f.transactCalls, len(f.transactErrs))-1]
	return &dynamodb.TransactWriteItemsOutput{}, err
}

func (f *fakeCountersAPI) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	f.batchCalls++
	ka := in.RequestItems["counters"]
	f.keysPerCalls = append(f.keysPerCalls, len(ka.Keys))
	if f.batchErr != nil {
		return nil, f.batchErr
	}
	if f.unprocessed > 0 {
		f.unprocessed--
		return &dynamodb.BatchGetItemOutput{UnprocessedKeys: in.RequestItems}, nil
	}
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
	for _, k := range ka.Keys {
		out.Responses["counters"] = append(out.Responses["counters"], map[string]types.AttributeValue{
			"name":  k["name"],
			"value": &types.AttributeValueMemberN{Value: "7"},
		})
	}
	return out, nil
}

func (f *fakeCountersAPI) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return &dynamodb.UpdateItemOutput{}, nil
}

func TestCountersApplyBatchErrors(t *testing.T) {
	t.Parallel()
	reasons := func(codes ...string) error {
		r := make([]types.CancellationReason, len(codes))
		for i, c := range codes {
			r[i].Code = aws.String(c)
		}
		return &types.TransactionCanceledException{CancellationReasons: r}
	}
	conflict := reasons("None", "TransactionConflict")
	for _, tc := range []struct {
		name        string
		errs        []error
		wantApplied bool
		wantErr     bool
		wantCalls   int
	}{
		{"success", nil, true, false, 1},
		{"marker existed", []error{reasons("ConditionalCheckFailed", "None")}, false, false, 1},
		{"marker existed, as kumo says it", []error{reasons("ConditionalCheckFailed", "")}, false, false, 1},
		{"conflict on a counter, then success", []error{conflict, conflict, nil}, true, false, 3},
		{"conflict on the marker, then applied by the other", []error{reasons("TransactionConflict", "None"), reasons("ConditionalCheckFailed", "None")}, false, false, 2},
		{"throttled, then success", []error{reasons("None", "ThrottlingError"), nil}, true, false, 2},
		{"conflicts that do not end", []error{conflict}, false, true, 9},
		{"validation", []error{reasons("None", "ValidationError")}, false, true, 1},
		{"no reasons", []error{&types.TransactionCanceledException{}}, false, true, 1},
		{"other failure", []error{errors.New("connection reset")}, false, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeCountersAPI{transactErrs: tc.errs}
			s, err := dynamo.NewCounters(api, "counters", "processed")
			if err != nil {
				t.Fatal(err)
			}
			r := s.ApplyBatch(context.Background(), []counter.Change{{EventID: "event-1", Deltas: []counter.Delta{{Name: counter.Posts, By: 1}}}}, countertest.TTL)[0]
			if r.Applied != tc.wantApplied || (r.Err != nil) != tc.wantErr || api.transactCalls != tc.wantCalls {
				t.Errorf("ApplyBatch = %+v after %d calls; want applied %v, error %v after %d", r, api.transactCalls, tc.wantApplied, tc.wantErr, tc.wantCalls)
			}
		})
	}
}

// A batch is one transaction; when markers show events applied before,
// those drop out and the rest is one transaction again.
func TestCountersApplyBatchDropsEventsAppliedBefore(t *testing.T) {
	t.Parallel()
	reasons := func(codes ...string) error {
		r := make([]types.CancellationReason, len(codes))
		for i, c := range codes {
			r[i].Code = aws.String(c)
		}
		return &types.TransactionCanceledException{CancellationReasons: r}
	}
	// Three markers and one counter; the second and third markers existed.
	api := &fakeCountersAPI{transactErrs: []error{reasons("None", "ConditionalCheckFailed", "ConditionalCheckFailed", "None"), nil}}
	s, err := dynamo.NewCounters(api, "counters", "processed")
	if err != nil {
		t.Fatal(err)
	}
	posts := []counter.Delta{{Name: counter.Posts, By: 1}}
	got := s.ApplyBatch(context.Background(), []counter.Change{{EventID: "e1", Deltas: posts}, {EventID: "e2", Deltas: posts}, {EventID: "e3", Deltas: posts}}, countertest.TTL)
	want := []counter.Result{{Applied: true}, {Applied: false}, {Applied: false}}
	if diff := cmp.Diff(want, got, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if want := []int{4, 2}; !slices.Equal(api.transactItems, want) {
		t.Errorf("items per transaction = %v, want %v", api.transactItems, want)
	}
}

func TestCountersGetRetriesUnprocessedKeys(t *testing.T) {
	t.Parallel()
	api := &fakeCountersAPI{unprocessed: 2}
	s, err := dynamo.NewCounters(api, "counters", "")
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, 20)
	for i := range 20 {
		names = append(names, counter.AuthorPosts(string(rune('a'+i))))
	}
	got, err := s.Get(context.Background(), names...)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	// Each counter is the sum of its 8 shards, each at 7 here.
	if len(got) != 20 || got[names[19]] != 8*7 {
		t.Errorf("Get returned %d counters (%v), want 20 at 56", len(got), got[names[19]])
	}
	// 160 shard keys: 100, twice unprocessed, then read; then the other 60.
	if want := []int{100, 100, 100, 60}; !slices.Equal(api.keysPerCalls, want) {
		t.Errorf("keys per BatchGetItem = %v, want %v", api.keysPerCalls, want)
	}
}

func TestCountersGetGivesUpOnKeysLeftUnprocessed(t *testing.T) {
	if testing.Short() {
		t.Skip("backs off for about a second")
	}
	t.Parallel()
	s, err := dynamo.NewCounters(&fakeCountersAPI{unprocessed: 1000}, "counters", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), counter.Posts); err == nil {
		t.Error("Get succeeded with every key unprocessed")
	}
}

func TestCountersApplyBatchNeedsTheMarkerTable(t *testing.T) {
	t.Parallel()
	s, err := dynamo.NewCounters(&fakeCountersAPI{}, "counters", "")
	if err != nil {
		t.Fatal(err)
	}
	if r := s.ApplyBatch(context.Background(), []counter.Change{{EventID: "event-1"}}, countertest.TTL); r[0].Err == nil {
		t.Error("a reader without a processed-events table applied an event")
	}
	if _, err := dynamo.NewCounters(nil, "counters", ""); err == nil {
		t.Error("NewCounters accepted no client")
	}
}
