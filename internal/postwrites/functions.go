// Package postwrites declares the posts functions that change posts:
// create, update and delete, whose handlers are package postapi's. They are
// declared apart from the reads so that only they link the EventBridge
// client they publish with (see postapi.GetPost).
package postwrites

import (
	"context"

	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/postapi"
)

// The posts functions that write, named as in serverless.yml. Each is a
// function, so a binary links the one handler it serves.
var route = lambdafn.Routes(wire)

func CreatePost() lambdafn.Function { return route("createPost", (*postapi.Handlers).Create) }
func UpdatePost() lambdafn.Function { return route("updatePost", (*postapi.Handlers).Update) }
func DeletePost() lambdafn.Function { return route("deletePost", (*postapi.Handlers).Delete) }

// wire builds the handlers from cfg on the DynamoDB and EventBridge clients
// of d.
func wire(_ context.Context, cfg postapi.Config, d lambdafn.Deps) (*postapi.Handlers, error) {
	db := dynamo.NewClient(d.AWS, d.Lookup)
	relay, ob, err := eventbus.NewRelay(cfg.Outbox, db, eventbus.NewClient(d.AWS, d.Lookup), d.Log)
	if err != nil {
		return nil, err
	}
	return postapi.Wire(cfg, d.Log, db, ob, relay)
}
