package dynamo

import (
	"context"
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
// which costs nothing) and adds the answer to the tally of the call's
// context, if it has one. NewClient installs it.
func ConsumedCapacity(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("eventboardConsumedCapacity", recordCapacity), middleware.After)
	})
}

func recordCapacity(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	askForCapacity(in.Parameters)
	out, md, err := next.HandleInitialize(ctx, in)
	if t, ok := ctx.Value(tallyKey{}).(*Tally); ok && err == nil {
		t.add(consumed(out.Result))
	}
	return out, md, err
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
