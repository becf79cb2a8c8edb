package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
)

var _ post.Store = (*PostStore)(nil)

// API is the part of the DynamoDB client the adapters use.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// postKind is the partition key of the recency index: every post is in one
// partition, sorted by id, and UUIDv7 ids sort by creation time. One
// partition serves reads and writes far beyond a bulletin board's rate
// (3,000 RCU / 1,000 WCU per second); see docs/design-decisions.md.
const postKind = "POST"

// Attribute names of a post item.
const (
	attrID         = "id"
	attrKind       = "kind"
	attrTitle      = "title"
	attrContent    = "content"
	attrAuthorID   = "authorId"
	attrAuthorName = "authorName"
	attrCreatedAt  = "createdAt"
	attrUpdatedAt  = "updatedAt"
	attrVersion    = "version"
)

// PostStore is a post.Store on a DynamoDB table keyed by id, with a global
// secondary index keyed by (kind, id) for the newest-first listing.
//
// Every change is one TransactWriteItems that also records its event in the
// outbox, so a change is never without its event, nor an event without its
// change.
type PostStore struct {
	db     API
	table  string
	index  string
	outbox *Outbox
}

// NewPostStore returns a store on the given table and recency index,
// recording events in outbox.
func NewPostStore(db API, table, index string, outbox *Outbox) (*PostStore, error) {
	if db == nil || table == "" || index == "" || outbox == nil {
		return nil, errors.New("dynamo.NewPostStore: client, table, index and outbox are required")
	}
	return &PostStore{db: db, table: table, index: index, outbox: outbox}, nil
}

// Create implements post.Store with a put that fails if the id exists.
func (s *PostStore) Create(ctx context.Context, p post.Post, ev outbox.Record) error {
	item, err := marshalPost(p)
	if err != nil {
		return fmt.Errorf("dynamo.CreatePost: %w", err)
	}
	err = s.transact(ctx, ev, types.TransactWriteItem{Put: &types.Put{
		TableName:                &s.table,
		Item:                     item,
		ConditionExpression:      aws.String("attribute_not_exists(#id)"),
		ExpressionAttributeNames: map[string]string{"#id": attrID},
	}})
	if isCancelledByCondition(err) {
		return post.ErrExists
	}
	if err != nil {
		return fmt.Errorf("dynamo.CreatePost %s: %w", p.ID, err)
	}
	return nil
}

// Get implements post.Store with a strongly consistent read, so a client
// sees its own write at once.
func (s *PostStore) Get(ctx context.Context, id string) (post.Post, error) {
	p, err := s.get(ctx, id, true)
	if err != nil {
		return post.Post{}, fmt.Errorf("dynamo.PostStore.Get %s: %w", id, err)
	}
	return p, nil
}

// GetShared implements post.Store with an eventually consistent read: half
// the read units of Get's, and behind the writes by about a second at most.
func (s *PostStore) GetShared(ctx context.Context, id string) (post.Post, error) {
	p, err := s.get(ctx, id, false)
	if err != nil {
		return post.Post{}, fmt.Errorf("dynamo.PostStore.GetShared %s: %w", id, err)
	}
	return p, nil
}

func (s *PostStore) get(ctx context.Context, id string, consistent bool) (post.Post, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            key(id),
		ConsistentRead: aws.Bool(consistent),
	})
	if err != nil {
		return post.Post{}, err
	}
	if out.Item == nil {
		return post.Post{}, post.ErrNotFound
	}
	return unmarshalPost(out.Item)
}

// List implements post.Store with one Query of the recency index. It asks
// for one item more than the page, so it knows whether another page follows
// and never hands out a cursor to an empty page.
func (s *PostStore) List(ctx context.Context, limit int, after string) ([]post.Post, string, error) {
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		IndexName:              &s.index,
		KeyConditionExpression: aws.String("#kind = :kind"),
		ExpressionAttributeNames: map[string]string{
			"#kind": attrKind,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":kind": &types.AttributeValueMemberS{Value: postKind},
		},
		ScanIndexForward: aws.Bool(false),
		Limit:            aws.Int32(int32(limit) + 1),
	}
	if after != "" {
		in.ExclusiveStartKey = map[string]types.AttributeValue{
			attrID:   &types.AttributeValueMemberS{Value: after},
			attrKind: &types.AttributeValueMemberS{Value: postKind},
		}
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo.ListPosts after %q: %w", after, err)
	}
	posts := make([]post.Post, 0, min(len(out.Items), limit))
	for _, item := range out.Items[:min(len(out.Items), limit)] {
		p, err := unmarshalPost(item)
		if err != nil {
			return nil, "", fmt.Errorf("dynamo.ListPosts: %w", err)
		}
		posts = append(posts, p)
	}
	var next string
	if len(out.Items) > limit {
		next = posts[len(posts)-1].ID
	}
	return posts, next, nil
}

// Update implements post.Store with one conditional update in a
// transaction with the event: it applies only if the post exists, is the
// author's and is at expectedVersion.
func (s *PostStore) Update(ctx context.Context, p post.Post, expectedVersion int, ev outbox.Record) error {
	err := s.transact(ctx, ev, types.TransactWriteItem{Update: &types.Update{
		TableName:           &s.table,
		Key:                 key(p.ID),
		UpdateExpression:    aws.String("SET #title = :title, #content = :content, #updatedAt = :updatedAt, #version = :version"),
		ConditionExpression: aws.String("attribute_exists(#id) AND #authorId = :authorId AND #version = :expected"),
		ExpressionAttributeNames: map[string]string{
			"#id":        attrID,
			"#title":     attrTitle,
			"#content":   attrContent,
			"#updatedAt": attrUpdatedAt,
			"#version":   attrVersion,
			"#authorId":  attrAuthorID,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":title":     &types.AttributeValueMemberS{Value: p.Title},
			":content":   &types.AttributeValueMemberS{Value: p.Content},
			":updatedAt": &types.AttributeValueMemberS{Value: p.UpdatedAt.UTC().Format(time.RFC3339Nano)},
			":version":   &types.AttributeValueMemberN{Value: strconv.Itoa(p.Version)},
			":authorId":  &types.AttributeValueMemberS{Value: p.AuthorID},
			":expected":  &types.AttributeValueMemberN{Value: strconv.Itoa(expectedVersion)},
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}})
	if isCancelledByCondition(err) {
		return s.whyRefused(ctx, err, p.ID, p.AuthorID)
	}
	if err != nil {
		return fmt.Errorf("dynamo.UpdatePost %s: %w", p.ID, err)
	}
	return nil
}

// Delete implements post.Store with one conditional delete in a
// transaction with the event: it applies only if the post exists, is the
// author's and is at version.
func (s *PostStore) Delete(ctx context.Context, id, authorID string, version int, ev outbox.Record) error {
	err := s.transact(ctx, ev, types.TransactWriteItem{Delete: &types.Delete{
		TableName:           &s.table,
		Key:                 key(id),
		ConditionExpression: aws.String("attribute_exists(#id) AND #authorId = :authorId AND #version = :version"),
		ExpressionAttributeNames: map[string]string{
			"#id":       attrID,
			"#authorId": attrAuthorID,
			"#version":  attrVersion,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":authorId": &types.AttributeValueMemberS{Value: authorID},
			":version":  &types.AttributeValueMemberN{Value: strconv.Itoa(version)},
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}})
	if isCancelledByCondition(err) {
		return s.whyRefused(ctx, err, id, authorID)
	}
	if err != nil {
		return fmt.Errorf("dynamo.DeletePost %s: %w", id, err)
	}
	return nil
}

// transact writes change (and more items, if any) and the outbox record of
// ev in one transaction. The change is the transaction's first item, so its
// cancellation reason comes first; the outbox record is last.
func (s *PostStore) transact(ctx context.Context, ev outbox.Record, change types.TransactWriteItem, more ...types.TransactWriteItem) error {
	rec, err := s.outbox.Put(ev)
	if err != nil {
		return err
	}
	items := append(append([]types.TransactWriteItem{change}, more...), rec)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return err
}

// whyRefused tells which condition of a refused write failed. The write
// itself was atomic; this only names the reason. It uses the item DynamoDB
// returned with the failure, or reads it where the server does not return
// it (some emulators).
func (s *PostStore) whyRefused(ctx context.Context, condErr error, id, authorID string) error {
	var item map[string]types.AttributeValue
	var tce *types.TransactionCanceledException
	if errors.As(condErr, &tce) && len(tce.CancellationReasons) > 0 && tce.CancellationReasons[0].Item != nil {
		item = tce.CancellationReasons[0].Item
	} else {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName:      &s.table,
			Key:            key(id),
			ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			return fmt.Errorf("dynamo: read refused post %s: %w", id, err)
		}
		item = out.Item
	}
	if item == nil {
		return post.ErrNotFound
	}
	if owner, ok := item[attrAuthorID].(*types.AttributeValueMemberS); !ok || owner.Value != authorID {
		return post.ErrNotAuthor
	}
	return post.ErrVersionConflict
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// isCancelledByCondition reports whether a transaction was cancelled
// because the condition of its first item (the change) failed.
func isCancelledByCondition(err error) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) == 0 {
		return false
	}
	return aws.ToString(tce.CancellationReasons[0].Code) == "ConditionalCheckFailed"
}

func key(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrID: &types.AttributeValueMemberS{Value: id}}
}

// postItem is a post as stored. Times are RFC 3339 strings (UTC, as the
// service truncates them to milliseconds).
type postItem struct {
	ID         string    `dynamodbav:"id"`
	Kind       string    `dynamodbav:"kind"`
	Title      string    `dynamodbav:"title"`
	Content    string    `dynamodbav:"content"`
	AuthorID   string    `dynamodbav:"authorId"`
	AuthorName string    `dynamodbav:"authorName"`
	CreatedAt  time.Time `dynamodbav:"createdAt"`
	UpdatedAt  time.Time `dynamodbav:"updatedAt"`
	Version    int       `dynamodbav:"version"`
}

func marshalPost(p post.Post) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMap(postItem{
		ID:         p.ID,
		Kind:       postKind,
		Title:      p.Title,
		Content:    p.Content,
		AuthorID:   p.AuthorID,
		AuthorName: p.AuthorName,
		CreatedAt:  p.CreatedAt.UTC(),
		UpdatedAt:  p.UpdatedAt.UTC(),
		Version:    p.Version,
	})
	if err != nil {
		return nil, fmt.Errorf("marshal post %s: %w", p.ID, err)
	}
	return item, nil
}

func unmarshalPost(item map[string]types.AttributeValue) (post.Post, error) {
	var it postItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return post.Post{}, fmt.Errorf("unmarshal post item: %w", err)
	}
	if it.ID == "" || it.Kind != postKind {
		return post.Post{}, fmt.Errorf("unmarshal post item %q: not a post (kind %q)", it.ID, it.Kind)
	}
	return post.Post{
		ID:         it.ID,
		Title:      it.Title,
		Content:    it.Content,
		AuthorID:   it.AuthorID,
		AuthorName: it.AuthorName,
		CreatedAt:  it.CreatedAt.UTC(),
		UpdatedAt:  it.UpdatedAt.UTC(),
		Version:    it.Version,
	}, nil
}
