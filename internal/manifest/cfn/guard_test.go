package cfn_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// cfn-guard and the AWS Control Tower proactive controls, both shipped by
// the npm package @cdklabs/cdk-validator-cfnguard (make lint-cfn sets
// these).
const (
	guardEnv      = "EVENTBOARD_CFN_GUARD"       // the cfn-guard binary
	guardRulesEnv = "EVENTBOARD_CFN_GUARD_RULES" // the rules directory
)

// acceptedGuardFailures are the Control Tower rules the template fails on
// purpose: rule → which resources (by logical ID prefix or suffix, "*" for
// any) and why. Anything else a rule finds fails the test.
var acceptedGuardFailures = map[string]struct {
	resources []string
	reason    string
}{
	"api_gw_v2_authorization_type_configured_check": {[]string{"HttpApiRoute"},
		"the public routes (reading posts and stats, signing up and in) have no authorizer by design; the handlers authenticate what needs it (design.md's route table)"},
	"lambda_function_public_access_prohibited_check": {[]string{"LambdaPermissionHttpApi", "UrlFromCloudFront", "InvokeFromCloudFront"},
		"the framework's permission lets apigateway.amazonaws.com invoke the function, scoped by SourceArn to this API; the rule asks for SourceAccount, which API Gateway does not send. " +
			"The reads' function URLs admit cloudfront.amazonaws.com scoped by SourceArn to this distribution, an Fn::Join of its id the rule does not resolve (a distribution has no Arn attribute to Fn::GetAtt)"},
	"lambda_inside_vpc_check": {[]string{"LambdaFunction"},
		"the functions call only AWS's regional endpoints; a VPC would add NAT or endpoint costs and cold-start time for no private resource to reach"},
	"cloudwatch_log_group_retention_period_check": {[]string{"LogGroup"},
		"logs are kept 30 days (provider.logRetentionInDays), a choice of cost over a year's retention; docs/cost.md"},
	"cloudwatch_log_group_encrypted_check": {[]string{"LogGroup"},
		"CloudWatch Logs encrypts every log group at rest already; a customer-managed KMS key adds cost and a key policy to run, for logs that hold no secrets"},
	"dynamodb_table_encrypted_kms_check": {[]string{"Table"},
		"DynamoDB encrypts every table at rest with an AWS-owned key; a KMS key adds cost per request and a key to manage"},
	"s3_bucket_default_encryption_kms_check": {[]string{"ServerlessDeploymentBucket", "SiteBucket", "SiteLogsBucket"},
		"both buckets use SSE-S3; the site is public content, the deployment bucket holds the function zips; KMS would add per-request cost (and CloudFront's OAC would need the key)"},
	"s3_bucket_logging_enabled_check": {[]string{"ServerlessDeploymentBucket", "SiteBucket", "SiteLogsBucket"},
		"reads of the site are logged by CloudFront (standard logs, param siteLogs); the deployment bucket is written only by CloudFormation deploys, which CloudTrail records"},
	"s3_bucket_object_lock_enabled_check": {[]string{"ServerlessDeploymentBucket", "SiteBucket", "SiteLogsBucket"},
		"both are rebuilt from the repository on every deploy; object lock would keep what must be replaceable"},
	"s3_bucket_versioning_enabled_check": {[]string{"ServerlessDeploymentBucket", "SiteBucket", "SiteLogsBucket"},
		"both are rebuilt from the repository on every deploy (the framework keeps its own artifacts per deploy); versions would only cost storage"},
	"s3_event_notifications_enabled_check": {[]string{"ServerlessDeploymentBucket", "SiteBucket", "SiteLogsBucket"},
		"nothing reacts to uploads"},
	"s3_lifecycle_policy_check": {[]string{"ServerlessDeploymentBucket", "SiteBucket", "SiteLogsBucket"},
		"the site keeps old hashed assets on purpose (a page loaded before a deploy still finds its chunks); the framework prunes its own deployment artifacts"},
	"s3_bucket_policy_ssl_requests_only_check": {[]string{"ServerlessDeploymentBucketPolicy"},
		"the framework's policy does deny aws:SecureTransport false, on the bucket's objects by a Fn::Join the rule does not resolve"},
	"sqs_dlq_check": {[]string{"CounterRuleDLQ", "OutboxSweeperScheduleDLQ"},
		"dead-letter queues of an EventBridge rule and a Scheduler schedule, not of a queue: RedriveAllowPolicy denyAll says no queue may redrive into them, which the rule reads as 'not a DLQ' and asks a DLQ of its own for"},
	"kms_create_grant_aws_service_check": {[]string{"AlarmTopicKey"},
		"the key policy's first statement is KMS's default (the account administers its key through IAM); CloudWatch's statement grants no kms:CreateGrant"},
	"cloudfront_origin_failover_enabled_check": {[]string{"SiteDistribution"},
		"one bucket and one API in one region: an origin group needs a second region's copy of both"},
	"cloudfront_custom_ssl_certificate_check": {[]string{"SiteDistribution"},
		"only a stage that sets siteCertificate to an ACM certificate has its own; the others use CloudFront's *.cloudfront.net certificate"},
	"cloudfront_sni_enabled_check": {[]string{"SiteDistribution"},
		"as for the custom certificate: docs/deployment.md shows siteCertificate with sni-only"},
	"cloudfront_security_policy_check": {[]string{"SiteDistribution"},
		"CloudFront's default certificate allows only its own policy; docs/deployment.md shows siteCertificate with TLSv1.2_2021"},
	"cloudfront_access_logs_enabled_check": {[]string{"SiteDistribution"},
		"standard logs are on where the siteLogs param says (prod); other stages skip their cost"},
}

func TestControlTowerRules(t *testing.T) {
	guard, rules := os.Getenv(guardEnv), os.Getenv(guardRulesEnv)
	if guard == "" || rules == "" {
		if os.Getenv(requireEnv) == "1" && os.Getenv("EVENTBOARD_REQUIRE_GUARD") == "1" {
			t.Fatalf("%s and %s must be set: make lint-cfn sets them", guardEnv, guardRulesEnv)
		}
		t.Skipf("%s and %s are unset; make lint-cfn runs this", guardEnv, guardRulesEnv)
	}
	path := os.Getenv(templateEnv)
	if path == "" {
		t.Skipf("%s is unset", templateEnv)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(guard, "validate", "--rules", rules, "--data", path, "--show-summary", "none", "--output-format", "json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// cfn-guard exits 19 when a rule fails: the report says which.
	if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() != 19 {
		t.Fatalf("cfn-guard: %v\n%s", err, stderr.String())
	}
	failures, err := guardFailures(&stdout)
	if err != nil {
		t.Fatal(err)
	}
	if len(failures) == 0 {
		t.Fatal("cfn-guard found nothing at all: are the rules there?")
	}
	for _, rule := range slices.Sorted(mapKeys(failures)) {
		accepted, ok := acceptedGuardFailures[rule]
		for _, res := range failures[rule] {
			if !ok || !matchesAny(res, accepted.resources) {
				t.Errorf("Control Tower rule %s fails on %s: fix it, or accept it in acceptedGuardFailures with the reason", rule, res)
			}
		}
	}
}

var resourcePath = regexp.MustCompile(`/Resources/([A-Za-z0-9]+)`)

// guardFailures reads cfn-guard's JSON report (one document per data
// file) into rule → the resources it found not compliant.
func guardFailures(r io.Reader) (map[string][]string, error) {
	out := map[string][]string{}
	dec := json.NewDecoder(r)
	for {
		var doc struct {
			NotCompliant []json.RawMessage `json:"not_compliant"`
		}
		if err := dec.Decode(&doc); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("cfn-guard report: %w", err)
		}
		for _, nc := range doc.NotCompliant {
			var rule struct {
				Rule *struct {
					Name string `json:"name"`
				} `json:"Rule"`
			}
			if err := json.Unmarshal(nc, &rule); err != nil {
				return nil, fmt.Errorf("cfn-guard report: %w", err)
			}
			if rule.Rule == nil {
				continue
			}
			for _, m := range resourcePath.FindAllStringSubmatch(string(nc), -1) {
				if !slices.Contains(out[rule.Rule.Name], m[1]) {
					out[rule.Rule.Name] = append(out[rule.Rule.Name], m[1])
				}
			}
		}
	}
}

func matchesAny(resource string, patterns []string) bool {
	for _, p := range patterns {
		if p == "*" || strings.HasPrefix(resource, p) || strings.HasSuffix(resource, p) {
			return true
		}
	}
	return false
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
