package dynamo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// kumo reports no consumed capacity, so what the tally records on it is
// the least DynamoDB bills for each call, and transactions by their rule.
func TestTallyRecordsTheLeastDynamoDBBillsKumo(t *testing.T) {
	srv := emulator.NewKumo()
	t.Cleanup(srv.Close)
	t.Parallel()
	db := dynamodb.NewFromConfig(emulator.Config(), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
	}, dynamo.ConsumedCapacity)
	table, _ := newTable(t, db, "CounterTable")
	key := func(name string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"name": &types.AttributeValueMemberS{Value: name}}
	}
	put := func(name string, size int) types.TransactWriteItem {
		item := key(name)
		item["pad"] = &types.AttributeValueMemberS{Value: strings.Repeat("x", size)}
		return types.TransactWriteItem{Put: &types.Put{TableName: &table, Item: item}}
	}
	for _, tc := range []struct {
		name  string
		call  func(ctx context.Context) error
		want  dynamo.Units
		calls int
	}{
		{"absent item, eventually consistent", func(ctx context.Context) error {
			_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key("a")})
			return err
		}, dynamo.Units{Read: 0.5}, 1},
		{"absent item, consistent", func(ctx context.Context) error {
			_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key("a"), ConsistentRead: aws.Bool(true)})
			return err
		}, dynamo.Units{Read: 1}, 1},
		{"three keys in a batch", func(ctx context.Context) error {
			_, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				table: {Keys: []map[string]types.AttributeValue{key("a"), key("b"), key("c")}},
			}})
			return err
		}, dynamo.Units{Read: 1.5}, 1},
		{"a transaction of a small and a 2.5 KB item", func(ctx context.Context) error {
			_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put("s", 10), put("l", 2500)}})
			return err
		}, dynamo.Units{Write: 2 + 2*3}, 1},
		{"two calls add up", func(ctx context.Context) error {
			for range 2 {
				if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key("a")}); err != nil {
					return err
				}
			}
			return nil
		}, dynamo.Units{Read: 1}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, tally := dynamo.WithTally(context.Background())
			if err := tc.call(ctx); err != nil {
				t.Fatal(err)
			}
			if got, calls := tally.Units(); got != tc.want || calls != tc.calls {
				t.Errorf("tally = %+v after %d calls, want %+v after %d", got, calls, tc.want, tc.calls)
			}
		})
	}
	// Without a tally in the context, nothing is recorded and nothing fails.
	if _, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &table, Key: key("a")}); err != nil {
		t.Fatal(err)
	}
}
