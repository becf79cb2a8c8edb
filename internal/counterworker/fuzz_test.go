package counterworker_test

import (
	"testing"

	awsevents "github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/inmem"
)

// FuzzMessageBody feeds arbitrary message bodies to the worker: it must
// never panic or fail the batch, and it may report a message processed only
// when the body is an event of the contract, whose changes are then applied.
func FuzzMessageBody(f *testing.F) {
	for _, name := range []string{"batch.json", "duplicate.json", "poison.json"} {
		for _, r := range fixture(f, name).Records {
			f.Add(r.Body)
		}
	}
	for _, seed := range []string{"", "{}", "null", "[]", `{"version":"0"}`, `{"detail":{"metadata":{}}}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		store := inmem.NewCounters()
		batch := awsevents.SQSEvent{Records: []awsevents.SQSMessage{{MessageId: "m-1", Body: body}}}
		failed := invoke(t, newHandler(t, store, nil), batch)
		if len(failed) > 0 {
			if len(failed) != 1 || failed[0] != "m-1" {
				t.Fatalf("failed = %v, want [m-1]", failed)
			}
			return
		}
		eb, err := events.ParseEventBridgeEvent([]byte(body))
		if err != nil {
			t.Fatalf("reported processed, but the body is no EventBridge event: %v", err)
		}
		ev, err := eb.Decode()
		if err != nil {
			t.Fatalf("reported processed, but the event breaks the contract: %v", err)
		}
		deltas, err := counter.Deltas(ev.Payload())
		if err != nil {
			t.Fatalf("reported processed, but the event has no counting rule: %v", err)
		}
		if len(deltas) > 0 && !store.Applied(ev.Meta().EventID) {
			t.Fatalf("reported processed, but event %s was not applied", ev.Meta().EventID)
		}
	})
}
