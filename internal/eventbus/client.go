package eventbus

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/eventboard/eventboard/internal/awsenv"
)

// NewClient returns the EventBridge client of a function, honouring an
// AWS_ENDPOINT_URL_EVENTBRIDGE override (an emulator).
func NewClient(cfg aws.Config, lookup awsenv.Lookup) *eventbridge.Client {
	return eventbridge.NewFromConfig(cfg, func(o *eventbridge.Options) {
		o.BaseEndpoint = awsenv.Endpoint(lookup, "EventBridge")
	})
}
