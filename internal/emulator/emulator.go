// Package emulator points aws-sdk-go-v2 clients at local stand-ins for AWS:
// kumo (in-process) and DynamoDB Local. None of them checks signatures, so
// the credentials are static placeholders.
package emulator

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Region is the region every local client claims to be in.
const Region = "us-east-1"

// Config returns an SDK config for an emulator: static credentials, the
// local region, and no retries, so a fault in a test shows at once.
func Config() aws.Config {
	return aws.Config{
		Region:           Region,
		Credentials:      credentials.NewStaticCredentialsProvider("local", "local", ""),
		RetryMaxAttempts: 1,
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
