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

	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
)

// Idempotency claims live in the posts table as their own key family:
// id "idem#<author id>#<client key>", with the post's id, the draft's
// digest and expiresAt, which the table's TTL removes. They have no kind,
// so the recency index never lists them.
const (
	claimPrefix   = "idem#"
	attrPostID    = "postId"
	attrDigest    = "digest"
	attrClaimExp  = "expiresAt"
	claimItemSlot = 1 // the claim's place in CreateOnce's transaction
)

// CreateOnce implements post.Store: the post, the claim and the outbox
// record in one transaction, the claim's put conditioned on no live claim
// of its key (an expired one that TTL has not removed yet is overwritten).
func (s *PostStore) CreateOnce(ctx context.Context, p post.Post, ev outbox.Record, c post.Claim) error {
	item, err := marshalPost(p)
	if err != nil {
		return fmt.Errorf("dynamo.PostStore.CreateOnce: %w", err)
	}
	err = s.transact(ctx, ev,
		types.TransactWriteItem{Put: &types.Put{
			TableName:                &s.table,
			Item:                     item,
			ConditionExpression:      aws.String("attribute_not_exists(#id)"),
			ExpressionAttributeNames: map[string]string{"#id": attrID},
		}},
		types.TransactWriteItem{Put: &types.Put{
			TableName: &s.table,
			Item: map[string]types.AttributeValue{
				attrID:       &types.AttributeValueMemberS{Value: claimPrefix + c.Key},
				attrPostID:   &types.AttributeValueMemberS{Value: c.PostID},
				attrDigest:   &types.AttributeValueMemberS{Value: c.Digest},
				attrClaimExp: &types.AttributeValueMemberN{Value: strconv.FormatInt(c.Expires.Unix(), 10)},
			},
			ConditionExpression:      aws.String("attribute_not_exists(#id) OR #exp <= :now"),
			ExpressionAttributeNames: map[string]string{"#id": attrID, "#exp": attrClaimExp},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(time.Now().Unix(), 10)},
			},
		}},
	)
	switch {
	case cancelledAt(err, claimItemSlot):
		prior, rerr := s.claim(ctx, c.Key)
		if rerr != nil {
			return fmt.Errorf("dynamo.PostStore.CreateOnce: %w", rerr)
		}
		return &post.ClaimedError{Claim: prior}
	case isCancelledByCondition(err):
		return post.ErrExists
	case err != nil:
		return fmt.Errorf("dynamo.PostStore.CreateOnce %s: %w", p.ID, err)
	}
	return nil
}

// claim reads the claim of key, consistently.
func (s *PostStore) claim(ctx context.Context, key string) (post.Claim, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            map[string]types.AttributeValue{attrID: &types.AttributeValueMemberS{Value: claimPrefix + key}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return post.Claim{}, fmt.Errorf("read claim: %w", err)
	}
	postID, _ := out.Item[attrPostID].(*types.AttributeValueMemberS)
	digest, _ := out.Item[attrDigest].(*types.AttributeValueMemberS)
	if postID == nil || digest == nil {
		return post.Claim{}, errors.New("read claim: the claim is gone or malformed")
	}
	return post.Claim{Key: key, Digest: digest.Value, PostID: postID.Value, Expires: time.Unix(number(out.Item[attrClaimExp]), 0)}, nil
}

// cancelledAt reports whether err is a transaction cancelled by the
// condition of its item at index i.
func cancelledAt(err error, i int) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) <= i {
		return false
	}
	return aws.ToString(tce.CancellationReasons[i].Code) == "ConditionalCheckFailed"
}
