package postapi

import (
	"context"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/lambdafn"
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

// The posts functions, named as in serverless.yml. Each is a function, so a
// binary links the one handler it serves.
var route = lambdafn.Routes(wire)

func ListPosts() lambdafn.Function  { return route("listPosts", (*Handlers).List) }
func GetPost() lambdafn.Function    { return route("getPost", (*Handlers).Get) }
func CreatePost() lambdafn.Function { return route("createPost", (*Handlers).Create) }
func UpdatePost() lambdafn.Function { return route("updatePost", (*Handlers).Update) }
func DeletePost() lambdafn.Function { return route("deletePost", (*Handlers).Delete) }

func wire(_ context.Context, cfg Config, d lambdafn.Deps) (*Handlers, error) {
	return Wire(cfg, dynamo.NewClient(d.AWS, d.Lookup), eventbus.NewClient(d.AWS, d.Lookup), d.Log)
}

// Wire builds the handlers from cfg on DynamoDB and EventBridge clients.
func Wire(cfg Config, db *dynamodb.Client, eb eventbus.API, log *slog.Logger) (*Handlers, error) {
	relay, ob, err := eventbus.NewRelay(cfg.Outbox, db, eb, log)
	if err != nil {
		return nil, err
	}
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
