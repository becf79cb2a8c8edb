// Package emulator points aws-sdk-go-v2 clients at local stand-ins for AWS:
// kumo (in-process) and DynamoDB Local. None of them checks signatures, so
// the credentials are static placeholders.
package emulator

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	_ "unsafe" // go:linkname kumoHandler

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	_ "github.com/sivchari/kumo" // kumoHandler

	"github.com/eventboard/eventboard/internal/local/portguard"
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

// kumoStart serializes kumo's start: kumo's services are process-wide and
// starting two servers at once races on their shared state.
var kumoStart sync.Mutex

// kumoHandler is the handler kumo.NewServer serves. kumo exports only the
// server, which serves it on a port that checks nothing; the local stack
// must serve it behind portguard (a loopback Host, a SigV4-shaped
// Authorization header), so it takes the handler itself. The version of
// kumo is pinned in go.mod; if kumo renames the function, the build fails
// at link time rather than running unguarded.
//
//go:linkname kumoHandler github.com/sivchari/kumo.handler
func kumoHandler() http.Handler

// Kumo is an in-process kumo server on a loopback port guarded as every
// AWS API port of the local stack is (portguard.AWSAPI): the SDKs, the
// AWS CLI and kumo's own deliveries sign their requests, a web page
// cannot.
type Kumo struct {
	// URL is the base URL of the server, "http://127.0.0.1:port".
	URL string
	hs  *http.Server
}

// NewKumo starts an in-process kumo server, which keeps rule targets'
// DeadLetterConfig where kumo alone drops it (ruleDeadLetters). Its state
// is shared with every other kumo server of the process (kumo registers
// its services once), so callers keep their resources apart by name. It
// panics if it cannot listen on loopback, as httptest.NewServer (which
// kumo.NewServer uses) does.
func NewKumo() *Kumo {
	kumoStart.Lock()
	defer kumoStart.Unlock()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("emulator.NewKumo: listen: %v", err))
	}
	hs := portguard.Server(portguard.AWSAPI(ruleDeadLetters.wrap(kumoHandler()), nil))
	go func() { _ = hs.Serve(ln) }()
	return &Kumo{URL: "http://" + ln.Addr().String(), hs: hs}
}

// Close stops serving; kumo's state stays, process-wide.
func (k *Kumo) Close() { _ = k.hs.Close() }
