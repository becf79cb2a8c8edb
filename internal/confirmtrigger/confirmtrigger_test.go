package confirmtrigger_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/events/eventstest"
	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/confirmtrigger"
	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/outbox"
)

var confirmedAt = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type relay struct{ sent []outbox.Record }

func (r *relay) Send(_ context.Context, rs ...outbox.Record) error {
	r.sent = append(r.sent, rs...)
	return nil
}

func invoke(t *testing.T, members auth.Members, payload []byte) ([]byte, error) {
	t.Helper()
	return invokeWith(t, members, &relay{}, payload)
}

func invokeWith(t *testing.T, members auth.Members, r *relay, payload []byte) ([]byte, error) {
	t.Helper()
	h := confirmtrigger.Handler(members, r, "eventboard.postConfirmation", slog.New(slog.DiscardHandler), func() time.Time { return confirmedAt })
	return lambda.NewHandler(h).Invoke(context.Background(), payload)
}

func TestRecordsOnceAndReturnsTheEvent(t *testing.T) {
	t.Parallel()
	payload, err := os.ReadFile("testdata/post-confirmation.json")
	if err != nil {
		t.Fatal(err)
	}
	ob := inmem.NewOutbox()
	members := inmem.NewMembers(ob)
	r := &relay{}
	for range 2 { // Cognito retries: the second call must change nothing
		out, err := invokeWith(t, members, r, payload)
		if err != nil {
			t.Fatalf("invoke: %v", err)
		}
		var want, got any
		_ = json.Unmarshal(payload, &want)
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("returned event differs from the one given (-want +got):\n%s", diff)
		}
	}
	want := []auth.Member{{Sub: "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", Username: "alice", Email: "alice@example.com", ConfirmedAt: confirmedAt}}
	if diff := cmp.Diff(want, members.All()); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if len(r.sent) != 1 || ob.Len() != 1 || r.sent[0].DetailType != "UserConfirmed" {
		t.Fatalf("events sent %+v, outbox %d; want one UserConfirmed", r.sent, ob.Len())
	}
	eventstest.Validate(t, r.sent[0].DetailType, r.sent[0].Detail)
	e, err := events.Decode(r.sent[0].DetailType, r.sent[0].Detail)
	if err != nil {
		t.Fatalf("the event breaks the contract: %v", err)
	}
	want2 := events.UserConfirmed{UserID: "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", Username: "alice", ConfirmedAt: confirmedAt}
	if diff := cmp.Diff(want2, e.Payload()); diff != "" {
		t.Errorf("event data (-want +got):\n%s", diff)
	}
	if e.Meta().CorrelationID != "corr-from-confirm" || e.Meta().Producer != "eventboard.postConfirmation" {
		t.Errorf("metadata = %+v", e.Meta())
	}
}

func TestOtherSourcesAreLeftAlone(t *testing.T) {
	t.Parallel()
	payload, _ := os.ReadFile("testdata/post-confirmation.json")
	var ev map[string]any
	_ = json.Unmarshal(payload, &ev)
	ev["triggerSource"] = "PostConfirmation_ConfirmForgotPassword"
	payload, _ = json.Marshal(ev)
	members := inmem.NewMembers(inmem.NewOutbox())
	if _, err := invoke(t, members, payload); err != nil {
		t.Fatal(err)
	}
	if n := len(members.All()); n != 0 {
		t.Errorf("forgot-password confirmation recorded %d members", n)
	}
}

type failing struct{}

func (failing) Add(context.Context, auth.Member, outbox.Record) (bool, error) {
	return false, errors.New("throttled")
}

func TestFailureIsReportedSoCognitoRetries(t *testing.T) {
	t.Parallel()
	payload, _ := os.ReadFile("testdata/post-confirmation.json")
	if _, err := invoke(t, failing{}, payload); err == nil {
		t.Error("a failed write was not reported")
	}
}

func TestEventWithoutSubIsAnError(t *testing.T) {
	t.Parallel()
	if _, err := invoke(t, inmem.NewMembers(inmem.NewOutbox()), []byte(`{"triggerSource":"PostConfirmation_ConfirmSignUp","userName":"x","request":{"userAttributes":{}}}`)); err == nil {
		t.Error("accepted an event without a sub")
	}
}
