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

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/outbox"
)

var _ auth.Members = (*Members)(nil)

// MembersAPI is the part of the DynamoDB client Members uses.
type MembersAPI interface {
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Members is auth.Members on a table keyed by sub.
type Members struct {
	db     MembersAPI
	table  string
	outbox *Outbox
}

// NewMembers returns the store on table, recording events in outbox.
func NewMembers(db MembersAPI, table string, outbox *Outbox) (*Members, error) {
	if db == nil || table == "" || outbox == nil {
		return nil, errors.New("dynamo.NewMembers: client, table and outbox are required")
	}
	return &Members{db: db, table: table, outbox: outbox}, nil
}

type memberItem struct {
	Sub         string    `dynamodbav:"sub"`
	Username    string    `dynamodbav:"username"`
	Email       string    `dynamodbav:"email"`
	ConfirmedAt time.Time `dynamodbav:"confirmedAt"`
}

// Add implements auth.Members with a put that fails if the sub exists,
// in one transaction with the event's outbox record.
func (s *Members) Add(ctx context.Context, m auth.Member, ev outbox.Record) (bool, error) {
	item, err := attributevalue.MarshalMap(memberItem(m))
	if err != nil {
		return false, fmt.Errorf("dynamo.AddMember %s: %w", m.Sub, err)
	}
	rec, err := s.outbox.Put(ev)
	if err != nil {
		return false, err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{
			TableName:                &s.table,
			Item:                     item,
			ConditionExpression:      aws.String("attribute_not_exists(#sub)"),
			ExpressionAttributeNames: map[string]string{"#sub": "sub"},
		}},
		rec,
	}})
	if isCancelledByCondition(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("dynamo.AddMember %s: %w", m.Sub, err)
	}
	return true, nil
}
