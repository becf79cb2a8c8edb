package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/eventboard/eventboard/internal/clock"
	"github.com/eventboard/eventboard/internal/counter"
)

var (
	_ counter.Reader      = (*Counters)(nil)
	_ counter.ValueReader = (*Counters)(nil)
)

// CountersAPI is the part of the DynamoDB client Counters uses.
type CountersAPI interface {
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// Attribute names of counter, fold-marker and processed-event items.
const (
	attrName    = "name"
	attrValue   = "value"
	attrFrom    = "from"
	attrThrough = "through"
	attrEventID = "eventId"
)

// Limits of DynamoDB's batch and transaction calls, and how hard Counters
// tries.
const (
	maxBatchGetKeys       = 100
	maxTransactItems      = 100
	maxUnprocessedRetries = 6
	maxTransactRetries    = 8
)

// counterShards is how many items each counter is spread over. Concurrent
// transactions that add to one item cancel each other (TransactionConflict),
// and every PostCreated adds to "posts" and to its day: each transaction
// picks one shard for all its counters, at random on every attempt, so two
// of them meet only when they pick the same one. Readers sum the shards.
// The event source's maximumConcurrency (serverless.yml) stays below it.
//
// A day counter is written on every shard only while its day is open
// (today and yesterday, UTC); once closed, only shard 0 is written, and
// FoldClosedDays folds the other shards into it (see folds.go), so that a
// reader needs one item per closed day.
const counterShards = 8

// Counters keeps the counters on a table keyed by name (a number in value),
// each spread over counterShards items, and records the events it applied on
// a table keyed by eventId, whose items expire by TTL on expiresAt.
type Counters struct {
	db        CountersAPI
	counters  string
	processed string
	now       func() time.Time
	backoff   func(attempt int) time.Duration
	shard     func() int

	// folding is held while FoldClosedDays runs, and guards what it
	// remembers: the last day this process knows folded, and when to try
	// again after a failure.
	folding       sync.Mutex
	foldedThrough time.Time
	foldRetryAt   time.Time
}

// CountersOption configures Counters.
type CountersOption func(*Counters)

// CountersClock makes the store read the time from now: which days are
// closed, and when markers expire (tests).
func CountersClock(now func() time.Time) CountersOption {
	return func(c *Counters) { c.now = now }
}

// NewCounters returns the store on counterTable. processedEventsTable holds
// the markers of applied events; a reader (which never calls ApplyBatch)
// may leave it empty.
func NewCounters(db CountersAPI, counterTable, processedEventsTable string, opts ...CountersOption) (*Counters, error) {
	if db == nil || counterTable == "" {
		return nil, errors.New("dynamo.NewCounters: client and counter table are required")
	}
	c := &Counters{
		db:        db,
		counters:  counterTable,
		processed: processedEventsTable,
		now:       time.Now,
		backoff:   jittered,
		shard:     func() int { return rand.N(counterShards) },
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// appliedBefore is a transaction cancelled because markers existed: the
// events at these indexes of the transaction had been applied before.
type appliedBefore struct{ indexes []int }

func (e *appliedBefore) Error() string {
	return fmt.Sprintf("%d events applied before", len(e.indexes))
}

// ApplyBatch adds each change's deltas to the counters on behalf of its
// event, at most once per event: a transaction writes a marker for each
// event, on condition that none exists, and adds their deltas, summed (one
// per counter). Changes share transactions as far as DynamoDB's limit of 100
// items allows: one for a batch of ten events.
//
// A result reports applied when this call applied the change, and not
// applied with no error when the event had been applied before (its marker
// existed; this includes an SDK retry of this very call whose first attempt
// succeeded unseen), in which case that change changed nothing; the others
// are tried again without it. A change whose event id comes twice in
// changes is applied once; the later one reports not applied. A transaction
// cancelled by a conflict with another one on the same counter is retried,
// on another shard, a few times. A change with an error changed nothing and
// may be retried. The results are in the order of changes.
//
// A marker expires after markerTTL, after which its event would count
// again, so markerTTL must outlast every redelivery and replay of an event.
func (c *Counters) ApplyBatch(ctx context.Context, changes []counter.Change, markerTTL time.Duration) []counter.Result {
	results := make([]counter.Result, len(changes))
	first := make(map[string]int, len(changes))
	repeats := map[int]int{}
	var group []int
	var groupDeltas []counter.Delta
	flush := func() {
		if len(group) > 0 {
			c.applyGroup(ctx, changes, group, markerTTL, results)
		}
		group, groupDeltas = nil, nil
	}
	for i, ch := range changes {
		if err := c.check("dynamo.Counters.ApplyBatch", ch.EventID, markerTTL); err != nil {
			results[i].Err = err
			continue
		}
		if j, ok := first[ch.EventID]; ok {
			repeats[i] = j
			continue
		}
		first[ch.EventID] = i
		merged := append(slices.Clone(groupDeltas), ch.Deltas...)
		if len(group)+1+len(counter.Sum(merged)) > maxTransactItems {
			flush()
			merged = slices.Clone(ch.Deltas)
		}
		group, groupDeltas = append(group, i), merged
	}
	flush()
	for i, j := range repeats {
		results[i] = counter.Result{Err: results[j].Err}
	}
	return results
}

// applyGroup applies the changes of changes at indexes group in one
// transaction, with their deltas summed, and writes each one's outcome to
// results. The events whose markers existed are dropped and the rest tried
// again: each round drops at least one, so it ends.
func (c *Counters) applyGroup(ctx context.Context, changes []counter.Change, group []int, markerTTL time.Duration, results []counter.Result) {
	for len(group) > 0 {
		ids := make([]string, len(group))
		var deltas []counter.Delta
		for k, i := range group {
			ids[k] = changes[i].EventID
			deltas = append(deltas, changes[i].Deltas...)
		}
		err := c.transact(ctx, ids, counter.Sum(deltas), markerTTL)
		var before *appliedBefore
		switch {
		case err == nil:
			for _, i := range group {
				results[i] = counter.Result{Applied: true}
			}
			return
		case errors.As(err, &before):
			rest := group[:0:0]
			for k, i := range group {
				if slices.Contains(before.indexes, k) {
					results[i] = counter.Result{Applied: false}
				} else {
					rest = append(rest, i)
				}
			}
			group = rest
		default:
			err = fmt.Errorf("dynamo.Counters.ApplyBatch %d events from %s: %w", len(ids), ids[0], err)
			for _, i := range group {
				results[i] = counter.Result{Err: err}
			}
			return
		}
	}
}

func (c *Counters) check(op, eventID string, markerTTL time.Duration) error {
	switch {
	case eventID == "":
		return fmt.Errorf("%s: event id is required", op)
	case c.processed == "":
		return fmt.Errorf("%s %s: no processed-events table configured", op, eventID)
	case markerTTL <= 0:
		return fmt.Errorf("%s %s: marker TTL must be positive, got %v", op, eventID, markerTTL)
	}
	return nil
}

// transact writes, in one transaction, a marker for each of eventIDs on
// condition that none exists, and adds deltas (summed: one per name) to
// one shard of each counter: the same shard for all, but shard 0 for the
// day counters of closed days. It returns *appliedBefore when markers
// existed. A conflict with another transaction, or throttling, is retried
// on a shard picked afresh; the SDK does not retry cancelled transactions
// itself.
func (c *Counters) transact(ctx context.Context, eventIDs []string, deltas []counter.Delta, markerTTL time.Duration) error {
	if n := len(eventIDs) + len(deltas); n > maxTransactItems {
		return fmt.Errorf("%d markers and counters exceed one transaction", n)
	}
	expiresAt := epoch(c.now().Add(markerTTL))
	for attempt := 0; ; attempt++ {
		items := make([]types.TransactWriteItem, 0, len(eventIDs)+len(deltas))
		for _, id := range eventIDs {
			items = append(items, types.TransactWriteItem{Put: &types.Put{
				TableName: &c.processed,
				Item: map[string]types.AttributeValue{
					attrEventID:   &types.AttributeValueMemberS{Value: id},
					attrExpiresAt: expiresAt,
				},
				ConditionExpression:      aws.String("attribute_not_exists(#eventId)"),
				ExpressionAttributeNames: map[string]string{"#eventId": attrEventID},
			}})
		}
		shard, closed := c.shard(), lastClosedDay(c.now())
		for _, d := range deltas {
			s := shard
			if isClosedDay(d.Name, closed) {
				s = 0
			}
			items = append(items, types.TransactWriteItem{Update: &types.Update{
				TableName:                 &c.counters,
				Key:                       counterKey(shardName(d.Name, s)),
				UpdateExpression:          aws.String("ADD #value :by"),
				ExpressionAttributeNames:  map[string]string{"#value": attrValue},
				ExpressionAttributeValues: map[string]types.AttributeValue{":by": &types.AttributeValueMemberN{Value: strconv.FormatInt(d.By, 10)}},
			}})
		}
		_, err := c.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil
		}
		if applied := markersFailed(err, len(eventIDs)); len(applied) > 0 {
			return &appliedBefore{indexes: applied}
		}
		if reason := cancellation(err); (reason == "TransactionConflict" || reason == "ThrottlingError") && attempt < maxTransactRetries {
			if err := clock.Sleep(ctx, c.backoff(attempt)); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

// shardName names the item of shard of the counter name. Shard 0 is the
// counter's own name, so counters written before sharding keep counting.
func shardName(name string, shard int) string {
	if shard == 0 {
		return name
	}
	return name + "#s" + strconv.Itoa(shard)
}

// markersFailed returns the indexes, among the first markers items of a
// cancelled transaction, of the event markers whose condition failed: the
// events applied before.
func markersFailed(err error, markers int) []int {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil
	}
	var failed []int
	for i, r := range tce.CancellationReasons {
		if i < markers && aws.ToString(r.Code) == "ConditionalCheckFailed" {
			failed = append(failed, i)
		}
	}
	return failed
}

// cancellation returns the first reason other than None why err cancelled
// a transaction, or "" when err is not a cancelled transaction.
func cancellation(err error) string {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return ""
	}
	for _, r := range tce.CancellationReasons {
		if code := aws.ToString(r.Code); code != "" && code != "None" {
			return code
		}
	}
	return ""
}

// Get implements counter.Reader: each counter is the sum of its shards,
// read with BatchGetItem, at most 100 keys a call, retrying the keys
// DynamoDB leaves unprocessed. A counter none of whose shards exists is
// absent. The reads are eventually consistent: the counters lag the events
// anyway.
//
// The day counter of a closed day is read from shard 0 alone when the fold
// marker, read in the same call, says the day is folded; the other shards
// of a closed day that is not (the fold has not run yet, or the day is
// older than the first fold) are read in a second call. So the answer is
// exact whether or not a fold ran, and the last 30 days of GET /api/stats
// cost one call of 61 keys once folded.
func (c *Counters) Get(ctx context.Context, names ...string) (map[string]int64, error) {
	closedThrough := lastClosedDay(c.now())
	var keys, closed []string
	seen := make(map[string]bool, len(names))
	for _, name := range names {
		if seen[name] {
			continue // BatchGetItem refuses a key asked for twice
		}
		seen[name] = true
		if isClosedDay(name, closedThrough) {
			keys, closed = append(keys, name), append(closed, name)
			continue
		}
		for s := range counterShards {
			keys = append(keys, shardName(name, s))
		}
	}
	if len(closed) > 0 {
		keys = append(keys, foldMarker)
	}
	items, err := c.read(ctx, keys)
	if err != nil {
		return nil, err
	}
	if len(closed) > 0 {
		folded, err := foldedDays(items[foldMarker])
		if err != nil {
			return nil, fmt.Errorf("dynamo.Counters.Get: %w", err)
		}
		var rest []string
		for _, name := range closed {
			if day, _ := counter.DayOf(name); !folded.covers(day) {
				for s := 1; s < counterShards; s++ {
					rest = append(rest, shardName(name, s))
				}
			}
		}
		more, err := c.read(ctx, rest)
		if err != nil {
			return nil, err
		}
		maps.Copy(items, more)
	}
	values := make(map[string]int64, len(seen))
	for name := range seen {
		for s := range counterShards {
			item, ok := items[shardName(name, s)]
			if !ok {
				continue
			}
			v, err := counterValue(item)
			if err != nil {
				return nil, fmt.Errorf("dynamo.Counters.Get %s: %w", shardName(name, s), err)
			}
			values[name] += v
		}
	}
	return values, nil
}

// read reads the items of the Counter table named names (each once), at
// most maxBatchGetKeys a call, and returns those that exist by name.
func (c *Counters) read(ctx context.Context, names []string) (map[string]map[string]types.AttributeValue, error) {
	items := make(map[string]map[string]types.AttributeValue, len(names))
	for chunk := range slices.Chunk(names, maxBatchGetKeys) {
		keys := make([]map[string]types.AttributeValue, len(chunk))
		for i, name := range chunk {
			keys[i] = counterKey(name)
		}
		if err := c.batchGet(ctx, keys, items); err != nil {
			return nil, err
		}
	}
	return items, nil
}

func (c *Counters) batchGet(ctx context.Context, keys []map[string]types.AttributeValue, into map[string]map[string]types.AttributeValue) error {
	req := map[string]types.KeysAndAttributes{c.counters: {
		Keys:                     keys,
		ProjectionExpression:     aws.String("#name, #value, #from, #through"),
		ExpressionAttributeNames: map[string]string{"#name": attrName, "#value": attrValue, "#from": attrFrom, "#through": attrThrough},
	}}
	for attempt := 0; ; attempt++ {
		out, err := c.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return fmt.Errorf("dynamo.Counters.Get: %w", err)
		}
		for _, item := range out.Responses[c.counters] {
			name, ok := item[attrName].(*types.AttributeValueMemberS)
			if !ok {
				return errors.New("dynamo.Counters.Get: an item has no name")
			}
			into[name.Value] = item
		}
		if len(out.UnprocessedKeys[c.counters].Keys) == 0 {
			return nil
		}
		if attempt == maxUnprocessedRetries {
			return fmt.Errorf("dynamo.Counters.Get: %d keys left unprocessed", len(out.UnprocessedKeys[c.counters].Keys))
		}
		req = out.UnprocessedKeys
		// DynamoDB leaves keys unprocessed when it throttles: back off.
		if err := clock.Sleep(ctx, c.backoff(attempt)); err != nil {
			return fmt.Errorf("dynamo.Counters.Get: %w", err)
		}
	}
}

// Value implements counter.ValueReader: the sum of the counter's shards,
// read as Get reads them.
func (c *Counters) Value(ctx context.Context, name string) (int64, error) {
	values, err := c.Get(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("dynamo.Counters.Value %s: %w", name, err)
	}
	return values[name], nil
}

// jittered is the wait before retry attempt+1: from 25 ms doubling up to
// 400 ms, each wait picked at random from its upper half so that writers
// which conflicted once do not meet again.
func jittered(attempt int) time.Duration {
	d := time.Duration(25<<min(attempt, 4)) * time.Millisecond
	return d/2 + rand.N(d/2)
}

func counterKey(name string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrName: &types.AttributeValueMemberS{Value: name}}
}

// counterValue is the value of a counter item; an item without one (never
// seen, but harmless) is 0.
func counterValue(item map[string]types.AttributeValue) (int64, error) {
	switch v := item[attrValue].(type) {
	case nil:
		return 0, nil
	case *types.AttributeValueMemberN:
		n, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("value %q is not an integer: %w", v.Value, err)
		}
		return n, nil
	default:
		return 0, fmt.Errorf("value is a %T, not a number", v)
	}
}
