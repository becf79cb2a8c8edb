package emulator

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// SQS returns an SQS client for the emulator at endpoint.
func SQS(endpoint string) *sqs.Client {
	return sqs.NewFromConfig(Config(), func(o *sqs.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	})
}

// EventBridge returns an EventBridge client for the emulator at endpoint.
func EventBridge(endpoint string) *eventbridge.Client {
	return eventbridge.NewFromConfig(Config(), func(o *eventbridge.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	})
}
