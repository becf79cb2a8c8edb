// Package events is Eventboard's public event contract: the Go types, JSON
// Schemas and samples of the events Eventboard publishes on its EventBridge
// bus (eventboard-<stage>), and the code producers and subscribers use to
// build and read them.
//
// Every event's EventBridge detail is an envelope,
//
//	{"metadata": {"eventId", "schemaVersion", "occurredAt", "correlationId", "producer"}, "data": {…}}
//
// whose data depends on the detail-type:
//
//	source            detail-type     data
//	eventboard.posts  PostCreated     [PostCreated]
//	eventboard.posts  PostUpdated     [PostUpdated]
//	eventboard.posts  PostDeleted     [PostDeleted]
//	eventboard.users  UserConfirmed   [UserConfirmed]
//
// Producers build an [Envelope] with [New] and hand its Source, DetailType
// and Detail to PutEvents. Subscribers reading an SQS queue that a rule
// targets parse each message body with [ParseEventBridgeEvent] and decode it
// with [EventBridgeEvent.Decode]; subscribers holding only a detail use
// [Decode] or [DecodeAs].
//
// The contract, in short (README.md has the whole of it):
//   - Delivery is at least once, possibly duplicated and out of order:
//     Metadata.EventID is the idempotency key, stable across retries and
//     republishing; per post, order by Version.
//   - Times are RFC 3339 in UTC with exactly three fractional digits.
//   - Within a schema version, changes are additive only (a new optional
//     property). Decoding ignores properties it does not know, so a
//     subscriber built on this package keeps working when one is added.
//     A breaking change ships as a new schema version, published alongside
//     the old one for a deprecation period.
//   - What this package accepts, the JSON Schema accepts: the schemas under
//     schemas/ (see [Schema]) are the reference for subscribers in other
//     languages, and the tests hold the Go code to them.
//
// The package depends on the standard library only.
package events

//go:generate go run ./internal/draft4/gen
