package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/awsenv"
)

// NewClient returns the DynamoDB client of a function, honouring an
// AWS_ENDPOINT_URL_DYNAMODB override (an emulator). Every call it makes
// asks for its consumed capacity (see ConsumedCapacity).
func NewClient(cfg aws.Config, lookup awsenv.Lookup) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = awsenv.Endpoint(lookup, "DynamoDB")
	}, ConsumedCapacity)
}
