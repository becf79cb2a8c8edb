package costmodel

// Resources says, for every kind of resource the packaged stack declares,
// which lines of the bill price it or why it costs nothing at this use.
// internal/manifest/cfn's TestGeneratedTemplate fails on a kind of the
// generated template missing here, so a new kind of resource is priced
// before it ships; docs/cost.md lists them.
var Resources = map[string]string{
	"AWS::ApiGatewayV2::Api":                 "API Gateway (HTTP API): requests",
	"AWS::ApiGatewayV2::Authorizer":          "nothing: the JWT authorizer is part of the HTTP API's request price",
	"AWS::ApiGatewayV2::Integration":         "nothing: part of the HTTP API's request price",
	"AWS::ApiGatewayV2::Route":               "nothing: part of the HTTP API's request price",
	"AWS::ApiGatewayV2::Stage":               "CloudWatch Logs: HTTP API access logs (its throttling costs nothing)",
	"AWS::CloudFront::CachePolicy":           "nothing",
	"AWS::CloudFront::Distribution":          "CloudFront: HTTPS requests, data out, data to the origin, Origin Shield requests; AWS WAF inspects its requests",
	"AWS::CloudFront::Function":              "CloudFront: function invocations",
	"AWS::CloudFront::OriginAccessControl":   "nothing",
	"AWS::CloudFront::ResponseHeadersPolicy": "nothing",
	"AWS::CloudWatch::Alarm":                 "CloudWatch: alarms, standard and Metrics Insights",
	"AWS::Cognito::UserPool":                 "Cognito (Lite): monthly active users; SES: its e-mail, where a stage names an identity",
	"AWS::Cognito::UserPoolClient":           "nothing",
	"AWS::DynamoDB::Table":                   "DynamoDB (on-demand): request units, storage and point-in-time recovery",
	"AWS::EventSchemas::Registry":            "nothing: registries and schemas are free; only schema discovery, which the stack does not turn on, is billed",
	"AWS::EventSchemas::Schema":              "nothing, as the registry",
	"AWS::Events::Archive":                   "EventBridge: archive",
	"AWS::Events::EventBus":                  "EventBridge: events published",
	"AWS::Events::EventBusPolicy":            "nothing",
	"AWS::Events::Rule":                      "nothing: a rule's delivery to a queue of the account is not billed; the queue's requests are, under SQS",
	"AWS::IAM::ManagedPolicy":                "nothing",
	"AWS::IAM::Role":                         "nothing",
	"AWS::KMS::Key":                          "KMS: the alarm topic's key (its few requests a month within KMS's free 20,000)",
	"AWS::Lambda::EventSourceMapping":        "SQS: counter queue requests (its pollers' receives, idle or not)",
	"AWS::Lambda::Function":                  "Lambda (arm64): requests and duration; X-Ray: traces; CloudWatch Logs: their logs; CloudWatch: their custom metrics",
	"AWS::Lambda::Permission":                "nothing",
	"AWS::Lambda::Url":                       "nothing: a function URL has no price of its own; the reads through it are Lambda's requests and duration",
	"AWS::Logs::LogGroup":                    "CloudWatch Logs: ingestion and storage",
	"AWS::S3::Bucket":                        "S3: the SPA's origin fetches and storage, CloudFront's standard logs, the framework's deployment bucket",
	"AWS::S3::BucketPolicy":                  "nothing",
	// SNS: https://aws.amazon.com/sns/pricing/ (as known on 2026-12-07,
	// not re-read: $0.50 a million publishes, $2.00 per 100,000 e-mails).
	"AWS::SNS::Subscription":   "under a cent: e-mail notifications cost $2 per 100,000, and alarms fire a few times a month",
	"AWS::SNS::Topic":          "under a cent: publishes cost $0.50 a million, and alarms publish a few times a month",
	"AWS::SQS::Queue":          "SQS: counter queue requests; the dead-letter queues hold nothing in a healthy month",
	"AWS::SQS::QueuePolicy":    "nothing",
	"AWS::SSM::Parameter":      "nothing: standard parameters",
	"AWS::Scheduler::Schedule": "EventBridge Scheduler: sweeper and warmer",
	"AWS::WAFv2::WebACL":       "AWS WAF: web ACL and its rules, requests inspected",
}
