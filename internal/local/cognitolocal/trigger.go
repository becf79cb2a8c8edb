package cognitolocal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
)

// triggerAttempts is how many times Cognito calls a trigger that does not
// answer in time before it gives up.
const triggerAttempts = 3

// Values of the post confirmation event.
const (
	triggerSourceConfirmSignUp = "PostConfirmation_ConfirmSignUp"
	// sdkVersionUnknown is callerContext.awsSdkVersion for calls whose SDK
	// Cognito did not recognise.
	sdkVersionUnknown = "aws-sdk-unknown-unknown"
	// clientIDNotApplicable is callerContext.clientId for administrator
	// calls, which carry no app client.
	clientIDNotApplicable = "CLIENT_ID_NOT_APPLICABLE"
)

// postConfirmationEvent is the event Cognito sends the post confirmation
// trigger, members in the order of Cognito's own events. It decodes into
// aws-lambda-go's events.CognitoEventUserPoolsPostConfirmation.
type postConfirmationEvent struct {
	Version       string        `json:"version"`
	Region        string        `json:"region"`
	UserPoolID    string        `json:"userPoolId"`
	UserName      string        `json:"userName"`
	CallerContext callerContext `json:"callerContext"`
	TriggerSource string        `json:"triggerSource"`
	Request       struct {
		UserAttributes map[string]string `json:"userAttributes"`
		ClientMetadata map[string]string `json:"clientMetadata,omitempty"`
	} `json:"request"`
	Response struct{} `json:"response"`
}

type callerContext struct {
	AWSSDKVersion string `json:"awsSdkVersion"`
	ClientID      string `json:"clientId"`
}

// postConfirmationEvent returns the event for the confirmation of u, made by
// clientID, or nil when the pool has no trigger. userAttributes holds every
// attribute, sub and cognito:user_status included, as strings.
func (s *Server) postConfirmationEvent(u *user, clientID string, metadata map[string]string) ([]byte, error) {
	if s.cfg.PostConfirmation == nil {
		return nil, nil
	}
	ev := postConfirmationEvent{
		Version:       "1",
		Region:        s.cfg.Region,
		UserPoolID:    s.cfg.PoolID,
		UserName:      u.Username,
		CallerContext: callerContext{AWSSDKVersion: sdkVersionUnknown, ClientID: clientID},
		TriggerSource: triggerSourceConfirmSignUp,
	}
	attrs := maps.Clone(u.Attributes)
	attrs[attrSub] = u.Sub
	attrs[attrUserStatus] = u.Status
	ev.Request.UserAttributes = attrs
	if len(metadata) > 0 {
		ev.Request.ClientMetadata = metadata
	}
	return json.Marshal(ev)
}

// runPostConfirmation invokes the trigger with event (nothing when event is
// nil) the way Cognito does: synchronously, each attempt limited to
// TriggerTimeout, and again after a timeout, up to three attempts in all. The
// caller's cancellation does not stop it, as a client that hangs up does not
// stop Cognito.
//
// It returns UnexpectedLambdaException when every attempt timed out,
// UserLambdaValidationException when the function returned an error (not
// retried), and InvalidLambdaResponseException when it answered with
// something other than a JSON object.
func (s *Server) runPostConfirmation(ctx context.Context, event []byte) error {
	if event == nil {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	for range triggerAttempts {
		out, err := s.invokeOnce(ctx, event)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			continue
		case err != nil:
			return newError(errUserLambdaValidation, "PostConfirmation failed with error %s.", err.Error())
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(out, &obj) != nil || obj == nil {
			return newError(errInvalidLambdaResponse, "Unrecognizable lambda output")
		}
		return nil
	}
	return newError(errUnexpectedLambda,
		"PostConfirmation invocation failed due to error Socket timeout while invoking Lambda function.")
}

// invokeOnce makes one attempt. A function that ignores its context and runs
// past the timeout is abandoned, not stopped: it finishes in the background,
// as a Lambda function keeps running after Cognito stops waiting for it.
func (s *Server) invokeOnce(ctx context.Context, event []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.TriggerTimeout)
	defer cancel()
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := s.cfg.PostConfirmation(ctx, bytes.Clone(event))
		done <- result{out, err}
	}()
	select {
	case res := <-done:
		if res.err != nil && ctx.Err() != nil {
			return nil, context.DeadlineExceeded
		}
		return res.out, res.err
	case <-ctx.Done():
		return nil, context.DeadlineExceeded
	}
}
