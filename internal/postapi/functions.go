package postapi

import (
	"context"

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

// wire builds the handlers from cfg on the DynamoDB and EventBridge clients
// of d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (*Handlers, error) {
	db := dynamo.NewClient(d.AWS, d.Lookup)
	relay, ob, err := eventbus.NewRelay(cfg.Outbox, db, eventbus.NewClient(d.AWS, d.Lookup), d.Log)
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
	svc := post.NewService(store, relay, "eventboard."+cfg.FunctionName, post.WithLogger(d.Log))
	return New(svc, revocations, d.Log), nil
}
