package cognito

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"

	"github.com/eventboard/eventboard/internal/awsenv"
)

// NewAPIClient returns the Cognito client of a function, honouring an
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER override (an emulator).
//
// Every call it makes has a person waiting on the other side of the API, so
// its retries are the client's (see newRetryer), not the SDK's defaults,
// and it gives up in time for the function to answer (see callBudget).
func NewAPIClient(cfg aws.Config, lookup awsenv.Lookup) *cip.Client {
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.BaseEndpoint = awsenv.Endpoint(lookup, "Cognito Identity Provider")
		o.Retryer = newRetryer()
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(callBudget{}, middleware.Before)
		})
	})
}

// answerMargin is the time a function keeps, after a Cognito call, to
// answer its client.
const answerMargin = time.Second

// errOutOfTime marks a Cognito call given up because the function's
// deadline was near: mapError makes it auth.ErrTooManyRequests, a 429 with
// Retry-After.
var errOutOfTime = errors.New("gave up on Cognito to answer before the function's deadline")

// callBudget ends a call answerMargin before the context's deadline (the
// function's). A user pool that answers slowly (under a flood, the local
// one queues its password hashing) then costs the client a 429 it can
// retry, where the call used to run into the deadline and the client saw a
// 500.
type callBudget struct{}

func (callBudget) ID() string { return "CognitoCallBudget" }

func (callBudget) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return next.HandleInitialize(ctx, in)
	}
	ctx, cancel := context.WithDeadlineCause(ctx, deadline.Add(-answerMargin), errOutOfTime)
	defer cancel()
	out, md, err := next.HandleInitialize(ctx, in)
	if err != nil && errors.Is(context.Cause(ctx), errOutOfTime) {
		err = fmt.Errorf("%w: %w", errOutOfTime, err)
	}
	return out, md, err
}

// The retry policy of the functions' Cognito calls.
const (
	// maxAttempts is one try and one retry of a transient fault.
	maxAttempts = 2
	// maxBackoff bounds the pause before the retry.
	maxBackoff = 200 * time.Millisecond
)

// newRetryer returns the SDK's standard retryer, except that a throttled
// call (TooManyRequestsException, LimitExceededException, …) is never
// retried: it becomes auth.ErrTooManyRequests, a 429 with Retry-After, and
// the client backs off. The SDK's defaults retried it twice with up to
// seconds of backoff: that multiplies the load on a throttled user pool and,
// with a user pool that answers throttles slowly, outlived the function's
// timeout, so a client saw a 500 where it should have seen a 429. Transient
// faults (5xx, a dropped connection) are retried once after a short pause,
// well inside any function's timeout.
func newRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.Retryables = append([]retry.IsErrorRetryable{noRetryOnThrottle{}}, o.Retryables...)
	})
}

// noRetryOnThrottle refuses a retry of any error the SDK counts as
// throttling. It is consulted first, so it wins over the defaults that
// would retry it.
type noRetryOnThrottle struct{}

func (noRetryOnThrottle) IsErrorRetryable(err error) aws.Ternary {
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}
