package awsenv_test

import (
	"context"
	"testing"

	"github.com/eventboard/eventboard/internal/awsenv"
)

func env(m map[string]string) awsenv.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfig(t *testing.T) {
	t.Parallel()
	cfg, err := awsenv.Config(env(map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "TOKEN",
	}))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" || creds.AccessKeyID != "AKID" || creds.SecretAccessKey != "SECRET" || creds.SessionToken != "TOKEN" {
		t.Errorf("got region %q, creds %+v", cfg.Region, creds)
	}
}

func TestConfigNeedsRegionAndCredentials(t *testing.T) {
	t.Parallel()
	for _, m := range []map[string]string{
		{"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"},
		{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "a"},
	} {
		if _, err := awsenv.Config(env(m)); err == nil {
			t.Errorf("Config(%v) succeeded", m)
		}
	}
}

func TestEndpoint(t *testing.T) {
	t.Parallel()
	if got := awsenv.Endpoint(env(map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://a", "AWS_ENDPOINT_URL": "http://b"}), "DynamoDB"); got == nil || *got != "http://a" {
		t.Errorf("service endpoint = %v", got)
	}
	if got := awsenv.Endpoint(env(map[string]string{"AWS_ENDPOINT_URL": "http://b"}), "Cognito Identity Provider"); got == nil || *got != "http://b" {
		t.Errorf("global endpoint = %v", got)
	}
	if got := awsenv.Endpoint(env(nil), "DynamoDB"); got != nil {
		t.Errorf("no endpoint = %v", *got)
	}
}
