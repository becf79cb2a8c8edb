package post

import (
	"context"
	"fmt"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/correlation"
	"github.com/eventboard/eventboard/internal/outbox"
)

// newEvent builds the outbox record of a domain event: a new event id (a
// UUIDv7, kept across every publishing attempt), the request's correlation
// id, and the detail as the public contract (package events) encodes it.
func newEvent[T events.Data](ctx context.Context, s *Service, data T) (outbox.Record, error) {
	id, err := s.newID()
	if err != nil {
		return outbox.Record{}, fmt.Errorf("new event id: %w", err)
	}
	meta := events.Metadata{
		EventID:       id.String(),
		SchemaVersion: events.SchemaVersion,
		OccurredAt:    s.now().UTC(),
		CorrelationID: correlation.From(ctx),
		Producer:      s.producer,
	}
	if meta.CorrelationID == "" {
		meta.CorrelationID = meta.EventID
	}
	e, err := events.New(data, meta)
	if err != nil {
		return outbox.Record{}, err
	}
	return outbox.FromEvent(e)
}
