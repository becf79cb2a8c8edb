package events

import (
	"errors"
	"slices"
	"time"
)

// Sources: the EventBridge source of every event, one per producing domain.
const (
	SourcePosts = "eventboard.posts"
	SourceUsers = "eventboard.users"
)

// Detail types: the EventBridge detail-type of every event.
const (
	DetailTypePostCreated   = "PostCreated"
	DetailTypePostUpdated   = "PostUpdated"
	DetailTypePostDeleted   = "PostDeleted"
	DetailTypeUserConfirmed = "UserConfirmed"
)

// SchemaVersion is the metadata.schemaVersion of every event this package
// emits, and the only one it decodes.
const SchemaVersion = "1"

// MaxTitleLen is the most characters (Unicode code points) a post title in
// an event has; it is the API's limit on titles.
const MaxTitleLen = 200

// BusName is the name of the EventBridge bus the events are published on in
// a stage (a deployment: dev, prod, …).
func BusName(stage string) string { return "eventboard-" + stage }

// Errors a decoder or constructor returns, wrapped with the details; test
// them with errors.Is. All three are permanent: retrying the same input
// fails the same way, so a consumer should let such a message go to its
// dead-letter queue (or skip it, for ErrUnknownDetailType when it subscribed
// to a whole source).
var (
	// ErrInvalid: the event breaks the contract (malformed JSON, a required
	// property missing or of the wrong type, a value out of its range).
	ErrInvalid = errors.New("events: invalid event")
	// ErrUnknownDetailType: the detail-type is not one this package knows,
	// or it does not come from the source that publishes it.
	ErrUnknownDetailType = errors.New("events: unknown detail-type")
	// ErrUnsupportedSchemaVersion: metadata.schemaVersion is not
	// SchemaVersion. A subscriber's rule should match the version it reads
	// (README.md), so this means a rule lets through a version the code does
	// not read.
	ErrUnsupportedSchemaVersion = errors.New("events: unsupported schema version")
)

// Data is the data of one event type: [PostCreated], [PostUpdated],
// [PostDeleted] or [UserConfirmed]. The set is closed (an unexported method
// seals it): each type has a detail-type, a source and a schema. Each is a
// plain struct: json tags name its properties, check tags the rules their
// values follow beyond their JSON type (wire.go reads both).
type Data interface {
	// Source is the EventBridge source the event is published with.
	Source() string
	// DetailType is the EventBridge detail-type, which names the data's type.
	DetailType() string

	isData()
}

// Metadata is what every event carries besides its data.
type Metadata struct {
	// EventID identifies the event: a UUIDv7 in lower case, assigned once
	// when the change is recorded and kept across PutEvents retries and
	// republishing. It is the idempotency key for every consumer (EventBridge's
	// own id is not: it changes with every PutEvents call).
	EventID string `json:"eventId" check:"uuidv7"`
	// SchemaVersion is the version of the detail's schema, SchemaVersion.
	SchemaVersion string `json:"schemaVersion" check:"schemaVersion"`
	// OccurredAt is when the change happened (not when it was published),
	// in UTC to the millisecond.
	OccurredAt time.Time `json:"occurredAt"`
	// CorrelationID ties the event to what caused it: the correlation id of
	// the HTTP request, or the Lambda request id for a change that no HTTP
	// request caused (a Cognito trigger). Opaque; never empty.
	CorrelationID string `json:"correlationId" check:"notEmpty"`
	// Producer names the function that recorded the change, as
	// "eventboard.<function>" (for example "eventboard.createPost"); a
	// republished event keeps its producer. For diagnosis, not for routing.
	Producer string `json:"producer" check:"notEmpty"`
}

// kind is what the package knows of one detail-type.
type kind struct {
	source string
	decode func(detail []byte) (Event, error)
}

func decoder[T Data]() func([]byte) (Event, error) {
	return func(detail []byte) (Event, error) {
		e, err := DecodeAs[T](detail)
		if err != nil {
			return nil, err
		}
		return e, nil
	}
}

var kinds = map[string]kind{
	DetailTypePostCreated:   {SourcePosts, decoder[PostCreated]()},
	DetailTypePostUpdated:   {SourcePosts, decoder[PostUpdated]()},
	DetailTypePostDeleted:   {SourcePosts, decoder[PostDeleted]()},
	DetailTypeUserConfirmed: {SourceUsers, decoder[UserConfirmed]()},
}

// DetailTypes lists every detail-type this package knows, sorted.
func DetailTypes() []string {
	out := make([]string, 0, len(kinds))
	for dt := range kinds {
		out = append(out, dt)
	}
	slices.Sort(out)
	return out
}
