package warmer

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/eventboard/eventboard/internal/awsenv"
)

// LambdaAPI is the part of the Lambda API the warmer calls.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// NewLambdaClient returns the warmer's Lambda client, honouring an
// AWS_ENDPOINT_URL_LAMBDA override (the local stack's Invoke endpoint).
func NewLambdaClient(cfg aws.Config, lookup awsenv.Lookup) *lambda.Client {
	return lambda.NewFromConfig(cfg, func(o *lambda.Options) {
		o.BaseEndpoint = awsenv.Endpoint(lookup, "Lambda")
	})
}

// LambdaInvoker invokes functions through the Lambda Invoke API, by their
// deployed names: Prefix followed by the function's key in serverless.yml.
type LambdaInvoker struct {
	API    LambdaAPI
	Prefix string
}

var _ Invoker = LambdaInvoker{}

// Invoke implements Invoker with a synchronous (RequestResponse)
// invocation. A function error (X-Amz-Function-Error) is an error carrying
// the start of the function's answer.
func (l LambdaInvoker) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	name := l.Prefix + function
	out, err := l.API.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(name),
		InvocationType: types.InvocationTypeRequestResponse,
		Payload:        payload,
	})
	if err != nil {
		return nil, fmt.Errorf("lambda.Invoke %s: %w", name, err)
	}
	if out.FunctionError != nil {
		return nil, fmt.Errorf("lambda.Invoke %s: function error %s: %.200s", name, *out.FunctionError, out.Payload)
	}
	return out.Payload, nil
}
