package postconfirm_test

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

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/inmem"
	"github.com/eventboard/eventboard/internal/postconfirm"
)

var confirmedAt = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func invoke(t *testing.T, members auth.Members, payload []byte) ([]byte, error) {
	t.Helper()
	h := postconfirm.Handler(members, slog.New(slog.DiscardHandler), func() time.Time { return confirmedAt })
	return lambda.NewHandler(h).Invoke(context.Background(), payload)
}

func TestRecordsOnceAndReturnsTheEvent(t *testing.T) {
	t.Parallel()
	payload, err := os.ReadFile("testdata/post-confirmation.json")
	if err != nil {
		t.Fatal(err)
	}
	members := inmem.NewMembers()
	for range 2 { // Cognito retries: the second call must change nothing
		out, err := invoke(t, members, payload)
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
}

func TestOtherSourcesAreLeftAlone(t *testing.T) {
	t.Parallel()
	payload, _ := os.ReadFile("testdata/post-confirmation.json")
	var ev map[string]any
	_ = json.Unmarshal(payload, &ev)
	ev["triggerSource"] = "PostConfirmation_ConfirmForgotPassword"
	payload, _ = json.Marshal(ev)
	members := inmem.NewMembers()
	if _, err := invoke(t, members, payload); err != nil {
		t.Fatal(err)
	}
	if n := len(members.All()); n != 0 {
		t.Errorf("forgot-password confirmation recorded %d members", n)
	}
}

type failing struct{}

func (failing) Add(context.Context, auth.Member) (bool, error) { return false, errors.New("throttled") }

func TestFailureIsReportedSoCognitoRetries(t *testing.T) {
	t.Parallel()
	payload, _ := os.ReadFile("testdata/post-confirmation.json")
	if _, err := invoke(t, failing{}, payload); err == nil {
		t.Error("a failed write was not reported")
	}
}

func TestEventWithoutSubIsAnError(t *testing.T) {
	t.Parallel()
	if _, err := invoke(t, inmem.NewMembers(), []byte(`{"triggerSource":"PostConfirmation_ConfirmSignUp","userName":"x","request":{"userAttributes":{}}}`)); err == nil {
		t.Error("accepted an event without a sub")
	}
}
