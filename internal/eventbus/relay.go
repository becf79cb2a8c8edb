package eventbus

import (
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/outbox"
)

// NewRelay wires lossless publishing for a function that emits events: the
// DynamoDB outbox its store writes in the change's transaction, a Bus on
// eb, and the relay between them. It returns the relay and that outbox, for
// the store.
//
// It is here, not in package outbox, because outbox cannot import the
// adapters that import it.
func NewRelay(cfg config.Outbox, db *dynamodb.Client, eb API, log *slog.Logger) (*outbox.Relay, *dynamo.Outbox, error) {
	ob, err := dynamo.NewOutbox(db, cfg.OutboxTable, cfg.OutboxPendingIndex)
	if err != nil {
		return nil, nil, fmt.Errorf("eventbus.NewRelay: %w", err)
	}
	bus, err := New(eb, cfg.EventBusName)
	if err != nil {
		return nil, nil, fmt.Errorf("eventbus.NewRelay: %w", err)
	}
	return outbox.NewRelay(bus, ob, log), ob, nil
}
