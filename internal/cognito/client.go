package cognito

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/eventboard/eventboard/internal/awsenv"
)

// NewAPIClient returns the Cognito client of a function, honouring an
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER override (an emulator).
func NewAPIClient(cfg aws.Config, lookup awsenv.Lookup) *cip.Client {
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.BaseEndpoint = awsenv.Endpoint(lookup, "Cognito Identity Provider")
	})
}
