package dynamo

import (
	"context"
	"math"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Units are the capacity units DynamoDB reports a call consumed: on an
// on-demand table, the read and write request units it bills.
type Units struct {
	Read  float64
	Write float64
}

// Tally adds up the capacity the DynamoDB calls made under one context
// consumed (see WithTally). It is safe for concurrent use.
type Tally struct {
	mu    sync.Mutex
	units Units
	calls int
}

// Units returns the units consumed so far and the number of calls.
func (t *Tally) Units() (Units, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.units, t.calls
}

func (t *Tally) add(u Units) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.units.Read += u.Read
	t.units.Write += u.Write
	t.calls++
}

type tallyKey struct{}

// WithTally returns a context under which every call of a client from
// NewClient (or with ConsumedCapacity installed) adds what it consumed to
// the returned tally: what one request or one event costs.
func WithTally(ctx context.Context) (context.Context, *Tally) {
	t := &Tally{}
	return context.WithValue(ctx, tallyKey{}, t), t
}

// ConsumedCapacity is a dynamodb.Options function that makes every call
// ask DynamoDB for its consumed capacity (ReturnConsumedCapacity TOTAL,
// which costs nothing) and adds what the call is billed (see billed) to the
// tally of the call's context, if it has one. NewClient installs it.
func ConsumedCapacity(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("eventboardConsumedCapacity", recordCapacity), middleware.After)
	})
}

func recordCapacity(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	askForCapacity(in.Parameters)
	out, md, err := next.HandleInitialize(ctx, in)
	if t, ok := ctx.Value(tallyKey{}).(*Tally); ok && err == nil {
		t.add(billed(in.Parameters, consumed(out.Result)))
	}
	return out, md, err
}

// billed is what DynamoDB bills for a call that reported u, near enough to
// hold on DynamoDB Local too. A key read or a query costs at least half a
// read unit (a whole one if consistent) even when it finds nothing, which
// DynamoDB Local reports as 0. A transaction writes each item twice, two
// write units per KB, which is what it is counted at here: DynamoDB Local
// reports a flat 4 units per table and index whatever the transaction
// holds. Writes to the indexes of a transaction's tables are not in this
// figure (package costmodel adds them).
func billed(params any, u Units) Units {
	perKey := func(consistent *bool) float64 {
		if aws.ToBool(consistent) {
			return 1
		}
		return 0.5
	}
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		u.Read = max(u.Read, perKey(in.ConsistentRead))
	case *dynamodb.QueryInput:
		u.Read = max(u.Read, perKey(in.ConsistentRead))
	case *dynamodb.BatchGetItemInput:
		least := 0.0
		for _, ka := range in.RequestItems {
			least += float64(len(ka.Keys)) * perKey(ka.ConsistentRead)
		}
		u.Read = max(u.Read, least)
	case *dynamodb.TransactWriteItemsInput:
		u.Write = 0
		for _, item := range in.TransactItems {
			kb := 1.0
			if item.Put != nil {
				kb = math.Ceil(float64(itemSize(item.Put.Item)) / 1024)
			}
			u.Write += 2 * kb
		}
	}
	return u
}

// itemSize is an item's size as DynamoDB counts it, near enough: the
// lengths of the attribute names and values.
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for name, v := range item {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return (len(v.Value)+1)/2 + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberM:
		return 3 + itemSize(v.Value)
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberSS:
		n := 0
		for _, e := range v.Value {
			n += len(e)
		}
		return n
	default:
		return 1
	}
}

// askForCapacity sets ReturnConsumedCapacity on the inputs of every call
// the adapters make that reports capacity.
func askForCapacity(params any) {
	total := types.ReturnConsumedCapacityTotal
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.PutItemInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.UpdateItemInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.DeleteItemInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.QueryInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.ScanInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.BatchGetItemInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.BatchWriteItemInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.TransactGetItemsInput:
		in.ReturnConsumedCapacity = total
	case *dynamodb.TransactWriteItemsInput:
		in.ReturnConsumedCapacity = total
	}
}

// consumed reads the capacity from a call's output.
func consumed(result any) Units {
	var ccs []types.ConsumedCapacity
	switch out := result.(type) {
	case *dynamodb.GetItemOutput:
		ccs = one(out.ConsumedCapacity)
	case *dynamodb.PutItemOutput:
		ccs = one(out.ConsumedCapacity)
	case *dynamodb.UpdateItemOutput:
		ccs = one(out.ConsumedCapacity)
	case *dynamodb.DeleteItemOutput:
		ccs = one(out.ConsumedCapacity)
	case *dynamodb.QueryOutput:
		ccs = one(out.ConsumedCapacity)
	case *dynamodb.ScanOutput:
		ccs = one(out.ConsumedCapacity)
	case *dynamodb.BatchGetItemOutput:
		ccs = out.ConsumedCapacity
	case *dynamodb.BatchWriteItemOutput:
		ccs = out.ConsumedCapacity
	case *dynamodb.TransactGetItemsOutput:
		ccs = out.ConsumedCapacity
	case *dynamodb.TransactWriteItemsOutput:
		ccs = out.ConsumedCapacity
	}
	var u Units
	for _, cc := range ccs {
		r, w := aws.ToFloat64(cc.ReadCapacityUnits), aws.ToFloat64(cc.WriteCapacityUnits)
		if r == 0 && w == 0 {
			// Some answers give only the total: a read call's is reads.
			switch result.(type) {
			case *dynamodb.GetItemOutput, *dynamodb.QueryOutput, *dynamodb.ScanOutput, *dynamodb.BatchGetItemOutput, *dynamodb.TransactGetItemsOutput:
				r = aws.ToFloat64(cc.CapacityUnits)
			default:
				w = aws.ToFloat64(cc.CapacityUnits)
			}
		}
		u.Read += r
		u.Write += w
	}
	return u
}

func one(cc *types.ConsumedCapacity) []types.ConsumedCapacity {
	if cc == nil {
		return nil
	}
	return []types.ConsumedCapacity{*cc}
}
