package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

// Attribute names of counter and processed-event items.
const (
	attrName    = "name"
	attrValue   = "value"
	attrEventID = "eventId"
)

// Limits of DynamoDB's batch and transaction calls.
const (
	maxBatchGetKeys       = 100
	maxTransactItems      = 100
	maxUnprocessedRetries = 6
	maxTransactRetries    = 3
)

// Counters keeps the counters on a table keyed by name (a number in value),
// and records the events it applied on a table keyed by eventId, whose items
// expire by TTL on expiresAt.
type Counters struct {
	db        CountersAPI
	counters  string
	processed string
	now       func() time.Time
	backoff   func(attempt int) time.Duration
}

// NewCounters returns the store on counterTable. processedEventsTable holds
// the markers of applied events; a reader (which never calls Apply) may
// leave it empty.
func NewCounters(db CountersAPI, counterTable, processedEventsTable string) (*Counters, error) {
	if db == nil || counterTable == "" {
		return nil, errors.New("dynamo.NewCounters: client and counter table are required")
	}
	return &Counters{
		db:        db,
		counters:  counterTable,
		processed: processedEventsTable,
		now:       time.Now,
		backoff:   jittered,
	}, nil
}

// Apply adds deltas to the counters on behalf of the event eventID, at most
// once per event: one transaction writes a marker for eventID, on condition
// that none exists, and adds each delta. It returns true when this call
// applied them, and false with no error when the event had been applied
// before (the marker existed; this includes an SDK retry of this very call
// whose first attempt succeeded unseen), in which case nothing changed. A transaction
// cancelled by a conflict with another one on the same counter is retried a
// few times. On any error nothing changed, and the call may be retried.
//
// Deltas to the same counter are summed first; the marker expires after
// markerTTL, after which the event would count again, so markerTTL must
// outlast every redelivery and replay of the event.
func (c *Counters) Apply(ctx context.Context, eventID string, deltas []counter.Delta, markerTTL time.Duration) (bool, error) {
	switch {
	case eventID == "":
		return false, errors.New("dynamo.ApplyCounters: event id is required")
	case c.processed == "":
		return false, fmt.Errorf("dynamo.ApplyCounters %s: no processed-events table configured", eventID)
	case markerTTL <= 0:
		return false, fmt.Errorf("dynamo.ApplyCounters %s: marker TTL must be positive, got %v", eventID, markerTTL)
	}
	deltas = counter.Sum(deltas)
	if len(deltas)+1 > maxTransactItems {
		return false, fmt.Errorf("dynamo.ApplyCounters %s: %d counters exceed one transaction", eventID, len(deltas))
	}
	items := make([]types.TransactWriteItem, 0, len(deltas)+1)
	items = append(items, types.TransactWriteItem{Put: &types.Put{
		TableName: &c.processed,
		Item: map[string]types.AttributeValue{
			attrEventID:   &types.AttributeValueMemberS{Value: eventID},
			attrExpiresAt: epoch(c.now().Add(markerTTL)),
		},
		ConditionExpression:      aws.String("attribute_not_exists(#eventId)"),
		ExpressionAttributeNames: map[string]string{"#eventId": attrEventID},
	}})
	for _, d := range deltas {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName:                 &c.counters,
			Key:                       counterKey(d.Name),
			UpdateExpression:          aws.String("ADD #value :by"),
			ExpressionAttributeNames:  map[string]string{"#value": attrValue},
			ExpressionAttributeValues: map[string]types.AttributeValue{":by": &types.AttributeValueMemberN{Value: strconv.FormatInt(d.By, 10)}},
		}})
	}
	in := &dynamodb.TransactWriteItemsInput{TransactItems: items}
	for attempt := 0; ; attempt++ {
		_, err := c.db.TransactWriteItems(ctx, in)
		reason := cancellation(err)
		switch {
		case err == nil:
			return true, nil
		case reason == "ConditionalCheckFailed":
			return false, nil
		case (reason == "TransactionConflict" || reason == "ThrottlingError") && attempt < maxTransactRetries:
			// Another transaction holds a hot counter ("posts", today's
			// day): nothing was written, so try again shortly rather than
			// wait out the queue's visibility timeout. The SDK does not
			// retry cancelled transactions itself.
			if err := sleep(ctx, c.backoff(attempt)); err != nil {
				return false, fmt.Errorf("dynamo.ApplyCounters %s: %w", eventID, err)
			}
		default:
			return false, fmt.Errorf("dynamo.ApplyCounters %s: %w", eventID, err)
		}
	}
}

// cancellation returns why err cancelled the transaction:
// "ConditionalCheckFailed" when the marker (the first item) existed, so the
// event was applied before; otherwise the first reason other than None, or
// "" when err is not a cancelled transaction.
func cancellation(err error) string {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return ""
	}
	for i, r := range tce.CancellationReasons {
		code := aws.ToString(r.Code)
		if i == 0 && code == "ConditionalCheckFailed" {
			return code
		}
		if code != "" && code != "None" && code != "ConditionalCheckFailed" {
			return code
		}
	}
	return ""
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Get implements counter.Reader with BatchGetItem, at most 100 keys a call,
// retrying the keys DynamoDB leaves unprocessed. The reads are eventually
// consistent: the counters lag the events anyway.
func (c *Counters) Get(ctx context.Context, names ...string) (map[string]int64, error) {
	values := make(map[string]int64, len(names))
	seen := make(map[string]bool, len(names))
	keys := make([]map[string]types.AttributeValue, 0, min(len(names), maxBatchGetKeys))
	for _, name := range names {
		if seen[name] {
			continue // BatchGetItem refuses a key asked for twice
		}
		seen[name] = true
		keys = append(keys, counterKey(name))
		if len(keys) == maxBatchGetKeys {
			if err := c.batchGet(ctx, keys, values); err != nil {
				return nil, err
			}
			keys = nil
		}
	}
	if len(keys) > 0 {
		if err := c.batchGet(ctx, keys, values); err != nil {
			return nil, err
		}
	}
	return values, nil
}

func (c *Counters) batchGet(ctx context.Context, keys []map[string]types.AttributeValue, into map[string]int64) error {
	req := map[string]types.KeysAndAttributes{c.counters: {
		Keys:                     keys,
		ProjectionExpression:     aws.String("#name, #value"),
		ExpressionAttributeNames: map[string]string{"#name": attrName, "#value": attrValue},
	}}
	for attempt := 0; ; attempt++ {
		out, err := c.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return fmt.Errorf("dynamo.GetCounters: %w", err)
		}
		for _, item := range out.Responses[c.counters] {
			name, ok := item[attrName].(*types.AttributeValueMemberS)
			if !ok {
				return errors.New("dynamo.GetCounters: an item has no name")
			}
			v, err := counterValue(item)
			if err != nil {
				return fmt.Errorf("dynamo.GetCounters %s: %w", name.Value, err)
			}
			into[name.Value] = v
		}
		if len(out.UnprocessedKeys[c.counters].Keys) == 0 {
			return nil
		}
		if attempt == maxUnprocessedRetries {
			return fmt.Errorf("dynamo.GetCounters: %d keys left unprocessed", len(out.UnprocessedKeys[c.counters].Keys))
		}
		req = out.UnprocessedKeys
		// DynamoDB leaves keys unprocessed when it throttles: back off.
		if err := sleep(ctx, c.backoff(attempt)); err != nil {
			return fmt.Errorf("dynamo.GetCounters: %w", err)
		}
	}
}

// Value implements counter.ValueReader with one GetItem, eventually
// consistent.
func (c *Counters) Value(ctx context.Context, name string) (int64, error) {
	out, err := c.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                &c.counters,
		Key:                      counterKey(name),
		ProjectionExpression:     aws.String("#value"),
		ExpressionAttributeNames: map[string]string{"#value": attrValue},
	})
	if err != nil {
		return 0, fmt.Errorf("dynamo.CounterValue %s: %w", name, err)
	}
	if out.Item == nil {
		return 0, nil
	}
	v, err := counterValue(out.Item)
	if err != nil {
		return 0, fmt.Errorf("dynamo.CounterValue %s: %w", name, err)
	}
	return v, nil
}

// jittered is the wait before retry attempt+1: from 25 ms doubling, each
// wait picked at random from its upper half so that writers which
// conflicted once do not meet again.
func jittered(attempt int) time.Duration {
	d := time.Duration(25<<attempt) * time.Millisecond
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
