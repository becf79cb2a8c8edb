package events_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/eventboard/eventboard/events"
)

// A producer builds the event once, when it records the change (the event
// id is assigned then, and kept for every retry), and hands it to PutEvents.
func ExampleNew() {
	at := time.Date(2026, 3, 14, 9, 26, 53, 402_000_000, time.UTC)
	ev, err := events.New(events.PostCreated{
		PostID:     "019cebab-88da-7c1a-9e2b-4d07f3a6581c",
		AuthorID:   "8f14e45f-ceea-467f-a0e6-2d4b8c9a1f37",
		AuthorName: "ada",
		Title:      "Repair café this Saturday",
		CreatedAt:  at,
		Version:    1,
	}, events.Metadata{
		EventID:       "019cebab-88e9-73b7-a9e1-f2a4c6e8091a",
		OccurredAt:    at,
		CorrelationID: "Jk3sWgB7IAMEPxw=",
		Producer:      "eventboard.createPost",
	})
	if err != nil {
		panic(err)
	}
	detail, err := ev.Detail()
	if err != nil {
		panic(err)
	}
	// The PutEvents entry: EventBusName events.BusName(stage), Source,
	// DetailType, Detail, and Time = ev.Metadata.OccurredAt.
	fmt.Println(ev.Source(), ev.DetailType())
	fmt.Println(string(detail))
	// Output:
	// eventboard.posts PostCreated
	// {"metadata":{"eventId":"019cebab-88e9-73b7-a9e1-f2a4c6e8091a","schemaVersion":"1","occurredAt":"2026-03-14T09:26:53.402Z","correlationId":"Jk3sWgB7IAMEPxw=","producer":"eventboard.createPost"},"data":{"postId":"019cebab-88da-7c1a-9e2b-4d07f3a6581c","authorId":"8f14e45f-ceea-467f-a0e6-2d4b8c9a1f37","authorName":"ada","title":"Repair café this Saturday","createdAt":"2026-03-14T09:26:53.402Z","version":1}}
}

// A consumer reading an SQS queue that an EventBridge rule targets parses
// each message body, decodes it, deduplicates by the event id, and
// type-switches on the data.
func ExampleParseEventBridgeEvent() {
	body, _ := events.Sample(events.DetailTypePostCreated) // an SQS message body

	msg, err := events.ParseEventBridgeEvent(body)
	if err != nil {
		panic(err) // not an EventBridge event: permanent, let it go to the DLQ
	}
	ev, err := msg.Decode()
	if errors.Is(err, events.ErrUnknownDetailType) {
		return // a type this consumer does not handle
	}
	if err != nil {
		panic(err) // breaks the contract: permanent, let it go to the DLQ
	}
	fmt.Println("idempotency key:", ev.Meta().EventID)
	switch d := ev.Payload().(type) {
	case events.PostCreated:
		fmt.Printf("post %s by %s, day %s\n", d.PostID, d.AuthorName, d.CreatedAt.Format(time.DateOnly))
	case events.PostDeleted:
		fmt.Printf("post %s deleted\n", d.PostID)
	}
	// Output:
	// idempotency key: 019cebab-88e9-73b7-a9e1-f2a4c6e8091a
	// post 019cebab-88da-7c1a-9e2b-4d07f3a6581c by ada, day 2026-03-14
}
