package pipeline

import (
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/eventboard/eventboard/internal/manifest"
)

// Clients are the SDK clients the pipeline talks to kumo with.
type Clients struct {
	SQS         *sqs.Client
	EventBridge *eventbridge.Client
}

// Resource types the pipeline provisions.
const (
	typeQueue = "AWS::SQS::Queue"
	typeBus   = "AWS::Events::EventBus"
	typeRule  = "AWS::Events::Rule"
)

var provisioned = map[string]bool{typeQueue: true, typeBus: true, typeRule: true}

// NotProvisioned lists the resource types of serverless.yml that Provision
// leaves alone, with the reason. Any other type is an error, so a resource
// added to serverless.yml is either emulated or listed here on purpose.
var NotProvisioned = map[string]string{
	"AWS::DynamoDB::Table":         "tables are created by the local stack from manifest.Tables",
	"AWS::Cognito::UserPool":       "the local stack runs its own user pool",
	"AWS::Cognito::UserPoolClient": "the local stack runs its own user pool",
	"AWS::IAM::Role":               "the local stack does not enforce IAM",
	"AWS::IAM::Policy":             "the local stack does not enforce IAM",
	"AWS::IAM::ManagedPolicy":      "the local stack does not enforce IAM",
	"AWS::SQS::QueuePolicy":        "kumo does not enforce queue policies",
	"AWS::SNS::Topic":              "alarm notifications are not emulated",
	"AWS::SNS::Subscription":       "alarm notifications are not emulated",
	"AWS::KMS::Key":                "the alarm topic's key: alarm notifications are not emulated",
	"AWS::CloudWatch::Alarm":       "metrics and alarms are not emulated",
	"AWS::Logs::LogGroup":          "functions log to the local stack's logger",
	"AWS::Events::Archive":         "kumo has no event archives (no CreateArchive)",
	"AWS::Events::EventBusPolicy":  "the local bus has no other accounts to let in",
	"AWS::EventSchemas::Registry":  "the schemas are in events/ (and asyncapi.yaml); no local registry",
	"AWS::EventSchemas::Schema":    "the schemas are in events/ (and asyncapi.yaml); no local registry",
	"AWS::SSM::Parameter":          "the local stack prints its endpoint and writes it to the data directory",
	// The SPA's hosting: the local stack serves frontend/dist itself, on
	// the API's origin, as CloudFront does.
	"AWS::S3::Bucket":                      "the local stack serves frontend/dist itself",
	"AWS::S3::BucketPolicy":                "the local stack serves frontend/dist itself",
	"AWS::CloudFront::Distribution":        "the local stack serves the SPA and /api on one origin itself",
	"AWS::WAFv2::WebACL":                   "the local stack enforces its rate-based rules itself, in front of all of /api (clientlimit.go, from manifest.ClientLimits)",
	"AWS::CloudFront::OriginAccessControl": "the local stack serves frontend/dist itself, and signs its function URLs' events with a placeholder (apireads.go)",
	"AWS::CloudFront::Function":            "the local stack answers index.html for the SPA's routes, and routes the anonymous reads to the function URLs (apireads.go), itself",
	// Who may invoke the function URLs: only the distribution, on AWS.
	"AWS::Lambda::Permission":                "the local stack does not enforce IAM; only its own front door invokes the function URLs (apireads.go)",
	"AWS::CloudFront::ResponseHeadersPolicy": "the local stack sets the SPA's security headers itself",
	"AWS::CloudFront::CachePolicy":           "the local front door caches /api by it itself (edgecache.go)",
}

// Queue is a provisioned AWS::SQS::Queue.
type Queue struct {
	LogicalID string
	Name      string
	URL       string
	ARN       string
	// VisibilityTimeout is the queue's, after any WithVisibilityTimeout.
	VisibilityTimeout time.Duration
}

// Bus is a provisioned AWS::Events::EventBus.
type Bus struct {
	LogicalID string
	Name      string
	ARN       string
}

// Rule is a provisioned AWS::Events::Rule.
type Rule struct {
	LogicalID string
	Name      string
	ARN       string
	BusName   string
}

// Resources are the queues, buses and rules of serverless.yml as they
// exist in kumo, by logical ID.
type Resources struct {
	region    string
	stackName string
	declared  map[string]manifest.Resource
	queues    map[string]Queue
	buses     map[string]Bus
	rules     map[string]Rule
}

// Queue returns the queue with the given logical ID.
func (r *Resources) Queue(logicalID string) (Queue, bool) {
	q, ok := r.queues[logicalID]
	return q, ok
}

// QueueURL returns the URL of the queue with the given logical ID.
func (r *Resources) QueueURL(logicalID string) (string, bool) {
	q, ok := r.queues[logicalID]
	return q.URL, ok
}

// Bus returns the event bus with the given logical ID.
func (r *Resources) Bus(logicalID string) (Bus, bool) {
	b, ok := r.buses[logicalID]
	return b, ok
}

// BusName returns the name of the event bus with the given logical ID.
func (r *Resources) BusName(logicalID string) (string, bool) {
	b, ok := r.buses[logicalID]
	return b.Name, ok
}

// Rule returns the rule with the given logical ID.
func (r *Resources) Rule(logicalID string) (Rule, bool) {
	rule, ok := r.rules[logicalID]
	return rule, ok
}

// Queues returns every provisioned queue, by logical ID.
func (r *Resources) Queues() map[string]Queue { return maps.Clone(r.queues) }

// queueByARN returns the provisioned queue whose ARN is arn.
func (r *Resources) queueByARN(arn string) (Queue, bool) {
	for _, q := range r.queues {
		if q.ARN == arn {
			return q, true
		}
	}
	return Queue{}, false
}
