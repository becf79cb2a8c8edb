package emulator

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/google/go-cmp/cmp"
)

// kumo alone answered ListTargetsByRule without the DeadLetterConfig
// PutTargets set, so 'eventboard dlq' found no rule DLQ on the local stack.
func TestKumoKeepsTheDeadLetterConfigOfRuleTargets(t *testing.T) {
	t.Parallel()
	k := NewKumo()
	t.Cleanup(k.Close)
	eb := EventBridge(k.URL)
	ctx := t.Context()
	const bus, rule = "deadletters-test", "deadletters-test-rule"
	if _, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(bus)}); err != nil {
		t.Fatal(err)
	}
	put := func(targets ...ebtypes.Target) {
		t.Helper()
		if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(rule), EventBusName: aws.String(bus), Targets: targets}); err != nil {
			t.Fatal(err)
		}
	}
	// dlqs returns the DLQ ARN of each target by id ("" for none).
	dlqs := func() map[string]string {
		t.Helper()
		out, err := eb.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule), EventBusName: aws.String(bus)})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, tg := range out.Targets {
			got[aws.ToString(tg.Id)] = ""
			if tg.DeadLetterConfig != nil {
				got[aws.ToString(tg.Id)] = aws.ToString(tg.DeadLetterConfig.Arn)
			}
		}
		return got
	}
	const q, dlq = "arn:aws:sqs:us-east-1:000000000000:q", "arn:aws:sqs:us-east-1:000000000000:dlq"
	withDLQ := func(id string) ebtypes.Target {
		return ebtypes.Target{Id: aws.String(id), Arn: aws.String(q), DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlq)}}
	}

	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(rule), EventBusName: aws.String(bus), EventPattern: aws.String(`{"source":["test"]}`)}); err != nil {
		t.Fatal(err)
	}
	put(withDLQ("a"), withDLQ("b"))
	if diff := cmp.Diff(map[string]string{"a": dlq, "b": dlq}, dlqs()); diff != "" {
		t.Errorf("after PutTargets with DLQs (-want +got):\n%s", diff)
	}
	put(ebtypes.Target{Id: aws.String("a"), Arn: aws.String(q)})
	if diff := cmp.Diff(map[string]string{"a": "", "b": dlq}, dlqs()); diff != "" {
		t.Errorf("after PutTargets without a DLQ (-want +got):\n%s", diff)
	}
	if _, err := eb.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(rule), EventBusName: aws.String(bus), Ids: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"a": ""}, dlqs()); diff != "" {
		t.Errorf("after RemoveTargets (-want +got):\n%s", diff)
	}
}
