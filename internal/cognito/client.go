package cognito

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/eventboard/eventboard/internal/awsenv"
)

// NewAPIClient returns the Cognito client of a function, honouring an
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER override (an emulator).
//
// Every call it makes has a person waiting on the other side of the API, so
// its retries are the client's (see newRetryer), not the SDK's defaults.
func NewAPIClient(cfg aws.Config, lookup awsenv.Lookup) *cip.Client {
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.BaseEndpoint = awsenv.Endpoint(lookup, "Cognito Identity Provider")
		o.Retryer = newRetryer()
	})
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
