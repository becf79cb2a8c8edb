package confirmtrigger

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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
	return lambdafn.CognitoTrigger("postConfirmation", func(_ context.Context, cfg Config, d lambdafn.Deps) (lambdafn.Trigger[Event], error) {
		return Wire(cfg, dynamo.NewClient(d.AWS, d.Lookup), eventbus.NewClient(d.AWS, d.Lookup), d.Log)
	})
}

// Wire builds the trigger from cfg on DynamoDB and EventBridge clients.
func Wire(cfg Config, db *dynamodb.Client, eb eventbus.API, log *slog.Logger) (lambdafn.Trigger[Event], error) {
	relay, ob, err := eventbus.NewRelay(cfg.Outbox, db, eb, log)
	if err != nil {
		return nil, err
	}
	members, err := dynamo.NewMembers(db, cfg.UsersTable, ob)
	if err != nil {
		return nil, err
	}
	return Handler(members, relay, "eventboard."+cfg.FunctionName, log, time.Now), nil
}
