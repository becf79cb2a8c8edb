// Package awsenv builds the aws-sdk-go-v2 configuration of a Lambda
// function from the environment Lambda gives it: the region and the
// execution role's credentials.
//
// It stands in for config.LoadDefaultConfig on purpose: that loader links the
// shared-config, SSO, STS and IMDS providers (about 2 MB per binary) that a
// function never uses, and every API binary must stay under 10 MiB. What it
// reads is exactly what the default chain reads first on Lambda.
package awsenv

import (
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Lookup reads an environment variable (os.LookupEnv in main).
type Lookup func(string) (string, bool)

// Config returns the SDK configuration for a function: AWS_REGION, and the
// credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN, which Lambda keeps valid for the life of the execution
// environment.
func Config(lookup Lookup) (aws.Config, error) {
	get := func(k string) string { v, _ := lookup(k); return v }
	region := get("AWS_REGION")
	if region == "" {
		region = get("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return aws.Config{}, errors.New("awsenv.Config: AWS_REGION is not set")
	}
	key, secret := get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")
	if key == "" || secret == "" {
		return aws.Config{}, errors.New("awsenv.Config: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
	}
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, get("AWS_SESSION_TOKEN"))),
	}, nil
}

// Endpoint returns the endpoint override for a service, as the SDK's
// AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL variables set it (used to
// point a function at an emulator); nil when neither is set.
func Endpoint(lookup Lookup, serviceID string) *string {
	name := "AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(serviceID, " ", "_"))
	if v, ok := lookup(name); ok && v != "" {
		return &v
	}
	if v, ok := lookup("AWS_ENDPOINT_URL"); ok && v != "" {
		return &v
	}
	return nil
}
