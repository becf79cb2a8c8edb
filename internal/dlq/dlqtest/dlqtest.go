// Package dlqtest deploys the dead-letter queues of a stage as
// serverless.yml declares them, onto the SQS and EventBridge a test gives
// (kumo), for the tests of dlq.Discover and of 'eventboard dlq'. Tests
// only.
package dlqtest

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/eventboard/eventboard/internal/dlq"
)

// Deploy creates what serverless.yml deploys around the counter worker for
// stage: the queue "<prefix>counter", which redrives to
// "<prefix>counter-dlq"; the stage's bus; and the rule "<prefix>counter",
// whose target is that queue with "<prefix>counter-rule-dlq" as its
// DeadLetterConfig. It returns the queues' URLs by short name (counter,
// counter-dlq, counter-rule-dlq).
func Deploy(tb testing.TB, q *sqs.Client, eb *eventbridge.Client, stage dlq.Stage) map[string]string {
	tb.Helper()
	ctx := tb.Context()
	urls, arns := map[string]string{}, map[string]string{}
	create := func(short string, attrs map[string]string) {
		tb.Helper()
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(stage.Prefix() + short), Attributes: attrs})
		if err != nil {
			tb.Fatal(err)
		}
		urls[short] = aws.ToString(out.QueueUrl)
		got, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
		if err != nil {
			tb.Fatal(err)
		}
		arns[short] = got.Attributes[string(types.QueueAttributeNameQueueArn)]
	}
	create("counter-dlq", nil)
	create("counter-rule-dlq", nil)
	policy, err := json.Marshal(map[string]string{"deadLetterTargetArn": arns["counter-dlq"], "maxReceiveCount": "5"})
	if err != nil {
		tb.Fatal(err)
	}
	create("counter", map[string]string{string(types.QueueAttributeNameRedrivePolicy): string(policy)})

	if _, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(stage.Bus())}); err != nil {
		tb.Fatal(err)
	}
	rule := stage.Prefix() + "counter"
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(rule), EventBusName: aws.String(stage.Bus()), EventPattern: aws.String(`{"source":["eventboard.posts","eventboard.users"]}`)}); err != nil {
		tb.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(rule), EventBusName: aws.String(stage.Bus()), Targets: []ebtypes.Target{{
		Id: aws.String("counterQueue"), Arn: aws.String(arns["counter"]),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(arns["counter-rule-dlq"])},
	}}}); err != nil {
		tb.Fatal(err)
	}
	return urls
}
