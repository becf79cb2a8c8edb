package confirmtrigger

import (
	"context"
	"time"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/lambdafn"
)

// Config is what the trigger reads from its environment: it records the
// user and emits UserConfirmed through the outbox.
type Config struct {
	config.Runtime
	config.Outbox
	UsersTable string `env:"USERS_TABLE, required"`
}

// PostConfirmation is the user pool's post-confirmation trigger.
func PostConfirmation() lambdafn.Function {
	return lambdafn.CognitoTrigger("postConfirmation", wire)
}

// wire builds the trigger from cfg on the DynamoDB and EventBridge clients
// of d.
func wire(_ context.Context, cfg Config, d lambdafn.Deps) (lambdafn.Trigger[Event], error) {
	db := dynamo.NewClient(d.AWS, d.Lookup)
	relay, ob, err := eventbus.NewRelay(cfg.Outbox, db, eventbus.NewClient(d.AWS, d.Lookup), d.Log)
	if err != nil {
		return nil, err
	}
	members, err := dynamo.NewMembers(db, cfg.UsersTable, ob)
	if err != nil {
		return nil, err
	}
	return Handler(members, relay, "eventboard."+cfg.FunctionName, d.Log, time.Now), nil
}
