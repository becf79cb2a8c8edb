package events_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/eventboard/eventboard/events"
)

// FuzzDecode holds the decoder to the schema: whatever Decode accepts, the
// schema accepts, and re-encoding it gives a detail the schema accepts with
// every object closed. Decode may be stricter than the schema (it reads
// integers only as integers), never looser; and it never panics.
func FuzzDecode(f *testing.F) {
	for _, dt := range events.DetailTypes() {
		e := sampleEvent(f, dt)
		f.Add(dt, []byte(e.Detail))
	}
	f.Add("PostCreated", []byte(`{"metadata":{"schemaVersion":"2"},"data":{}}`))
	f.Add("PostCreated", []byte(`{"metadata":null,"data":[]}`))
	f.Add("UserConfirmed", []byte(`{"metadata":{"eventId":"019ceb92-75ce-71d3-a5b7-a9c0e2d4f6a8","schemaVersion":"1","occurredAt":"2026-03-14T08:59:30.126Z","correlationId":"c","producer":"p"},"data":{"userId":"8f14e45f-ceea-467f-a0e6-2d4b8c9a1f37","username":"\u0000","confirmedAt":"0001-01-01T00:00:00.001Z","USERNAME":1}}`))
	f.Fuzz(func(t *testing.T, detailType string, detail []byte) {
		ev, err := events.Decode(detailType, detail)
		if err != nil {
			if !errors.Is(err, events.ErrInvalid) && !errors.Is(err, events.ErrUnknownDetailType) && !errors.Is(err, events.ErrUnsupportedSchemaVersion) {
				t.Fatalf("error of no documented kind: %v", err)
			}
			return
		}
		if err := validate(t, detailType, events.SchemaVersion, false, detail); err != nil {
			t.Fatalf("Decode accepted what the schema rejects:\n%v\n%s", err, detail)
		}
		again, err := ev.Detail()
		if err != nil {
			t.Fatalf("a decoded event does not encode: %v", err)
		}
		if err := validate(t, detailType, events.SchemaVersion, true, again); err != nil {
			t.Fatalf("re-encoded detail does not match the schema:\n%v\n%s", err, again)
		}
	})
}

// FuzzParseEventBridgeEvent: parsing any message body never panics, and
// what it accepts has a detail that is a JSON object.
func FuzzParseEventBridgeEvent(f *testing.F) {
	for _, dt := range events.DetailTypes() {
		body, err := events.Sample(dt)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"version":"0","id":"i","detail-type":"d","source":"s","time":"2026-03-14T08:59:30Z","detail":{},"resources":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := events.ParseEventBridgeEvent(body)
		if err != nil {
			if !errors.Is(err, events.ErrInvalid) {
				t.Fatalf("error is not ErrInvalid: %v", err)
			}
			return
		}
		var detail map[string]json.RawMessage
		if err := json.Unmarshal(e.Detail, &detail); err != nil || detail == nil {
			t.Fatalf("accepted a detail that is not an object: %s", e.Detail)
		}
		_, _ = e.Decode() // must not panic
	})
}
