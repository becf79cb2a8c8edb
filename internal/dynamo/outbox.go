package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/eventboard/eventboard/internal/outbox"
)

var _ outbox.Store = (*Outbox)(nil)

// OutboxAPI is the part of the DynamoDB client Outbox uses.
type OutboxAPI interface {
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// Outbox is outbox.Store on a table keyed by eventId, with a global
// secondary index (shard, createdAt) that lists pending records oldest
// first. Records are written by the stores that make the changes, in the
// same transaction (see Outbox.Put).
type Outbox struct {
	db    OutboxAPI
	table string
	index string
}

// NewOutbox returns the outbox on table and its pending index.
func NewOutbox(db OutboxAPI, table, index string) (*Outbox, error) {
	if db == nil || table == "" || index == "" {
		return nil, errors.New("dynamo.NewOutbox: client, table and index are required")
	}
	return &Outbox{db: db, table: table, index: index}, nil
}

// pendingShard is the one partition of the pending index. The outbox holds
// only what is in flight, so one partition is plenty.
const pendingShard = "pending"

// outboxTime is fixed-width, so createdAt sorts as text in time order.
const outboxTime = "2006-01-02T15:04:05.000000000Z"

type outboxItem struct {
	EventID       string `dynamodbav:"eventId"`
	Shard         string `dynamodbav:"shard"`
	CreatedAt     string `dynamodbav:"createdAt"`
	Source        string `dynamodbav:"source"`
	DetailType    string `dynamodbav:"detailType"`
	Detail        string `dynamodbav:"detail"`
	OccurredAt    string `dynamodbav:"occurredAt"`
	CorrelationID string `dynamodbav:"correlationId,omitempty"`
}

// Put returns the transaction item that records r, for a store to write in
// the same TransactWriteItems as the change r describes.
func (o *Outbox) Put(r outbox.Record) (types.TransactWriteItem, error) {
	item, err := attributevalue.MarshalMap(outboxItem{
		EventID:       r.EventID,
		Shard:         pendingShard,
		CreatedAt:     r.OccurredAt.UTC().Format(outboxTime),
		Source:        r.Source,
		DetailType:    r.DetailType,
		Detail:        string(r.Detail),
		OccurredAt:    r.OccurredAt.UTC().Format(time.RFC3339Nano),
		CorrelationID: r.CorrelationID,
	})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("dynamo.Outbox.Put %s: %w", r.EventID, err)
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName:                &o.table,
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#id)"),
		ExpressionAttributeNames: map[string]string{"#id": "eventId"},
	}}, nil
}

// Pending implements outbox.Store with one Query of the pending index.
func (o *Outbox) Pending(ctx context.Context, olderThan time.Time, limit int) ([]outbox.Record, error) {
	out, err := o.db.Query(ctx, &dynamodb.QueryInput{
		TableName:              &o.table,
		IndexName:              &o.index,
		KeyConditionExpression: aws.String("#shard = :shard AND #createdAt < :cutoff"),
		ExpressionAttributeNames: map[string]string{
			"#shard":     "shard",
			"#createdAt": "createdAt",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":shard":  &types.AttributeValueMemberS{Value: pendingShard},
			":cutoff": &types.AttributeValueMemberS{Value: olderThan.UTC().Format(outboxTime)},
		},
		ScanIndexForward: aws.Bool(true),
		Limit:            aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, fmt.Errorf("dynamo.Outbox.Pending: %w", err)
	}
	records := make([]outbox.Record, 0, len(out.Items))
	for _, item := range out.Items {
		var it outboxItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("dynamo.Outbox.Pending: %w", err)
		}
		occurred, err := time.Parse(time.RFC3339Nano, it.OccurredAt)
		if err != nil {
			return nil, fmt.Errorf("dynamo.Outbox.Pending %s: %w", it.EventID, err)
		}
		records = append(records, outbox.Record{
			EventID: it.EventID, Source: it.Source, DetailType: it.DetailType,
			Detail: []byte(it.Detail), OccurredAt: occurred, CorrelationID: it.CorrelationID,
		})
	}
	return records, nil
}

// Delete implements outbox.Store.
func (o *Outbox) Delete(ctx context.Context, eventIDs ...string) error {
	var errs []error
	for _, id := range eventIDs {
		_, err := o.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName: &o.table,
			Key:       map[string]types.AttributeValue{"eventId": &types.AttributeValueMemberS{Value: id}},
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("dynamo.Outbox.Delete %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}
