package events

import (
	"encoding/json"
	"fmt"
	"time"
)

// EventBridgeEvent is an event as EventBridge delivers it to a target: the
// body of each message in an SQS queue that a rule targets.
//
// EventBridge fills in ID, Account, Time and Region when the event is put;
// the producer sets Source, DetailType and Detail. ID is new on every
// PutEvents call, so a retried or republished event has a new ID: use
// metadata.eventId in the detail to deduplicate. Time has one-second
// precision; metadata.occurredAt is exact.
type EventBridgeEvent struct {
	Version    string          `json:"version"` // "0"
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"` // empty for Eventboard's events
	Detail     json.RawMessage `json:"detail"`
	// ReplayName names the archive replay that re-sent the event; empty for
	// an event delivered when it was published.
	ReplayName string `json:"replay-name,omitempty"`
}

// ParseEventBridgeEvent parses an SQS message body holding an event as
// EventBridge delivers it. It checks the EventBridge fields (version "0";
// id, source, detail-type and time present; detail a JSON object), not the
// detail: [EventBridgeEvent.Decode] does. Account, region and resources may
// be absent (emulators leave them out). Errors wrap ErrInvalid.
func ParseEventBridgeEvent(body []byte) (EventBridgeEvent, error) {
	const op = "events.ParseEventBridgeEvent"
	r, err := readObject(body)
	if err != nil {
		return EventBridgeEvent{}, fmt.Errorf("%s: %w", op, err)
	}
	e := EventBridgeEvent{
		Version:    r.string("version"),
		ID:         r.string("id"),
		DetailType: r.string("detail-type"),
		Source:     r.string("source"),
	}
	if raw := r.raw("time"); raw != nil {
		if err := json.Unmarshal(raw, &e.Time); err != nil {
			r.p.add("time", "must be an RFC 3339 time")
		}
	}
	if raw := r.raw("detail"); raw != nil {
		if _, err := readObject(raw); err != nil {
			r.p.add("detail", "must be a JSON object")
		}
		e.Detail = raw
	}
	optional := func(name string, dst any) {
		if raw, ok := r.fields[name]; ok && string(raw) != "null" && json.Unmarshal(raw, dst) != nil {
			r.p.add(name, "has the wrong JSON type")
		}
	}
	optional("account", &e.Account)
	optional("region", &e.Region)
	optional("resources", &e.Resources)
	optional("replay-name", &e.ReplayName)
	if e.Version != "0" && !r.failed("version") {
		r.p.add("version", `must be "0"`)
	}
	for _, f := range []struct{ name, value string }{{"id", e.ID}, {"source", e.Source}, {"detail-type", e.DetailType}} {
		if f.value == "" && !r.failed(f.name) {
			r.p.add(f.name, "must not be empty")
		}
	}
	if err := r.err(); err != nil {
		return EventBridgeEvent{}, fmt.Errorf("%s: %w", op, err)
	}
	return e, nil
}

// Decode decodes e's detail as [Decode] does, and also rejects an event
// whose source is not the one that publishes its detail-type (someone else's
// "PostCreated"), with ErrUnknownDetailType.
func (e EventBridgeEvent) Decode() (Event, error) {
	if k, ok := kinds[e.DetailType]; ok && k.source != e.Source {
		return nil, fmt.Errorf("events.Decode: %w: %q from source %q", ErrUnknownDetailType, e.DetailType, e.Source)
	}
	return Decode(e.DetailType, e.Detail)
}
