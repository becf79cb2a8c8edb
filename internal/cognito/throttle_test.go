package cognito_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/cognito"
)

// A login that Cognito throttles must come back as auth.ErrTooManyRequests
// (a 429 for the client) at once. The SDK's default retryer retried
// TooManyRequestsException twice with up to seconds of backoff, so when the
// local user pool made each throttled answer wait for its bounded password
// work, a login could outlive the function's timeout and the client saw a
// 500: whether it did depended only on the machine's speed.
func TestThrottledLoginAnswersTooManyRequestsWithoutRetrying(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	client := fakeCognito(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		// The local user pool answers a flood after waiting for a password
		// slot; stand in for that wait.
		time.Sleep(100 * time.Millisecond)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"TooManyRequestsException","message":"Too many requests, please try again later."}`))
	})
	// Far longer than one answer takes, however slow the machine.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := client.Login(ctx, "ivan", "Wrong-pass-1")
	if !errors.Is(err, auth.ErrTooManyRequests) {
		t.Errorf("Login: %v, want auth.ErrTooManyRequests", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("Cognito was called %d times for one throttled login, want 1 (a throttled call is answered, not retried)", n)
	}
}

// A user pool that had not answered when the function's deadline came
// made the call fail with the deadline, and the client saw a 500: under a
// flood of sign-ups and logins on a busy machine, the local pool's queued
// password hashing took that long. The call now gives up in time for the
// function to answer 429 (with Retry-After) before its deadline.
func TestSlowUserPoolAnswersTooManyRequestsBeforeTheDeadline(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	client := fakeCognito(t, func(w http.ResponseWriter, r *http.Request) {
		<-stop // answers only when the test ends
	})
	defer close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := client.SignUp(ctx, "ivan", "ivan@example.com", "Correct-horse-1")
	if !errors.Is(err, auth.ErrTooManyRequests) {
		t.Errorf("SignUp: %v, want auth.ErrTooManyRequests", err)
	}
	if ctx.Err() != nil {
		t.Errorf("SignUp returned after the function's deadline: the function could not answer in time")
	}
}

// fakeCognito returns a Client whose user pool is handler, built as a
// function builds its own (NewAPIClient).
func fakeCognito(t *testing.T, handler http.HandlerFunc) *cognito.Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	}
	lookup := func(k string) (string, bool) {
		if k == "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER" {
			return srv.URL, true
		}
		return "", false
	}
	client, err := cognito.New(cognito.NewAPIClient(cfg, lookup), "client", "")
	if err != nil {
		t.Fatal(err)
	}
	return client
}
