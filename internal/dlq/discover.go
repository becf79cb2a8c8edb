package dlq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// QueueLister is what Discover calls on SQS: the stage's queues and each
// one's RedrivePolicy.
type QueueLister interface {
	ListQueues(ctx context.Context, in *sqs.ListQueuesInput, opts ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, opts ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
}

// RuleLister is what Discover calls on EventBridge: the rules of the
// stage's bus and their targets' DeadLetterConfig.
type RuleLister interface {
	ListRules(ctx context.Context, in *eventbridge.ListRulesInput, opts ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error)
	ListTargetsByRule(ctx context.Context, in *eventbridge.ListTargetsByRuleInput, opts ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
}

var (
	_ QueueLister = (*sqs.Client)(nil)
	_ RuleLister  = (*eventbridge.Client)(nil)
)

// Stage names a deployed stage as serverless.yml names its resources: its
// queues and rules are "<Service>-<Name>-…", its bus "<Service>-<Name>".
type Stage struct {
	Service, Name string
}

// Prefix is what the name of every queue and rule of the stage starts with.
func (s Stage) Prefix() string { return s.Service + "-" + s.Name + "-" }

// Bus is the name of the stage's event bus.
func (s Stage) Bus() string { return s.Service + "-" + s.Name }

// Discover finds the DLQs of stage as the services report them, as the
// AWS console's redrive does, with no serverless.yml: every queue named
// "<prefix>…" whose RedrivePolicy names a DLQ (a queue DLQ, replayed to
// that queue), and every target of a rule "<prefix>…" on the stage's bus
// whose DeadLetterConfig names one (a rule DLQ, replayed to the target
// queue). A DLQ must have one source, and a rule DLQ's target must be a
// queue, or replay would not know where to send; either is an error. A bus
// that does not exist has no rules. The result may be empty: the caller
// says what that means for the stage.
//
// It reads RedrivePolicy from each queue rather than asking SQS's
// ListDeadLetterSourceQueues of each DLQ: one call per queue either way,
// and kumo, the local stack's SQS, has only the first.
func Discover(ctx context.Context, queues QueueLister, rules RuleLister, stage Stage) (Topology, error) {
	const op = "dlq.Discover"
	c := newCollector(stage.Service, stage.Name)
	if err := discoverQueueDLQs(ctx, queues, stage, c); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := discoverRuleDLQs(ctx, rules, stage, c); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return c.topology(), nil
}

func discoverQueueDLQs(ctx context.Context, api QueueLister, stage Stage, c *collector) error {
	pages := sqs.NewListQueuesPaginator(api, &sqs.ListQueuesInput{QueueNamePrefix: aws.String(stage.Prefix()), MaxResults: aws.Int32(1000)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the queues %s*: %w", stage.Prefix(), err)
		}
		for _, url := range page.QueueUrls {
			name := url[strings.LastIndex(url, "/")+1:]
			out, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
				QueueUrl:       aws.String(url),
				AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameRedrivePolicy},
			})
			var gone *types.QueueDoesNotExist
			if errors.As(err, &gone) {
				continue // deleted since it was listed
			}
			if err != nil {
				return fmt.Errorf("queue %s: RedrivePolicy: %w", name, err)
			}
			policy, ok := out.Attributes[string(types.QueueAttributeNameRedrivePolicy)]
			if !ok || policy == "" {
				continue
			}
			var p struct {
				DeadLetterTargetArn string `json:"deadLetterTargetArn"`
			}
			if err := json.Unmarshal([]byte(policy), &p); err != nil {
				return fmt.Errorf("queue %s: RedrivePolicy %q: %w", name, policy, err)
			}
			dlq, err := queueName(p.DeadLetterTargetArn)
			if err != nil {
				return fmt.Errorf("queue %s: RedrivePolicy: %w", name, err)
			}
			if err := c.add(DLQ{Name: dlq, Kind: QueueDLQ, Source: name, Destination: name}); err != nil {
				return err
			}
		}
	}
	return nil
}

func discoverRuleDLQs(ctx context.Context, api RuleLister, stage Stage, c *collector) error {
	in := &eventbridge.ListRulesInput{EventBusName: aws.String(stage.Bus()), NamePrefix: aws.String(stage.Prefix()), Limit: aws.Int32(100)}
	for {
		page, err := api.ListRules(ctx, in)
		var noBus *ebtypes.ResourceNotFoundException
		if errors.As(err, &noBus) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list the rules %s* on bus %s: %w", stage.Prefix(), stage.Bus(), err)
		}
		for _, r := range page.Rules {
			if err := ruleDLQs(ctx, api, stage.Bus(), aws.ToString(r.Name), c); err != nil {
				return err
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return nil
		}
		in.NextToken = page.NextToken
	}
}

func ruleDLQs(ctx context.Context, api RuleLister, bus, rule string, c *collector) error {
	in := &eventbridge.ListTargetsByRuleInput{EventBusName: aws.String(bus), Rule: aws.String(rule), Limit: aws.Int32(100)}
	for {
		page, err := api.ListTargetsByRule(ctx, in)
		if err != nil {
			return fmt.Errorf("rule %s: list its targets: %w", rule, err)
		}
		for _, t := range page.Targets {
			if t.DeadLetterConfig == nil || aws.ToString(t.DeadLetterConfig.Arn) == "" {
				continue
			}
			dlq, err := queueName(aws.ToString(t.DeadLetterConfig.Arn))
			if err != nil {
				return fmt.Errorf("rule %s: target %s: DeadLetterConfig: %w", rule, aws.ToString(t.Id), err)
			}
			dest, err := queueName(aws.ToString(t.Arn))
			if err != nil {
				return fmt.Errorf("rule %s: the target with DLQ %s is not a queue (%w); eventboard dlq replays only to queues", rule, dlq, err)
			}
			if err := c.add(DLQ{Name: dlq, Kind: RuleDLQ, Source: rule, Destination: dest}); err != nil {
				return err
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return nil
		}
		in.NextToken = page.NextToken
	}
}

// queueName returns the name of the SQS queue an ARN names.
func queueName(s string) (string, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "sqs" || a.Resource == "" {
		return "", fmt.Errorf("%q is not the ARN of an SQS queue", s)
	}
	return a.Resource, nil
}
