package dlq_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/dlq/dlqtest"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
)

// What the services report of a stage deployed as serverless.yml declares
// it is what serverless.yml declares.
func TestDiscoverFindsTheDLQsServerlessYMLDeclares(t *testing.T) {
	t.Parallel()
	srv := emulator.NewKumo()
	t.Cleanup(srv.Close)
	stage := dlq.Stage{Service: "eventboard", Name: "discover"}
	dlqtest.Deploy(t, emulator.SQS(srv.URL), emulator.EventBridge(srv.URL), stage)

	got, err := dlq.Discover(t.Context(), emulator.SQS(srv.URL), emulator.EventBridge(srv.URL), stage)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: stage.Name})
	if err != nil {
		t.Fatal(err)
	}
	want, err := dlq.FromManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Discover (-serverless.yml +services):\n%s", diff)
	}
	if d := dlq.Disagreements(got, want); d != nil {
		t.Errorf("Disagreements = %q, want none", d)
	}
}

// fakeStage answers Discover's calls from maps: queue name -> RedrivePolicy,
// rule name -> targets.
type fakeStage struct {
	redrive map[string]string
	rules   map[string][]ebtypes.Target
	noBus   bool
}

func (f fakeStage) ListQueues(_ context.Context, in *sqs.ListQueuesInput, _ ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	out := &sqs.ListQueuesOutput{}
	for name := range f.redrive {
		if strings.HasPrefix(name, aws.ToString(in.QueueNamePrefix)) {
			out.QueueUrls = append(out.QueueUrls, "https://sqs.eu-west-1.amazonaws.com/123456789012/"+name)
		}
	}
	return out, nil
}

func (f fakeStage) GetQueueAttributes(_ context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	url := aws.ToString(in.QueueUrl)
	out := &sqs.GetQueueAttributesOutput{Attributes: map[string]string{}}
	if p := f.redrive[url[strings.LastIndex(url, "/")+1:]]; p != "" {
		out.Attributes["RedrivePolicy"] = p
	}
	return out, nil
}

func (f fakeStage) ListRules(_ context.Context, in *eventbridge.ListRulesInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error) {
	if f.noBus {
		return nil, &ebtypes.ResourceNotFoundException{Message: aws.String("Event bus " + aws.ToString(in.EventBusName) + " does not exist.")}
	}
	out := &eventbridge.ListRulesOutput{}
	for name := range f.rules {
		out.Rules = append(out.Rules, ebtypes.Rule{Name: aws.String(name)})
	}
	return out, nil
}

func (f fakeStage) ListTargetsByRule(_ context.Context, in *eventbridge.ListTargetsByRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error) {
	return &eventbridge.ListTargetsByRuleOutput{Targets: f.rules[aws.ToString(in.Rule)]}, nil
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:sqs:eu-west-1:123456789012:"
	redrive := func(dlq string) string { return `{"deadLetterTargetArn":"` + arn + dlq + `","maxReceiveCount":5}` }
	target := func(dest, dlq string) ebtypes.Target {
		return ebtypes.Target{Id: aws.String("t"), Arn: aws.String(dest), DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(arn + dlq)}}
	}
	tests := []struct {
		name    string
		stage   fakeStage
		want    dlq.Topology
		wantErr string
	}{
		{
			name:  "no bus: the queue DLQs alone",
			stage: fakeStage{redrive: map[string]string{"eventboard-prod-a": redrive("eventboard-prod-a-dlq"), "eventboard-prod-a-dlq": ""}, noBus: true},
			want:  dlq.Topology{{Short: "a-dlq", Name: "eventboard-prod-a-dlq", Kind: dlq.QueueDLQ, Source: "eventboard-prod-a", Destination: "eventboard-prod-a"}},
		},
		{
			name:  "a rule target without a DLQ, and another stage's queue",
			stage: fakeStage{redrive: map[string]string{"eventboard-dev-a": redrive("eventboard-dev-a-dlq")}, rules: map[string][]ebtypes.Target{"eventboard-prod-r": {{Id: aws.String("t"), Arn: aws.String(arn + "eventboard-prod-a")}}}},
			want:  dlq.Topology{},
		},
		{
			name:    "a DLQ with two sources",
			stage:   fakeStage{redrive: map[string]string{"eventboard-prod-a": redrive("eventboard-prod-dlq")}, rules: map[string][]ebtypes.Target{"eventboard-prod-r": {target(arn+"eventboard-prod-a", "eventboard-prod-dlq")}}},
			wantErr: "is the DLQ of both",
		},
		{
			name:    "a rule DLQ whose target is a function",
			stage:   fakeStage{rules: map[string][]ebtypes.Target{"eventboard-prod-r": {target("arn:aws:lambda:eu-west-1:123456789012:function:f", "eventboard-prod-r-dlq")}}},
			wantErr: "replays only to queues",
		},
		{
			name:    "a RedrivePolicy that is not JSON",
			stage:   fakeStage{redrive: map[string]string{"eventboard-prod-a": "{"}},
			wantErr: "RedrivePolicy",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := dlq.Discover(t.Context(), tc.stage, tc.stage, dlq.Stage{Service: "eventboard", Name: "prod"})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("Discover = %+v, %v; want an error with %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Discover (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDisagreements(t *testing.T) {
	t.Parallel()
	counter := dlq.DLQ{Short: "counter-dlq", Name: "eventboard-prod-counter-dlq", Kind: dlq.QueueDLQ, Source: "eventboard-prod-counter", Destination: "eventboard-prod-counter"}
	rule := dlq.DLQ{Short: "counter-rule-dlq", Name: "eventboard-prod-counter-rule-dlq", Kind: dlq.RuleDLQ, Source: "eventboard-prod-counter", Destination: "eventboard-prod-counter"}
	moved := rule
	moved.Destination = "eventboard-prod-elsewhere"
	tests := []struct {
		name            string
		found, declared dlq.Topology
		want            []string
	}{
		{"the same", dlq.Topology{counter, rule}, dlq.Topology{counter, rule}, nil},
		{"a DLQ not deployed", dlq.Topology{counter}, dlq.Topology{counter, rule}, []string{
			"serverless.yml declares counter-rule-dlq (the rule DLQ of eventboard-prod-counter, replayed to eventboard-prod-counter), which the stage does not have",
		}},
		{"a DLQ not declared", dlq.Topology{counter, rule}, dlq.Topology{rule}, []string{
			"the stage has counter-dlq (the queue DLQ of eventboard-prod-counter, replayed to eventboard-prod-counter), which serverless.yml does not declare",
		}},
		{"a target changed", dlq.Topology{counter, moved}, dlq.Topology{counter, rule}, []string{
			"serverless.yml declares counter-rule-dlq (the rule DLQ of eventboard-prod-counter, replayed to eventboard-prod-counter); the stage has counter-rule-dlq (the rule DLQ of eventboard-prod-counter, replayed to eventboard-prod-elsewhere)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, dlq.Disagreements(tc.found, tc.declared)); diff != "" {
				t.Errorf("Disagreements (-want +got):\n%s", diff)
			}
		})
	}
}
