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

	"github.com/eventboard/eventboard/internal/auth"
)

var _ auth.Revocations = (*Revocations)(nil)

// RevocationsAPI is the part of the DynamoDB client Revocations uses.
type RevocationsAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

// Revocations is auth.Revocations on a table keyed by pk, with TTL on
// expiresAt: "session#<origin_jti>" items revoke one sign-in,
// "user#<sub>" items hold when the user last signed out everywhere.
type Revocations struct {
	db    RevocationsAPI
	table string
	now   func() time.Time
}

// NewRevocations returns the store on table.
func NewRevocations(db RevocationsAPI, table string) (*Revocations, error) {
	if db == nil || table == "" {
		return nil, errors.New("dynamo.NewRevocations: client and table are required")
	}
	return &Revocations{db: db, table: table, now: time.Now}, nil
}

const (
	attrPK        = "pk"
	attrExpiresAt = "expiresAt"
	// attrSignedOutMs is when the user last signed out everywhere, in Unix
	// milliseconds: a token's iat is in whole seconds, and one issued in the
	// second of a sign-out must count as before it.
	attrSignedOutMs = "signedOutAtMs"
	// attrSignedOut is the same in seconds, as written before
	// attrSignedOutMs; still read until such records expire.
	attrSignedOut = "signedOutAt"
)

// RevokeSession implements auth.Revocations.
func (r *Revocations) RevokeSession(ctx context.Context, originJTI string, until time.Time) error {
	_, err := r.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &r.table,
		Item: map[string]types.AttributeValue{
			attrPK:        &types.AttributeValueMemberS{Value: "session#" + originJTI},
			attrExpiresAt: epoch(until),
		},
	})
	if err != nil {
		return fmt.Errorf("dynamo.RevokeSession: %w", err)
	}
	return nil
}

// RevokeUser implements auth.Revocations, to the millisecond. A later
// sign-out wins over an earlier one whatever order they arrive in.
func (r *Revocations) RevokeUser(ctx context.Context, sub string, at, until time.Time) error {
	_, err := r.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &r.table,
		Key:                 map[string]types.AttributeValue{attrPK: &types.AttributeValueMemberS{Value: "user#" + sub}},
		UpdateExpression:    aws.String("SET #at = :at, #exp = :exp"),
		ConditionExpression: aws.String("attribute_not_exists(#at) OR #at < :at"),
		ExpressionAttributeNames: map[string]string{
			"#at":  attrSignedOutMs,
			"#exp": attrExpiresAt,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at":  &types.AttributeValueMemberN{Value: strconv.FormatInt(at.UnixMilli(), 10)},
			":exp": epoch(until),
		},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("dynamo.RevokeUser: %w", err)
	}
	return nil
}

// IsRevoked implements auth.Revocations with one BatchGetItem of both keys.
// Items past expiresAt that DynamoDB's TTL sweep has not removed yet are
// ignored.
func (r *Revocations) IsRevoked(ctx context.Context, s auth.Session) (bool, error) {
	keys := []map[string]types.AttributeValue{
		{attrPK: &types.AttributeValueMemberS{Value: "user#" + s.Sub}},
	}
	if s.OriginJTI != "" {
		keys = append(keys, map[string]types.AttributeValue{attrPK: &types.AttributeValueMemberS{Value: "session#" + s.OriginJTI}})
	}
	req := map[string]types.KeysAndAttributes{r.table: {Keys: keys, ConsistentRead: aws.Bool(true)}}
	now := r.now().Unix()
	for range 5 { // UnprocessedKeys are rare; retry them a few times
		out, err := r.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return false, fmt.Errorf("dynamo.IsRevoked: %w", err)
		}
		for _, item := range out.Responses[r.table] {
			if number(item[attrExpiresAt]) <= now {
				continue
			}
			pk, _ := item[attrPK].(*types.AttributeValueMemberS)
			switch {
			case pk == nil:
			case pk.Value == "session#"+s.OriginJTI:
				return true, nil
			case s.IssuedAt.UnixMilli() < number(item[attrSignedOutMs]), s.IssuedAt.Unix() < number(item[attrSignedOut]):
				return true, nil
			}
		}
		if len(out.UnprocessedKeys) == 0 {
			return false, nil
		}
		req = out.UnprocessedKeys
	}
	return false, errors.New("dynamo.IsRevoked: keys left unprocessed")
}

func epoch(t time.Time) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}
}

func number(v types.AttributeValue) int64 {
	n, ok := v.(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	i, _ := strconv.ParseInt(n.Value, 10, 64)
	return i
}
