// Package postconfirm is the Cognito post-confirmation trigger: when a user
// confirms their sign-up, it records them. Cognito may invoke it more than
// once for one confirmation (it retries on errors and timeouts), so it is
// idempotent, and it finishes well inside Cognito's 5 second limit.
package postconfirm

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/internal/auth"
)

// Event is what Cognito sends, and what the trigger must return.
type Event = events.CognitoEventUserPoolsPostConfirmation

// ConfirmSignUp is the trigger source this function acts on; others (such as
// PostConfirmation_ConfirmForgotPassword) are returned untouched.
const ConfirmSignUp = "PostConfirmation_ConfirmSignUp"

// budget bounds the work of one invocation, leaving Cognito's 5 s room for
// the cold start and the network.
const budget = 3 * time.Second

// Handler returns the trigger: it records the confirmed user in members and
// returns the event it was given, unchanged. An error makes Cognito fail (and
// retry) the confirmation, so it only returns one when the user could not be
// recorded.
func Handler(members auth.Members, log *slog.Logger, now func() time.Time) func(context.Context, Event) (Event, error) {
	return func(ctx context.Context, ev Event) (Event, error) {
		if ev.TriggerSource != ConfirmSignUp {
			return ev, nil
		}
		attrs := ev.Request.UserAttributes
		m := auth.Member{Sub: attrs["sub"], Username: ev.UserName, Email: attrs["email"], ConfirmedAt: now().UTC()}
		if m.Sub == "" || m.Username == "" {
			return ev, fmt.Errorf("postconfirm: event for %q has no sub or username", ev.UserName)
		}
		ctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		added, err := members.Add(ctx, m)
		if err != nil {
			log.ErrorContext(ctx, "recording the confirmed user failed", "sub", m.Sub, "error", err)
			return ev, fmt.Errorf("postconfirm: record %s: %w", m.Sub, err)
		}
		log.InfoContext(ctx, "user confirmed", "sub", m.Sub, "username", m.Username, "firstTime", added)
		return ev, nil
	}
}
