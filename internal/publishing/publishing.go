// Package publishing wires lossless publishing for a function that emits
// events: the DynamoDB outbox its store writes in the change's transaction,
// the EventBridge bus, and the relay between them.
package publishing

import (
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/outbox"
)

// New returns the relay that publishes through eb the records a store
// writes to the outbox, and that outbox, for the store.
func New(cfg config.Outbox, db *dynamodb.Client, eb eventbus.API, log *slog.Logger) (*outbox.Relay, *dynamo.Outbox, error) {
	ob, err := dynamo.NewOutbox(db, cfg.OutboxTable, cfg.OutboxPendingIndex)
	if err != nil {
		return nil, nil, fmt.Errorf("publishing.New: %w", err)
	}
	bus, err := eventbus.New(eb, cfg.EventBusName)
	if err != nil {
		return nil, nil, fmt.Errorf("publishing.New: %w", err)
	}
	return outbox.NewRelay(bus, ob, log), ob, nil
}
