package postapi

import (
	"context"
	"errors"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/outbox"
	"github.com/eventboard/eventboard/internal/post"
)

// Config is what a posts Lambda reads from its environment. Every change
// records its event in the outbox and publishes it on the bus; writes check
// the revocations table for sign-outs.
type Config struct {
	config.Runtime
	config.Outbox
	config.Revocations
	PostsTable string `env:"POSTS_TABLE, required"`
	PostsIndex string `env:"POSTS_INDEX, default=byRecency"`
}

// The posts functions that only read, named as in serverless.yml. Each is a
// function, so a binary links the one handler it serves. They link no
// EventBridge client: a read emits nothing, and the client's package init
// (its service schemas and endpoint table) would run in every cold start of
// the most-read functions. The writes are in package postwrites, which
// links it.
var read = lambdafn.Routes(wireReads)

func ListPosts() lambdafn.Function { return read("listPosts", (*Handlers).List) }
func GetPost() lambdafn.Function   { return read("getPost", (*Handlers).Get) }

// wireReads builds the handlers from cfg on the DynamoDB client of d, with
// a relay that sends nothing.
func wireReads(_ context.Context, cfg Config, d lambdafn.Deps) (*Handlers, error) {
	db := dynamo.NewClient(d.AWS, d.Lookup)
	ob, err := dynamo.NewOutbox(db, cfg.OutboxTable, cfg.OutboxPendingIndex)
	if err != nil {
		return nil, err
	}
	return Wire(cfg, d.Log, db, ob, readOnly{})
}

// Wire builds the handlers from cfg on db: a store that records each
// change's event in ob, in the change's transaction, and a service that
// sends it with relay. It is what every posts function shares.
func Wire(cfg Config, log *slog.Logger, db *dynamodb.Client, ob *dynamo.Outbox, relay post.Relay) (*Handlers, error) {
	store, err := dynamo.NewPostStore(db, cfg.PostsTable, cfg.PostsIndex, ob)
	if err != nil {
		return nil, err
	}
	revocations, err := dynamo.NewRevocations(db, cfg.RevocationsTable)
	if err != nil {
		return nil, err
	}
	svc := post.NewService(store, relay, "eventboard."+cfg.FunctionName, post.WithLogger(log))
	return New(svc, revocations, log), nil
}

// readOnly is the relay of a function that only reads. Should a change
// ever reach it, the error leaves the event in the outbox for the sweeper.
type readOnly struct{}

func (readOnly) Send(context.Context, ...outbox.Record) error {
	return errors.New("postapi: a read-only function publishes no events")
}
