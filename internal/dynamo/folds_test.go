package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/counter/countertest"
	"github.com/eventboard/eventboard/internal/dynamo"
)

// countingAPI is a DynamoDB client that records the keys of every
// BatchGetItem and the outcome of every transaction that deletes items (a
// fold's).
type countingAPI struct {
	*dynamodb.Client

	mu       sync.Mutex
	batchGet []int // keys per call

	folds     atomic.Int64 // fold transactions committed
	cancelled atomic.Int64 // fold transactions cancelled
}

func (c *countingAPI) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	n := 0
	for _, ka := range in.RequestItems {
		n += len(ka.Keys)
	}
	c.mu.Lock()
	c.batchGet = append(c.batchGet, n)
	c.mu.Unlock()
	return c.Client.BatchGetItem(ctx, in, optFns...)
}

func (c *countingAPI) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := c.Client.TransactWriteItems(ctx, in, optFns...)
	if slices.ContainsFunc(in.TransactItems, func(i types.TransactWriteItem) bool { return i.Delete != nil }) {
		if err == nil {
			c.folds.Add(1)
		} else {
			c.cancelled.Add(1)
		}
	}
	return out, err
}

// reads returns the keys per BatchGetItem since the last call.
func (c *countingAPI) reads() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.batchGet
	c.batchGet = nil
	return r
}

// counterItems scans the Counter table: each item's value by name, and the
// fold marker's attributes.
func counterItems(t *testing.T, db *dynamodb.Client, table string) (map[string]int64, map[string]string) {
	t.Helper()
	values, marker := map[string]int64{}, map[string]string{}
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &table})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range out.Items {
			name := attrString(item["name"])
			if v, ok := item["value"].(*types.AttributeValueMemberN); ok {
				n, _ := strconv.ParseInt(v.Value, 10, 64)
				values[name] = n
				continue
			}
			marker["name"], marker["from"], marker["through"] = name, attrString(item["from"]), attrString(item["through"])
		}
	}
	return values, marker
}

// The layout a month of posting leaves, and what GET /api/stats reads in
// each state: before the first fold, after it, and with closed days not
// folded yet. The closed days of the window keep one item each once folded.
func TestCountersFoldKumo(t *testing.T) {
	db := kumoClient(t)
	t.Parallel()
	runFoldLayout(t, db)
}

func TestCountersFoldDynamoDBLocal(t *testing.T) {
	t.Parallel()
	runFoldLayout(t, dynamoDBLocalClient(t))
}

func runFoldLayout(t *testing.T, db *dynamodb.Client) {
	ctx := context.Background()
	table, _ := newTable(t, db, "CounterTable")
	processed, _ := newTable(t, db, "ProcessedEventsTable")
	api := &countingAPI{Client: db}
	clock := countertest.NewClock(countertest.Month)
	s, err := dynamo.NewCounters(api, table, processed, dynamo.CountersClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	h := countertest.NewHistory(t, s, clock)
	countertest.MonthOfPosts(h)
	// A second process: its own memory of what it folded.
	other, err := dynamo.NewCounters(api, table, processed, dynamo.CountersClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return countertest.Month.AddDate(0, 0, d) }
	statsReads := func(when string, want ...int) {
		t.Helper()
		api.reads()
		h.WantStats(when)
		api.reads() // WantStats reads every counter after the stats
		if _, err := counter.ReadStats(ctx, s, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if got := api.reads(); !slices.Equal(got, want) {
			t.Errorf("%s: GET /api/stats read %v keys per BatchGetItem, want %v", when, got, want)
		}
	}
	// 16 keys of the totals, 16 of today and yesterday, 28 closed days' shard
	// 0, and the fold marker: 61. No marker: the closed days' other shards.
	statsReads("before any fold", 61, 100, 96)

	h.Fold()
	if got := api.reads(); len(got) < 2 || got[0] != 1 {
		t.Errorf("the fold read %v keys per call, want the marker first", got)
	}
	statsReads("after the fold", 61)
	values, marker := counterItems(t, db, table)
	if want := map[string]string{"name": "folded#posts#day", "from": "2026-10-27", "through": "2026-11-23"}; !cmp.Equal(want, marker) {
		t.Errorf("fold marker %v, want %v", marker, want)
	}
	for name := range values {
		base, shard, sharded := strings.Cut(name, "#s")
		d, isDay := counter.DayOf(base)
		if sharded && isDay && !d.Before(day(-29)) && !d.After(day(-2)) {
			t.Errorf("%s (shard %s) is left after the fold", base, shard)
		}
	}
	if err := s.FoldClosedDays(ctx); err != nil || len(api.reads()) != 0 {
		t.Errorf("a second fold on the same day read the table (%v)", err)
	}
	if err := other.FoldClosedDays(ctx); err != nil {
		t.Fatal(err)
	}
	if got := api.reads(); !slices.Equal(got, []int{1}) {
		t.Errorf("another process's fold on the same day read %v keys, want the marker's 1", got)
	}

	// Deltas to a closed day go to its shard 0, folded or not.
	h.Post(day(-3), 5, 1)
	h.Post(day(-3), 2, -1)
	h.Post(day(-31), 3, 1)
	values, _ = counterItems(t, db, table)
	for _, d := range []int{-3, -31} {
		for s := 1; s < 8; s++ {
			if _, ok := values[fmt.Sprintf("%s#s%d", counter.DayPosts(day(d)), s)]; ok && d == -3 {
				t.Errorf("a delta to closed day %s went to shard %d", day(d).Format(counter.DateLayout), s)
			}
		}
	}

	clock.Set(day(2).Add(5 * time.Minute)) // the 24th folds, the 25th not yet
	statsReads("two closed days not folded", 61, 14)
	h.Fold()
	statsReads("one closed day not folded", 61, 7)
	clock.Set(day(2).Add(time.Hour))
	h.Fold()
	statsReads("every closed day folded", 61)
	_, marker = counterItems(t, db, table)
	if marker["from"] != "2026-10-27" || marker["through"] != "2026-11-25" {
		t.Errorf("fold marker %v, want from 2026-10-27 through 2026-11-25", marker)
	}
}

// A fold racing with deltas to the day it folds loses none and counts none
// twice: writers add to every shard of a day (open on their clock) while
// folds (on clocks days later, each a new process) move its shards into
// shard 0. Afterwards the day's items add up to the deltas, and one last
// fold leaves one item holding it all.
func TestCountersFoldRacingDeltasKumo(t *testing.T) {
	db := kumoClient(t)
	t.Parallel()
	runFoldRace(t, db)
}

func TestCountersFoldRacingDeltasDynamoDBLocal(t *testing.T) {
	t.Parallel()
	runFoldRace(t, dynamoDBLocalClient(t))
}

func runFoldRace(t *testing.T, db *dynamodb.Client) {
	ctx := context.Background()
	table, _ := newTable(t, db, "CounterTable")
	processed, _ := newTable(t, db, "ProcessedEventsTable")
	day := countertest.Month
	writersClock := countertest.NewClock(day.Add(12 * time.Hour))
	// maxFolds keeps the day inside the window of the folds' clocks.
	const writers, events, maxFolds = 4, 100, 25
	var truth atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		s, err := dynamo.NewCounters(db, table, processed, dynamo.CountersClock(writersClock.Now))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for i := range events {
				by := int64(1 + i%3)
				if i%5 == 4 {
					by = -1
				}
				r := s.ApplyBatch(ctx, []counter.Change{{EventID: fmt.Sprintf("w%d-%d", w, i), Deltas: []counter.Delta{{Name: counter.DayPosts(day), By: by}}}}, time.Hour)
				if r[0].Err != nil || !r[0].Applied {
					t.Errorf("apply: %+v", r[0])
					return
				}
				truth.Add(by)
				time.Sleep(2 * time.Millisecond) // a pace the folds can meet between writes
			}
		})
	}
	api := &countingAPI{Client: db}
	// fold folds as a new process would k+2 days after the day: each one
	// finds the marker behind and sweeps the window, the day included.
	fold := func(k int) error {
		clock := countertest.NewClock(day.AddDate(0, 0, 2+k).Add(time.Hour))
		s, err := dynamo.NewCounters(api, table, processed, dynamo.CountersClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		return s.FoldClosedDays(ctx)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	folds, gaveUp := 0, 0
	for racing := true; racing; {
		select {
		case <-done:
			racing = false
		default:
			if folds == maxFolds {
				<-done
				racing = false
				break
			}
			// A fold that gave up after its retries is one a later fold
			// makes good: the race is what is under test.
			if err := fold(folds); err != nil {
				gaveUp++
			}
			folds++
		}
	}
	values, _ := counterItems(t, db, table)
	var sum int64
	for name, v := range values {
		if base, _, _ := strings.Cut(name, "#s"); base == counter.DayPosts(day) {
			sum += v
		}
	}
	if sum != truth.Load() {
		t.Errorf("the day's items add up to %d, want %d", sum, truth.Load())
	}
	if err := fold(folds); err != nil {
		t.Fatalf("the last fold, alone: %v", err)
	}
	values, _ = counterItems(t, db, table)
	for name := range values {
		if strings.HasPrefix(name, counter.DayPosts(day)+"#s") {
			t.Errorf("%s is left after the last fold", name)
		}
	}
	if values[counter.DayPosts(day)] != truth.Load() {
		t.Errorf("shard 0 holds %d after the last fold, want %d", values[counter.DayPosts(day)], truth.Load())
	}
	t.Logf("%d folds while %d writers applied %d events: %d fold transactions committed, %d cancelled; %d folds gave up",
		folds, writers, writers*events, api.folds.Load(), api.cancelled.Load(), gaveUp)
	if api.folds.Load() == 0 || api.cancelled.Load() == 0 {
		t.Errorf("%d fold transactions committed and %d cancelled: the folds did not race the writers", api.folds.Load(), api.cancelled.Load())
	}
}

// A failed fold is tried again by a later batch, but not before a minute
// has passed: a batch after a failure does not pay for another at once.
func TestCountersFoldWaitsAfterAFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api := &fakeCountersAPI{batchErr: errors.New("connection reset")}
	clock := countertest.NewClock(countertest.Month.Add(12 * time.Hour))
	s, err := dynamo.NewCounters(api, "counters", "processed", dynamo.CountersClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FoldClosedDays(ctx); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("FoldClosedDays = %v, want the failure", err)
	}
	clock.Set(clock.Now().Add(59 * time.Second))
	if err := s.FoldClosedDays(ctx); err != nil || api.batchCalls != 1 {
		t.Errorf("FoldClosedDays within the minute = %v after %d calls, want nil after 1", err, api.batchCalls)
	}
	clock.Set(clock.Now().Add(time.Second))
	if err := s.FoldClosedDays(ctx); err == nil || api.batchCalls != 2 {
		t.Errorf("FoldClosedDays a minute on = %v after %d calls, want the failure after 2", err, api.batchCalls)
	}
}
