package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/auth"
)

var _ auth.Members = (*Members)(nil)

// MembersAPI is the part of the DynamoDB client Members uses.
type MembersAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// Members is auth.Members on a table keyed by sub.
type Members struct {
	db    MembersAPI
	table string
}

// NewMembers returns the store on table.
func NewMembers(db MembersAPI, table string) (*Members, error) {
	if db == nil || table == "" {
		return nil, errors.New("dynamo.NewMembers: client and table are required")
	}
	return &Members{db: db, table: table}, nil
}

type memberItem struct {
	Sub         string    `dynamodbav:"sub"`
	Username    string    `dynamodbav:"username"`
	Email       string    `dynamodbav:"email"`
	ConfirmedAt time.Time `dynamodbav:"confirmedAt"`
}

// Add implements auth.Members with a put that fails if the sub exists.
func (s *Members) Add(ctx context.Context, m auth.Member) (bool, error) {
	item, err := attributevalue.MarshalMap(memberItem(m))
	if err != nil {
		return false, fmt.Errorf("dynamo.AddMember %s: %w", m.Sub, err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                &s.table,
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#sub)"),
		ExpressionAttributeNames: map[string]string{"#sub": "sub"},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("dynamo.AddMember %s: %w", m.Sub, err)
	}
	return true, nil
}
