package cognitolocal

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/google/go-cmp/cmp"
)

// recorder is a post confirmation trigger that records the events it gets
// and answers attempt n (counted from 1) with answer.
type recorder struct {
	answer func(ctx context.Context, n int, event []byte) ([]byte, error)

	mu     sync.Mutex
	events [][]byte
}

func (r *recorder) invoke(ctx context.Context, event []byte) ([]byte, error) {
	r.mu.Lock()
	r.events = append(r.events, event)
	n := len(r.events)
	r.mu.Unlock()
	if r.answer == nil {
		return event, nil
	}
	return r.answer(ctx, n, event)
}

func (r *recorder) calls() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.events...)
}

// lambdaTrigger returns a post confirmation trigger that runs handler behind
// lambda.NewHandler, the entry point lambda.Start uses, and records events.
func lambdaTrigger(rec *recorder, handler func(context.Context, events.CognitoEventUserPoolsPostConfirmation) (events.CognitoEventUserPoolsPostConfirmation, error)) func(context.Context, []byte) ([]byte, error) {
	h := lambda.NewHandler(handler)
	rec.answer = func(ctx context.Context, _ int, event []byte) ([]byte, error) { return h.Invoke(ctx, event) }
	return rec.invoke
}

func assertJSON(t *testing.T, goldenFile string, got []byte) {
	t.Helper()
	raw, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	var want, have any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: %v", goldenFile, err)
	}
	if err := json.Unmarshal(got, &have); err != nil {
		t.Fatalf("event is not JSON: %v\n%s", err, got)
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("event mismatch with %s (-want +got):\n%s", goldenFile, diff)
	}
}

func TestPostConfirmationEvent(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	seen := make(chan events.CognitoEventUserPoolsPostConfirmation, 1)
	f := newFixture(t, func(c *Config) {
		c.PostConfirmation = lambdaTrigger(rec, func(_ context.Context, ev events.CognitoEventUserPoolsPostConfirmation) (events.CognitoEventUserPoolsPostConfirmation, error) {
			seen <- ev
			return ev, nil
		})
	})
	f.signUp(t, "Alice", "alice@example.com")
	confirm := &cip.ConfirmSignUpInput{
		ClientId:         aws.String(testClientID),
		Username:         aws.String("alice"),
		ConfirmationCode: aws.String(f.lastCode(t, "alice")),
		ClientMetadata:   map[string]string{"source": "signup-page"},
	}
	if _, err := f.client.ConfirmSignUp(ctx, confirm); err != nil {
		t.Fatalf("ConfirmSignUp: %v", err)
	}
	calls := rec.calls()
	if len(calls) != 1 {
		t.Fatalf("trigger invoked %d times, want once", len(calls))
	}
	assertJSON(t, "testdata/post-confirmation-confirm-sign-up.json", calls[0])
	if ev := <-seen; ev.TriggerSource != "PostConfirmation_ConfirmSignUp" || ev.Request.UserAttributes["cognito:user_status"] != "CONFIRMED" {
		t.Errorf("the Lambda handler decoded %+v", ev)
	}

	_, err := f.client.ConfirmSignUp(ctx, confirm)
	if got := failureOf(err); got.Code != "NotAuthorizedException" {
		t.Errorf("second ConfirmSignUp: %v, want NotAuthorizedException", err)
	}
	if n := len(rec.calls()); n != 1 {
		t.Errorf("trigger invoked %d times after a second confirmation, want once", n)
	}
}

func TestPostConfirmationEventOfAdminConfirmSignUp(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	f := newFixture(t, func(c *Config) {
		c.Region = "eu-west-1"
		c.PostConfirmation = rec.invoke
	})
	f.signUp(t, "wendy", "wendy@example.com")
	_, err := f.client.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{
		UserPoolId: aws.String(testPoolID), Username: aws.String("WENDY"),
	})
	if err != nil {
		t.Fatalf("AdminConfirmSignUp: %v", err)
	}
	calls := rec.calls()
	if len(calls) != 1 {
		t.Fatalf("trigger invoked %d times, want once", len(calls))
	}
	assertJSON(t, "testdata/post-confirmation-admin-confirm-sign-up.json", calls[0])
	if status, attrs := f.status(t, "wendy"); status != "CONFIRMED" || attrs["email_verified"] != "false" {
		t.Errorf("after AdminConfirmSignUp: %s, email_verified %q; want CONFIRMED, false", status, attrs["email_verified"])
	}
	f.login(t, "wendy")
}

func TestPostConfirmationFailures(t *testing.T) {
	t.Parallel()
	const timeout = 30 * time.Millisecond
	blockUntilDone := func(ctx context.Context) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	tests := []struct {
		name         string
		answer       func(ctx context.Context, n int, event []byte) ([]byte, error)
		want         failure
		wantAttempts int
	}{
		{
			name: "function error",
			answer: func(context.Context, int, []byte) ([]byte, error) {
				return nil, errors.New("table users is unavailable")
			},
			want:         failure{"UserLambdaValidationException", "PostConfirmation failed with error table users is unavailable."},
			wantAttempts: 1,
		},
		{
			name:         "every attempt times out",
			answer:       func(ctx context.Context, _ int, _ []byte) ([]byte, error) { return blockUntilDone(ctx) },
			want:         failure{"UnexpectedLambdaException", "PostConfirmation invocation failed due to error Socket timeout while invoking Lambda function."},
			wantAttempts: 3,
		},
		{
			name: "function that ignores its deadline",
			answer: func(_ context.Context, _ int, event []byte) ([]byte, error) {
				time.Sleep(3 * timeout)
				return event, nil
			},
			want:         failure{"UnexpectedLambdaException", "PostConfirmation invocation failed due to error Socket timeout while invoking Lambda function."},
			wantAttempts: 3,
		},
		{
			name: "answers on the third attempt",
			answer: func(ctx context.Context, n int, event []byte) ([]byte, error) {
				if n < 3 {
					return blockUntilDone(ctx)
				}
				return event, nil
			},
			wantAttempts: 3,
		},
		{
			name:         "unrecognizable output",
			answer:       func(context.Context, int, []byte) ([]byte, error) { return []byte(`"done"`), nil },
			want:         failure{"InvalidLambdaResponseException", "Unrecognizable lambda output"},
			wantAttempts: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{answer: tt.answer}
			f := newFixture(t, func(c *Config) {
				c.PostConfirmation = rec.invoke
				c.TriggerTimeout = timeout
			})
			f.signUp(t, "xavier", "xavier@example.com")
			code := f.lastCode(t, "xavier")
			_, err := f.client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
				ClientId: aws.String(testClientID), Username: aws.String("xavier"), ConfirmationCode: aws.String(code),
			})
			if diff := cmp.Diff(tt.want, failureOf(err)); diff != "" {
				t.Errorf("ConfirmSignUp error mismatch (-want +got):\n%s", diff)
			}
			if n := len(rec.calls()); n != tt.wantAttempts {
				t.Errorf("trigger invoked %d times, want %d", n, tt.wantAttempts)
			}
			// Whatever the trigger did, the user is confirmed and can sign in;
			// confirming again does not run the trigger again.
			if status, attrs := f.status(t, "xavier"); status != "CONFIRMED" || attrs["email_verified"] != "true" {
				t.Errorf("after the trigger: %s, email_verified %q; want CONFIRMED, true", status, attrs["email_verified"])
			}
			f.login(t, "xavier")
			_, err = f.client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
				ClientId: aws.String(testClientID), Username: aws.String("xavier"), ConfirmationCode: aws.String(code),
			})
			if failureOf(err).Code != "NotAuthorizedException" || len(rec.calls()) != tt.wantAttempts {
				t.Errorf("confirming again: %v after %d invocations; want NotAuthorizedException and no new invocation",
					err, len(rec.calls()))
			}
		})
	}
}

func TestConcurrentConfirmationsRunTheTriggerOnce(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	f := newFixture(t, func(c *Config) { c.PostConfirmation = rec.invoke })
	f.signUp(t, "yvonne", "yvonne@example.com")
	code := f.lastCode(t, "yvonne")

	const n = 10
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := f.client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
				ClientId: aws.String(testClientID), Username: aws.String("yvonne"), ConfirmationCode: aws.String(code),
			})
			errs <- err
		}()
	}
	var ok int
	for range n {
		err := <-errs
		switch got := failureOf(err); {
		case err == nil:
			ok++
		case got.Code != "NotAuthorizedException":
			t.Errorf("concurrent ConfirmSignUp: %v", err)
		}
	}
	if ok != 1 || len(rec.calls()) != 1 {
		t.Errorf("%d confirmations succeeded and the trigger ran %d times; want 1 and 1", ok, len(rec.calls()))
	}
}
