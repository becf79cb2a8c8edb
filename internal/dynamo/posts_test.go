package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
	"github.com/eventboard/eventboard/internal/post/posttest"
)

// Every adapter test here runs against kumo always, and against DynamoDB
// Local (AWS's own jar) when DYNAMODB_LOCAL_ENDPOINT names one; `make test`
// starts it and sets REQUIRE_DYNAMODB_LOCAL=1, so that tier cannot be skipped
// silently there. Tests are named …Kumo and …DynamoDBLocal.

func kumoClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	srv := emulator.NewKumo()
	t.Cleanup(srv.Close)
	return emulator.DynamoDB(srv.URL)
}

func dynamoDBLocalClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	endpoint := os.Getenv("DYNAMODB_LOCAL_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("REQUIRE_DYNAMODB_LOCAL") != "" {
			t.Fatal("REQUIRE_DYNAMODB_LOCAL is set but DYNAMODB_LOCAL_ENDPOINT is not")
		}
		t.Skip("DYNAMODB_LOCAL_ENDPOINT not set; `make test` runs this tier")
	}
	return dynamodb.NewFromConfig(emulator.Config(), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	})
}

var tableSeq atomic.Int64

// newTable creates a fresh copy of a serverless.yml table under a unique
// name and returns the name and its definition.
func newTable(t *testing.T, db *dynamodb.Client, logicalID string) (string, manifest.Table) {
	t.Helper()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	table, ok := m.Table(logicalID)
	if !ok {
		t.Fatalf("serverless.yml declares no %s", logicalID)
	}
	in := table.CreateTableInput()
	in.TableName = aws.String(fmt.Sprintf("%s-%d", logicalID, tableSeq.Add(1)))
	if _, err := db.CreateTable(context.Background(), in); err != nil {
		t.Fatalf("create table: %v", err)
	}
	return *in.TableName, table
}

func TestPostStoreContractKumo(t *testing.T) {
	t.Parallel()
	runPostContract(t, kumoClient(t))
}

func TestPostStoreContractDynamoDBLocal(t *testing.T) {
	t.Parallel()
	runPostContract(t, dynamoDBLocalClient(t))
}

func runPostContract(t *testing.T, db *dynamodb.Client) {
	posttest.RunStoreContract(t, func(t *testing.T) (post.Store, outbox.Store) {
		ob := newOutbox(t, db)
		name, table := newTable(t, db, "PostsTable")
		store, err := dynamo.NewPostStore(db, name, table.GlobalSecondaryIndexes[0].Name, ob)
		if err != nil {
			t.Fatal(err)
		}
		return store, ob
	})
}

// newOutbox returns an outbox on a fresh copy of serverless.yml's table.
func newOutbox(t *testing.T, db *dynamodb.Client) *dynamo.Outbox {
	t.Helper()
	name, table := newTable(t, db, "OutboxTable")
	ob, err := dynamo.NewOutbox(db, name, table.GlobalSecondaryIndexes[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	return ob
}

// consistencyRecorder is a posts store's client that notes whether each
// GetItem asked for a strongly consistent read.
type consistencyRecorder struct {
	dynamo.API
	consistent []bool
}

func (r *consistencyRecorder) GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r.consistent = append(r.consistent, aws.ToBool(in.ConsistentRead))
	return r.API.GetItem(ctx, in, optFns...)
}

// The read shared caches serve is eventually consistent, at half the read
// units; Get, which an author's read after a write and the writes' own
// checks use, sees every acknowledged write.
func TestGetSharedReadsEventuallyAndGetConsistentlyKumo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := kumoClient(t)
	rec := &consistencyRecorder{API: db}
	name, table := newTable(t, db, "PostsTable")
	store, err := dynamo.NewPostStore(rec, name, table.GlobalSecondaryIndexes[0].Name, newOutbox(t, db))
	if err != nil {
		t.Fatal(err)
	}
	p := posttest.NewPost(t, "alice")
	if err := store.Create(ctx, p, posttest.Event("created")); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.GetShared(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, false}; fmt.Sprint(rec.consistent) != fmt.Sprint(want) {
		t.Errorf("Get then GetShared asked ConsistentRead %v, want %v", rec.consistent, want)
	}
}
