package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/eventboard/eventboard/internal/clock"
	"github.com/eventboard/eventboard/internal/counter"
)

// Folding closed days. A day counter takes every PostCreated of its day, so
// it is sharded like the totals while the day is open; once the day is
// closed, only a PostDeleted of one of its posts changes it, rarely enough
// for one item. The worker then writes its deltas to shard 0 only, and
// FoldClosedDays moves what the other shards hold into shard 0 and deletes
// them, so that GET /api/stats reads one item per closed day.
//
// The fold marker, an item of the Counter table named foldMarker, says
// which days are folded: every day from its "from" through its "through"
// (YYYY-MM-DD) has no shard but shard 0, and none is written again. Readers
// trust shard 0 alone only for those days.

// foldMarker names the fold marker's item. It is no counter's name.
const foldMarker = "folded#posts#day"

// foldGrace is how long after a day closes FoldClosedDays waits before it
// folds it: a transaction that picked one of the day's shards while the day
// was open has long committed or failed by then (a Lambda function runs 15
// minutes at most, the worker 10 s), even on a clock a little behind.
const foldGrace = 15 * time.Minute

// foldRetryAfter is how long a process waits after a failed fold before it
// tries again; reads stay exact meanwhile, only dearer.
const foldRetryAfter = time.Minute

// lastClosedDay is the most recent day closed at now: the day before
// yesterday (UTC). Today's and yesterday's counters still take every
// event of their day, and late ones (the queue, the outbox sweeper, a
// replay) land on any shard.
func lastClosedDay(now time.Time) time.Time {
	return now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -2)
}

// isClosedDay reports whether name is the day counter of a day no later
// than closedThrough.
func isClosedDay(name string, closedThrough time.Time) bool {
	day, ok := counter.DayOf(name)
	return ok && !day.After(closedThrough)
}

// dayRange is the days from..through, both included; the zero range holds
// none.
type dayRange struct{ from, through time.Time }

func (r dayRange) covers(day time.Time) bool {
	return !r.from.IsZero() && !day.Before(r.from) && !day.After(r.through)
}

// foldedDays reads the fold marker's item; a nil item (no fold ran yet) is
// the empty range.
func foldedDays(item map[string]types.AttributeValue) (dayRange, error) {
	if item == nil {
		return dayRange{}, nil
	}
	from, errFrom := dateAttr(item, attrFrom)
	through, errThrough := dateAttr(item, attrThrough)
	if err := errors.Join(errFrom, errThrough); err != nil {
		return dayRange{}, fmt.Errorf("fold marker: %w", err)
	}
	return dayRange{from: from, through: through}, nil
}

func dateAttr(item map[string]types.AttributeValue, name string) (time.Time, error) {
	s, ok := item[name].(*types.AttributeValueMemberS)
	if !ok {
		return time.Time{}, fmt.Errorf("%s is not a string", name)
	}
	return time.Parse(counter.DateLayout, s.Value)
}

// FoldClosedDays folds, for every closed day of the last counter.StatsDays
// (and any day since the last fold), the day counter's shards 1 to 7 into
// shard 0, and then moves the fold marker on: after it, GET /api/stats
// reads one item per closed day. A day is folded once it has been closed for
// foldGrace.
//
// A day's shards move in one transaction that adds their values to shard 0
// and deletes each on condition that its value is still the one read; a
// shard that changed, or that another fold moved first, cancels the
// transaction, and the day is read and tried again. So nothing is lost or counted twice,
// whatever runs at the same time. Sweeping the whole window each day also
// puts right a shard written against the rules (by a worker of a version
// before folding, say).
//
// It is cheap to call after every batch: a process folds at most once per
// UTC day (the first call that day reads the marker, 0.5 read units; only
// the process that finds it behind folds), calls made while a fold is
// running return at once, and after a failure it waits foldRetryAfter. It
// returns what failed; the counters stay exact without a fold, only dearer
// to read.
func (c *Counters) FoldClosedDays(ctx context.Context) error {
	if !c.folding.TryLock() {
		return nil
	}
	defer c.folding.Unlock()
	now := c.now()
	through := lastClosedDay(now.Add(-foldGrace))
	if !through.After(c.foldedThrough) || now.Before(c.foldRetryAt) {
		return nil
	}
	if err := c.fold(ctx, now, through); err != nil {
		c.foldRetryAt = now.Add(foldRetryAfter)
		return fmt.Errorf("dynamo.Counters.FoldClosedDays through %s: %w", through.Format(counter.DateLayout), err)
	}
	c.foldedThrough = through
	return nil
}

// fold folds the days of the window at now through through, unless the
// marker says they are, and moves the marker on.
func (c *Counters) fold(ctx context.Context, now, through time.Time) error {
	items, err := c.read(ctx, []string{foldMarker})
	if err != nil {
		return err
	}
	folded, err := foldedDays(items[foldMarker])
	if err != nil {
		return err
	}
	if folded.covers(through) {
		return nil
	}
	// The window, and the days since the last fold if it ran before the
	// window began: the marker's days stay one run.
	from := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-counter.StatsDays)
	if next := folded.through.AddDate(0, 0, 1); !folded.from.IsZero() && next.Before(from) {
		from = next
	}
	var days []string
	for d := from; !d.After(through); d = d.AddDate(0, 0, 1) {
		days = append(days, counter.DayPosts(d))
	}
	// Shards 1..7 of as many days as one BatchGetItem takes.
	perCall := maxBatchGetKeys / (counterShards - 1)
	for len(days) > 0 {
		chunk := days[:min(perCall, len(days))]
		days = days[len(chunk):]
		shards, err := c.read(ctx, otherShards(chunk...))
		if err != nil {
			return err
		}
		for _, day := range chunk {
			if err := c.foldDay(ctx, day, shards); err != nil {
				return err
			}
		}
	}
	return c.markFolded(ctx, from, through)
}

// otherShards names shards 1 to 7 of each counter of names.
func otherShards(names ...string) []string {
	out := make([]string, 0, len(names)*(counterShards-1))
	for _, name := range names {
		for s := 1; s < counterShards; s++ {
			out = append(out, shardName(name, s))
		}
	}
	return out
}

// foldDay moves the shards 1..7 of the day counter name found in items
// (read before) into shard 0, in one transaction: shard 0 gains their sum
// and each is deleted on condition that it holds the value read. When the
// condition fails (the shard changed, or another fold moved it) or the
// transaction conflicts, the shards are read again and it tries again.
func (c *Counters) foldDay(ctx context.Context, name string, items map[string]map[string]types.AttributeValue) error {
	for attempt := 0; ; attempt++ {
		tx, err := c.foldItems(name, items)
		if err != nil || len(tx) == 0 {
			return err
		}
		_, err = c.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
		if err == nil {
			return nil
		}
		switch cancellation(err) {
		case "ConditionalCheckFailed", "TransactionConflict", "ThrottlingError":
			if attempt == maxTransactRetries {
				return fmt.Errorf("fold %s: %w", name, err)
			}
		default:
			return fmt.Errorf("fold %s: %w", name, err)
		}
		if err := clock.Sleep(ctx, c.backoff(attempt)); err != nil {
			return err
		}
		if items, err = c.read(ctx, otherShards(name)); err != nil {
			return err
		}
	}
}

// foldItems is the transaction that moves the shards of name found in items
// into shard 0, or none when there is nothing to move.
func (c *Counters) foldItems(name string, items map[string]map[string]types.AttributeValue) ([]types.TransactWriteItem, error) {
	var tx []types.TransactWriteItem
	var sum int64
	for s := 1; s < counterShards; s++ {
		item, ok := items[shardName(name, s)]
		if !ok {
			continue
		}
		v, err := counterValue(item)
		if err != nil {
			return nil, fmt.Errorf("fold %s: %w", shardName(name, s), err)
		}
		sum += v
		del := &types.Delete{
			TableName:                &c.counters,
			Key:                      counterKey(shardName(name, s)),
			ConditionExpression:      aws.String("#value = :read"),
			ExpressionAttributeNames: map[string]string{"#value": attrValue},
		}
		if read, ok := item[attrValue]; ok {
			del.ExpressionAttributeValues = map[string]types.AttributeValue{":read": read}
		} else {
			// An item without a value counts 0 (counterValue); never seen.
			del.ConditionExpression = aws.String("attribute_not_exists(#value)")
		}
		tx = append(tx, types.TransactWriteItem{Delete: del})
	}
	if len(tx) > 0 && sum != 0 {
		tx = append(tx, types.TransactWriteItem{Update: &types.Update{
			TableName:                 &c.counters,
			Key:                       counterKey(name),
			UpdateExpression:          aws.String("ADD #value :by"),
			ExpressionAttributeNames:  map[string]string{"#value": attrValue},
			ExpressionAttributeValues: map[string]types.AttributeValue{":by": &types.AttributeValueMemberN{Value: strconv.FormatInt(sum, 10)}},
		}})
	}
	return tx, nil
}

// markFolded records that the days from..through are folded: through moves
// on (never back), from is kept once set. A marker already further on, set
// by another fold, is left as it is.
func (c *Counters) markFolded(ctx context.Context, from, through time.Time) error {
	_, err := c.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &c.counters,
		Key:                 counterKey(foldMarker),
		UpdateExpression:    aws.String("SET #from = if_not_exists(#from, :from), #through = :through"),
		ConditionExpression: aws.String("attribute_not_exists(#through) OR #through < :through"),
		ExpressionAttributeNames: map[string]string{
			"#from": attrFrom, "#through": attrThrough,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":from":    &types.AttributeValueMemberS{Value: from.Format(counter.DateLayout)},
			":through": &types.AttributeValueMemberS{Value: through.Format(counter.DateLayout)},
		},
	})
	var moved *types.ConditionalCheckFailedException
	if errors.As(err, &moved) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark folded: %w", err)
	}
	return nil
}
