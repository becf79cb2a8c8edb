package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sivchari/kumo"

	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/post"
	"github.com/eventboard/eventboard/internal/post/posttest"
)

// The contract suite runs against kumo always, and against DynamoDB Local
// (AWS's own jar) when DYNAMODB_LOCAL_ENDPOINT names one; `make test` starts
// it and sets REQUIRE_DYNAMODB_LOCAL=1, so that tier cannot be skipped
// silently there.

func TestPostStoreContractKumo(t *testing.T) {
	t.Parallel()
	srv := kumo.NewServer()
	t.Cleanup(srv.Close)
	runContract(t, emulator.DynamoDB(srv.URL))
}

func TestPostStoreContractDynamoDBLocal(t *testing.T) {
	t.Parallel()
	endpoint := os.Getenv("DYNAMODB_LOCAL_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("REQUIRE_DYNAMODB_LOCAL") != "" {
			t.Fatal("REQUIRE_DYNAMODB_LOCAL is set but DYNAMODB_LOCAL_ENDPOINT is not")
		}
		t.Skip("DYNAMODB_LOCAL_ENDPOINT not set; `make test` runs this tier")
	}
	runContract(t, dynamodb.NewFromConfig(emulator.Config(), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	}))
}

var tableSeq atomic.Int64

// runContract runs the post.Store contract with a fresh Posts table, as
// serverless.yml declares it, for every store the suite asks for.
func runContract(t *testing.T, db *dynamodb.Client) {
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var table *manifest.Table
	for i := range m.Tables {
		if m.Tables[i].LogicalID == "PostsTable" {
			table = &m.Tables[i]
		}
	}
	if table == nil {
		t.Fatal("serverless.yml declares no PostsTable")
	}
	index := *table.CreateTableInput().GlobalSecondaryIndexes[0].IndexName
	posttest.RunStoreContract(t, func(t *testing.T) post.Store {
		in := table.CreateTableInput()
		in.TableName = aws.String(fmt.Sprintf("posts-%d", tableSeq.Add(1)))
		if _, err := db.CreateTable(context.Background(), in); err != nil {
			t.Fatalf("create table: %v", err)
		}
		store, err := dynamo.NewPostStore(db, *in.TableName, index)
		if err != nil {
			t.Fatal(err)
		}
		return store
	})
}
