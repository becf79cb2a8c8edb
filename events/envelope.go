package events

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// Event is one event of any type, as a producer publishes it or a consumer
// receives it. [Envelope] implements it for every [Data] type; a consumer
// type-switches on Payload (or on the Event itself) to reach the data.
type Event interface {
	// Source and DetailType are the EventBridge source and detail-type.
	Source() string
	DetailType() string
	// Detail is the EventBridge detail: the envelope as JSON. It fails when
	// the event breaks the contract, so an invalid event cannot be published.
	Detail() ([]byte, error)
	// Meta is the event's metadata; Meta().EventID is the idempotency key.
	Meta() Metadata
	// Payload is the event's data: a PostCreated, PostUpdated, PostDeleted
	// or UserConfirmed value.
	Payload() Data
}

// Envelope is the EventBridge detail of an event whose data is a T.
type Envelope[T Data] struct {
	Metadata Metadata `json:"metadata"`
	Data     T        `json:"data"`
}

var _ Event = Envelope[PostCreated]{}

// New builds the event a producer publishes: data with meta, checked
// against the contract. An empty meta.SchemaVersion means SchemaVersion.
//
// The envelope returned is normalized as a subscriber will decode it (times
// in UTC, truncated to the millisecond), so a producer can store it (an
// outbox) and publish it later unchanged. New returns an error wrapping
// ErrInvalid, listing every problem, when the event breaks the contract,
// and one wrapping ErrUnsupportedSchemaVersion for a version other than
// SchemaVersion.
func New[T Data](data T, meta Metadata) (Envelope[T], error) {
	if meta.SchemaVersion == "" {
		meta.SchemaVersion = SchemaVersion
	}
	if meta.SchemaVersion != SchemaVersion {
		return Envelope[T]{}, fmt.Errorf("events.New %s: %w: %q", data.DetailType(), ErrUnsupportedSchemaVersion, meta.SchemaVersion)
	}
	e := Envelope[T]{Metadata: meta, Data: data}
	detail, err := e.Detail()
	if err != nil {
		return Envelope[T]{}, fmt.Errorf("events.New %s: %w", data.DetailType(), err)
	}
	// Decoding what was encoded normalizes the times exactly as a subscriber
	// will see them.
	return DecodeAs[T](detail)
}

// Source is the source of T's events.
func (e Envelope[T]) Source() string { return e.Data.Source() }

// DetailType is T's detail-type.
func (e Envelope[T]) DetailType() string { return e.Data.DetailType() }

// Meta is e.Metadata.
func (e Envelope[T]) Meta() Metadata { return e.Metadata }

// Payload is e.Data.
func (e Envelope[T]) Payload() Data { return e.Data }

// Detail is the EventBridge detail of e: the envelope as JSON, the same
// bytes every time. It returns an error wrapping ErrInvalid when e breaks
// the contract. The JSON holds only the properties this package knows: a
// consumer forwarding an event it received should forward the original
// detail, not this re-encoding.
func (e Envelope[T]) Detail() ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	return json.Marshal(e)
}

func (e Envelope[T]) validate() error {
	var p problems
	check(reflect.ValueOf(e), "", &p)
	return p.err()
}

// MarshalJSON writes e in the contract's wire form (see wire.go), whatever
// its data type. It does not check values: Detail does.
func (e Envelope[T]) MarshalJSON() ([]byte, error) { return marshal(e) }

// UnmarshalJSON reads e as strictly as the JSON Schema: every property of
// the envelope, its metadata and its data required, non-null and of its
// JSON type, times in the contract's format; properties it does not know
// are ignored. It does not check values: [DecodeAs] does, after.
func (e *Envelope[T]) UnmarshalJSON(b []byte) error { return unmarshal(b, e) }

// Decode decodes the detail of an event of the given detail-type and checks
// it against the contract. It ignores properties it does not know (the
// additive changes a schema version may gain) and rejects everything else
// the JSON Schema rejects.
//
// The Event returned is an Envelope[T] for the detail-type's data type T.
// Errors wrap ErrUnknownDetailType for a detail-type this package does not
// know, ErrUnsupportedSchemaVersion for a schema version other than
// SchemaVersion, and ErrInvalid (listing every problem) for a detail that
// breaks the contract.
func Decode(detailType string, detail []byte) (Event, error) {
	k, ok := kinds[detailType]
	if !ok {
		return nil, fmt.Errorf("events.Decode: %w: %q", ErrUnknownDetailType, detailType)
	}
	return k.decode(detail)
}

// DecodeAs is [Decode] for a consumer that knows the detail's type: it
// decodes detail as an event with data of type T, whatever detail-type the
// detail came with.
func DecodeAs[T Data](detail []byte) (Envelope[T], error) {
	var zero T
	op := "events.Decode " + zero.DetailType()
	if v, ok := schemaVersionOf(detail); ok && v != SchemaVersion {
		return Envelope[T]{}, fmt.Errorf("%s: %w: %q", op, ErrUnsupportedSchemaVersion, v)
	}
	if !json.Valid(detail) {
		return Envelope[T]{}, fmt.Errorf("%s: %w", op, problems{{"", "detail is not valid JSON"}}.err())
	}
	var e Envelope[T]
	if err := json.Unmarshal(detail, &e); err != nil {
		return Envelope[T]{}, fmt.Errorf("%s: %w", op, err)
	}
	if err := e.validate(); err != nil {
		return Envelope[T]{}, fmt.Errorf("%s: %w", op, err)
	}
	return e, nil
}

// schemaVersionOf returns detail's metadata.schemaVersion, when detail has
// one that is a string, so that a detail of another version is reported as
// such rather than as whatever its data breaks in this version.
func schemaVersionOf(detail []byte) (string, bool) {
	var env map[string]json.RawMessage
	if json.Unmarshal(detail, &env) != nil {
		return "", false
	}
	var meta map[string]json.RawMessage
	if json.Unmarshal(env["metadata"], &meta) != nil {
		return "", false
	}
	var v string
	if json.Unmarshal(meta["schemaVersion"], &v) != nil || v == "" {
		return "", false // missing, null, empty or not a string: invalid, not another version
	}
	return v, true
}
