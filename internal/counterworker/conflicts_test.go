package counterworker_test

import (
	"context"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// conflicts makes a DynamoDB client cancel transactions the way DynamoDB
// does and DynamoDB Local does not: a TransactWriteItems that touches an
// item another TransactWriteItems is still writing is cancelled with
// TransactionCanceledException, reason TransactionConflict on the items
// they share and None on the others, and nothing of it is written.
//
// DynamoDB Local serialises transactions instead (ten writers adding to one
// item in 1,000 transactions saw no cancellation), and finishes one in about
// a millisecond, where DynamoDB's two-phase commit takes tens: so each
// transaction here also holds its items for hold before it is sent, as long
// as a transaction on AWS holds them. Without this a test on DynamoDB Local
// cannot see the contention a burst makes on AWS.
type conflicts struct {
	hold time.Duration

	mu       sync.Mutex
	inFlight map[string]int // item → transactions writing it now

	calls     atomic.Int64 // TransactWriteItems calls
	cancelled atomic.Int64 // of which cancelled here
}

// transactionLatency is how long a transaction holds its items on AWS:
// DynamoDB's TransactWriteItems typically answers in 10–30 ms.
const transactionLatency = 15 * time.Millisecond

func newConflicts() *conflicts {
	return &conflicts{hold: transactionLatency, inFlight: map[string]int{}}
}

// install adds the middleware to a client's stack: an SDK API option.
func (c *conflicts) install(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("injectTransactionConflicts", c.handle), middleware.After)
}

func (c *conflicts) handle(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	tx, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput)
	if !ok {
		return next.HandleInitialize(ctx, in)
	}
	c.calls.Add(1)
	keys := make([]string, len(tx.TransactItems))
	for i, item := range tx.TransactItems {
		keys[i] = itemKey(item)
	}
	c.mu.Lock()
	reasons := make([]types.CancellationReason, len(keys))
	conflict := false
	for i, k := range keys {
		reasons[i].Code = aws.String("None")
		if c.inFlight[k] > 0 {
			reasons[i].Code, reasons[i].Message = aws.String("TransactionConflict"), aws.String("Transaction is ongoing for the item")
			conflict = true
		}
	}
	if !conflict {
		for _, k := range keys {
			c.inFlight[k]++
		}
	}
	c.mu.Unlock()
	if conflict {
		c.cancelled.Add(1)
		return middleware.InitializeOutput{}, middleware.Metadata{}, &types.TransactionCanceledException{
			Message:             aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons"),
			CancellationReasons: reasons,
		}
	}
	defer func() {
		c.mu.Lock()
		for _, k := range keys {
			if c.inFlight[k]--; c.inFlight[k] == 0 {
				delete(c.inFlight, k)
			}
		}
		c.mu.Unlock()
	}()
	time.Sleep(c.hold)
	return next.HandleInitialize(ctx, in)
}

// itemKey names the item a transaction item writes: its table and key. A
// Put names its key among its attributes; the tables here are keyed by
// "name" (counters) or "eventId" (markers).
func itemKey(item types.TransactWriteItem) string {
	var table string
	var key map[string]types.AttributeValue
	switch {
	case item.Put != nil:
		table, key = aws.ToString(item.Put.TableName), pick(item.Put.Item, "name", "eventId")
	case item.Update != nil:
		table, key = aws.ToString(item.Update.TableName), item.Update.Key
	case item.Delete != nil:
		table, key = aws.ToString(item.Delete.TableName), item.Delete.Key
	case item.ConditionCheck != nil:
		table, key = aws.ToString(item.ConditionCheck.TableName), item.ConditionCheck.Key
	}
	parts := []string{table}
	for name, v := range key {
		s, _ := v.(*types.AttributeValueMemberS)
		if s != nil {
			parts = append(parts, name+"="+s.Value)
		}
	}
	sort.Strings(parts[1:])
	return strings.Join(parts, "/")
}

func pick(item map[string]types.AttributeValue, names ...string) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{}
	for _, n := range names {
		if v, ok := item[n]; ok {
			out[n] = v
		}
	}
	return out
}
