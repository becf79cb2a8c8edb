// Package confirmtrigger is the Cognito post-confirmation trigger: when a user
// confirms their sign-up, it records them. Cognito may invoke it more than
// once for one confirmation (it retries on errors and timeouts), so it is
// idempotent, and it finishes well inside Cognito's 5 second limit.
//
// It is the function postConfirmation, built by workers/postconfirm (the
// handler path serverless.yml names).
package confirmtrigger

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/events"
	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/correlation"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/outbox"
)

// Event is what Cognito sends, and what the trigger must return.
type Event = awsevents.CognitoEventUserPoolsPostConfirmation

// ConfirmSignUp is the trigger source this function acts on; others (such as
// PostConfirmation_ConfirmForgotPassword) are returned untouched.
const ConfirmSignUp = "PostConfirmation_ConfirmSignUp"

// budget bounds the work of one invocation, leaving Cognito's 5 s room for
// the cold start and the network.
const budget = 3 * time.Second

// Relay publishes the UserConfirmed event recorded with the user.
type Relay interface {
	Send(ctx context.Context, records ...outbox.Record) error
}

// Handler returns the trigger: it records the confirmed user in members,
// with their UserConfirmed event in the outbox in the same transaction,
// publishes the event, and returns the Cognito event it was given,
// unchanged. An error makes Cognito fail (and retry) the confirmation, so it
// returns one only when the user could not be recorded; a failed publish is
// left to the outbox sweeper.
func Handler(members auth.Members, relay Relay, producer string, log *slog.Logger, now func() time.Time) lambdafn.Trigger[Event] {
	return func(ctx context.Context, ev Event) (Event, error) {
		if ev.TriggerSource != ConfirmSignUp {
			return ev, nil
		}
		ctx = correlation.With(ctx, correlationID(ctx, ev))
		attrs := ev.Request.UserAttributes
		m := auth.Member{Sub: attrs["sub"], Username: ev.UserName, Email: attrs["email"], ConfirmedAt: now().UTC().Truncate(time.Millisecond)}
		if m.Sub == "" || m.Username == "" {
			return ev, fmt.Errorf("confirmtrigger: event for %q has no sub or username", ev.UserName)
		}
		id, err := uuid.NewV7()
		if err != nil {
			return ev, fmt.Errorf("confirmtrigger: event id: %w", err)
		}
		e, err := events.New(events.UserConfirmed{UserID: m.Sub, Username: m.Username, ConfirmedAt: m.ConfirmedAt}, events.Metadata{
			EventID:       id.String(),
			OccurredAt:    m.ConfirmedAt,
			CorrelationID: correlation.From(ctx),
			Producer:      producer,
		})
		if err != nil {
			return ev, fmt.Errorf("confirmtrigger: %w", err)
		}
		rec, err := outbox.FromEvent(e)
		if err != nil {
			return ev, fmt.Errorf("confirmtrigger: %w", err)
		}
		ctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		added, err := members.Add(ctx, m, rec)
		if err != nil {
			log.ErrorContext(ctx, "recording the confirmed user failed", "sub", m.Sub, "error", err)
			return ev, fmt.Errorf("confirmtrigger: record %s: %w", m.Sub, err)
		}
		log.InfoContext(ctx, "user confirmed", "sub", m.Sub, "username", m.Username, "firstTime", added)
		if added {
			if err := relay.Send(ctx, rec); err != nil {
				log.WarnContext(ctx, "event left in the outbox for the sweeper", "eventId", rec.EventID, "error", err)
			}
		}
		return ev, nil
	}
}

// correlationID is the confirm request's correlation id, which the app
// passes through Cognito as client metadata, or else this invocation's
// request id.
func correlationID(ctx context.Context, ev Event) string {
	if id := ev.Request.ClientMetadata["correlationId"]; correlation.Valid(id) {
		return id
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		return lc.AwsRequestID
	}
	return ev.UserName
}
