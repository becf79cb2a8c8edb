// Package emulator points aws-sdk-go-v2 clients at local stand-ins for AWS:
// kumo (in-process) and DynamoDB Local. None of them checks signatures, so
// the credentials are static placeholders.
package emulator

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sivchari/kumo"
)

// Region is the region every local client claims to be in.
const Region = "us-east-1"

// Config returns an SDK config for an emulator: static credentials, the
// local region, and a retryer that retries only a dropped or refused
// connection, so an error the emulator answers (a throttle, a conflict, an
// injected fault) shows at once while a busy machine closing a kept-alive
// connection does not fail a test. It is for the stack's own clients and
// tests: functions build theirs as on AWS, with the SDK's default retryer
// (package lambdafn).
func Config() aws.Config {
	return aws.Config{
		Region:      Region,
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// DynamoDB returns a DynamoDB client for the emulator at endpoint.
// Response checksums are not validated: kumo does not compute them as AWS
// does.
func DynamoDB(endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(Config(), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.DisableValidateResponseChecksum = true
	})
}

// kumoStart serializes kumo.NewServer: kumo's services are process-wide and
// starting two servers at once races on their shared state.
var kumoStart sync.Mutex

// NewKumo starts an in-process kumo server. Its state is shared with every
// other kumo server of the process (kumo registers its services once), so
// callers keep their resources apart by name.
func NewKumo() *kumo.Server {
	kumoStart.Lock()
	defer kumoStart.Unlock()
	return kumo.NewServer()
}
