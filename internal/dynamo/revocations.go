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
// "user#<sub>" items hold when the user last signed out everywhere,
// "login#<origin_jti>" items hold when a sign-in started, and
// "rotated#<digest>" items name the session a refresh token was rotated
// out of.
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
	// attrSignedOutUs is when the user last signed out everywhere, in Unix
	// microseconds: a token's iat is in whole seconds, and which tokens of
	// the sign-out's second it revokes is decided by when their sign-in
	// started (attrStartedUs).
	attrSignedOutUs = "signedOutAtUs"
	// attrSignedOutMs and attrSignedOut are the same in milliseconds and
	// seconds, as written before attrSignedOutUs; still read until such
	// records expire.
	attrSignedOutMs = "signedOutAtMs"
	attrSignedOut   = "signedOutAt"
	// attrStartedUs is when a sign-in started, in Unix microseconds.
	attrStartedUs = "startedAtUs"
	// A rotated-out refresh token's session: its subject, origin_jti, and
	// when it was rotated (Unix seconds).
	attrSub       = "sub"
	attrOriginJTI = "originJti"
	attrRotatedAt = "rotatedAt"
	attrSuccessor = "sealedSuccessor"
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

// RevokeUser implements auth.Revocations, to the microsecond. A later
// sign-out wins over an earlier one whatever order they arrive in.
func (r *Revocations) RevokeUser(ctx context.Context, sub string, at, until time.Time) error {
	_, err := r.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &r.table,
		Key:                 map[string]types.AttributeValue{attrPK: &types.AttributeValueMemberS{Value: "user#" + sub}},
		UpdateExpression:    aws.String("SET #at = :at, #exp = :exp"),
		ConditionExpression: aws.String("attribute_not_exists(#at) OR #at < :at"),
		ExpressionAttributeNames: map[string]string{
			"#at":  attrSignedOutUs,
			"#exp": attrExpiresAt,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at":  &types.AttributeValueMemberN{Value: strconv.FormatInt(at.UnixMicro(), 10)},
			":exp": epoch(until),
		},
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("dynamo.RevokeUser: %w", err)
	}
	return nil
}

// SessionStarted implements auth.Revocations.
func (r *Revocations) SessionStarted(ctx context.Context, originJTI string, at, until time.Time) error {
	_, err := r.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &r.table,
		Item: map[string]types.AttributeValue{
			attrPK:        &types.AttributeValueMemberS{Value: "login#" + originJTI},
			attrStartedUs: &types.AttributeValueMemberN{Value: strconv.FormatInt(at.UnixMicro(), 10)},
			attrExpiresAt: epoch(until),
		},
	})
	if err != nil {
		return fmt.Errorf("dynamo.SessionStarted: %w", err)
	}
	return nil
}

// RecordRotation implements auth.Revocations.
func (r *Revocations) RecordRotation(ctx context.Context, tokenDigest string, rot auth.Rotation, until time.Time) error {
	item := map[string]types.AttributeValue{
		attrPK:        &types.AttributeValueMemberS{Value: "rotated#" + tokenDigest},
		attrSub:       &types.AttributeValueMemberS{Value: rot.Sub},
		attrOriginJTI: &types.AttributeValueMemberS{Value: rot.OriginJTI},
		attrRotatedAt: epoch(rot.IssuedAt),
		attrExpiresAt: epoch(until),
	}
	if rot.SealedSuccessor != "" {
		item[attrSuccessor] = &types.AttributeValueMemberS{Value: rot.SealedSuccessor}
	}
	_, err := r.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &r.table, Item: item})
	if err != nil {
		return fmt.Errorf("dynamo.RecordRotation: %w", err)
	}
	return nil
}

// RotatedFrom implements auth.Revocations.
func (r *Revocations) RotatedFrom(ctx context.Context, tokenDigest string) (auth.Rotation, bool, error) {
	items, err := r.get(ctx, []string{"rotated#" + tokenDigest})
	if err != nil {
		return auth.Rotation{}, false, fmt.Errorf("dynamo.RotatedFrom: %w", err)
	}
	item := items["rotated#"+tokenDigest]
	if item == nil {
		return auth.Rotation{}, false, nil
	}
	sub, _ := item[attrSub].(*types.AttributeValueMemberS)
	origin, _ := item[attrOriginJTI].(*types.AttributeValueMemberS)
	if sub == nil || origin == nil {
		return auth.Rotation{}, false, nil
	}
	rot := auth.Rotation{Session: auth.Session{Sub: sub.Value, OriginJTI: origin.Value, IssuedAt: time.Unix(number(item[attrRotatedAt]), 0)}}
	if sealed, ok := item[attrSuccessor].(*types.AttributeValueMemberS); ok {
		rot.SealedSuccessor = sealed.Value
	}
	return rot, true, nil
}

// IsRevoked implements auth.Revocations with one BatchGetItem of the
// session's and the user's records, and a second one of the sign-in's start
// only for a token issued in the second of the user's last sign-out. Items
// past expiresAt that DynamoDB's TTL sweep has not removed yet are ignored.
func (r *Revocations) IsRevoked(ctx context.Context, s auth.Session) (bool, error) {
	keys := []string{"user#" + s.Sub}
	if s.OriginJTI != "" {
		keys = append(keys, "session#"+s.OriginJTI)
	}
	items, err := r.get(ctx, keys)
	if err != nil {
		return false, fmt.Errorf("dynamo.IsRevoked: %w", err)
	}
	if s.OriginJTI != "" && items["session#"+s.OriginJTI] != nil {
		return true, nil
	}
	signedOut := signedOutAt(items["user#"+s.Sub])
	if !auth.SameSecondAsSignOut(s, signedOut) || s.OriginJTI == "" {
		return auth.RevokedBySignOut(s, signedOut, time.Time{}), nil
	}
	items, err = r.get(ctx, []string{"login#" + s.OriginJTI})
	if err != nil {
		return false, fmt.Errorf("dynamo.IsRevoked: %w", err)
	}
	var started time.Time
	if item := items["login#"+s.OriginJTI]; item != nil {
		started = time.UnixMicro(number(item[attrStartedUs]))
	}
	return auth.RevokedBySignOut(s, signedOut, started), nil
}

// signedOutAt reads a user's last sign-out from item, in whichever
// precision it was written; zero when there is none.
func signedOutAt(item map[string]types.AttributeValue) time.Time {
	switch {
	case item == nil:
		return time.Time{}
	case item[attrSignedOutUs] != nil:
		return time.UnixMicro(number(item[attrSignedOutUs]))
	case item[attrSignedOutMs] != nil:
		return time.UnixMilli(number(item[attrSignedOutMs]))
	case item[attrSignedOut] != nil:
		return time.Unix(number(item[attrSignedOut]), 0)
	}
	return time.Time{}
}

// get reads the items of keys with consistent reads, by pk, leaving out
// those past their expiry.
func (r *Revocations) get(ctx context.Context, keys []string) (map[string]map[string]types.AttributeValue, error) {
	ks := make([]map[string]types.AttributeValue, 0, len(keys))
	for _, k := range keys {
		ks = append(ks, map[string]types.AttributeValue{attrPK: &types.AttributeValueMemberS{Value: k}})
	}
	req := map[string]types.KeysAndAttributes{r.table: {Keys: ks, ConsistentRead: aws.Bool(true)}}
	now := r.now().Unix()
	found := map[string]map[string]types.AttributeValue{}
	for range 5 { // UnprocessedKeys are rare; retry them a few times
		out, err := r.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, err
		}
		for _, item := range out.Responses[r.table] {
			pk, _ := item[attrPK].(*types.AttributeValueMemberS)
			if pk == nil || number(item[attrExpiresAt]) <= now {
				continue
			}
			found[pk.Value] = item
		}
		if len(out.UnprocessedKeys) == 0 {
			return found, nil
		}
		req = out.UnprocessedKeys
	}
	return nil, errors.New("keys left unprocessed")
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
