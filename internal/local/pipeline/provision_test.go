package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/manifest"
)

func TestProvisionFromServerlessYML(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, res := provision(t, "pipelinetest")
	c := clients()

	queue := func(id string) pipeline.Queue {
		t.Helper()
		q, ok := res.Queue(id)
		if !ok {
			t.Fatalf("queue %s was not provisioned", id)
		}
		return q
	}
	counter, dlq, ruleDLQ := queue("CounterQueue"), queue("CounterDLQ"), queue("CounterRuleDLQ")
	if got, want := counter.Name, "eventboard-pipelinetest-counter"; got != want {
		t.Errorf("CounterQueue name = %q, want %q", got, want)
	}
	if url, _ := res.QueueURL("CounterDLQ"); url != dlq.URL || !strings.HasSuffix(url, "/eventboard-pipelinetest-counter-dlq") {
		t.Errorf("QueueURL(CounterDLQ) = %q, want the DLQ's URL", url)
	}
	if ruleDLQ.ARN != "arn:aws:sqs:us-east-1:000000000000:eventboard-pipelinetest-counter-rule-dlq" {
		t.Errorf("CounterRuleDLQ ARN = %q", ruleDLQ.ARN)
	}
	props := m.Resources["CounterQueue"].Properties
	if want := time.Duration(props["VisibilityTimeout"].(int)) * time.Second; counter.VisibilityTimeout != want {
		t.Errorf("CounterQueue visibility timeout = %s, want serverless.yml's %s", counter.VisibilityTimeout, want)
	}

	attrs, err := c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(counter.URL),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	var redrive map[string]any
	if err := json.Unmarshal([]byte(attrs.Attributes["RedrivePolicy"]), &redrive); err != nil {
		t.Fatalf("RedrivePolicy %q: %v", attrs.Attributes["RedrivePolicy"], err)
	}
	maxReceives := props["RedrivePolicy"].(map[string]any)["maxReceiveCount"].(int)
	if diff := cmp.Diff(map[string]any{"deadLetterTargetArn": dlq.ARN, "maxReceiveCount": float64(maxReceives)}, redrive); diff != "" {
		t.Errorf("CounterQueue RedrivePolicy (-want +got):\n%s", diff)
	}
	if got, want := attrs.Attributes["MessageRetentionPeriod"], fmt.Sprint(props["MessageRetentionPeriod"]); got != want {
		t.Errorf("CounterQueue MessageRetentionPeriod = %s, want %s", got, want)
	}

	bus, ok := res.BusName("EventBus")
	if !ok || bus != "eventboard-pipelinetest" {
		t.Fatalf("BusName(EventBus) = %q, %v", bus, ok)
	}
	rule, ok := res.Rule("CounterRule")
	if !ok {
		t.Fatal("CounterRule was not provisioned")
	}
	described, err := c.EventBridge.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(rule.Name), EventBusName: aws.String(bus)})
	if err != nil {
		t.Fatal(err)
	}
	var pattern any
	if err := json.Unmarshal([]byte(aws.ToString(described.EventPattern)), &pattern); err != nil {
		t.Fatal(err)
	}
	var wantPattern any
	if b, err := json.Marshal(m.Resources["CounterRule"].Properties["EventPattern"]); err != nil || json.Unmarshal(b, &wantPattern) != nil {
		t.Fatalf("serverless.yml's CounterRule pattern: %v", err)
	}
	if diff := cmp.Diff(wantPattern, pattern); diff != "" {
		t.Errorf("CounterRule pattern (-want +got):\n%s", diff)
	}
	targets, err := c.EventBridge.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule.Name), EventBusName: aws.String(bus)})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets.Targets) != 1 || aws.ToString(targets.Targets[0].Arn) != counter.ARN || aws.ToString(targets.Targets[0].Id) != "counterQueue" {
		t.Errorf("CounterRule targets = %+v, want counterQueue → %s", targets.Targets, counter.ARN)
	}

	// Again, as after a restart with kumo's state kept: the same resources,
	// and a changed attribute reaches the existing queue.
	again, err := pipeline.Provision(ctx, m, c, pipeline.WithVisibilityTimeout("CounterQueue", 2*time.Second))
	if err != nil {
		t.Fatalf("second Provision: %v", err)
	}
	q2, _ := again.Queue("CounterQueue")
	if q2.URL != counter.URL || q2.ARN != counter.ARN || q2.VisibilityTimeout != 2*time.Second {
		t.Errorf("after a second Provision, CounterQueue = %+v, want %+v with a 2s visibility timeout", q2, counter)
	}
	if b, _ := again.Bus("EventBus"); b != (pipeline.Bus{LogicalID: "EventBus", Name: bus, ARN: "arn:aws:events:us-east-1:000000000000:event-bus/" + bus}) {
		t.Errorf("after a second Provision, EventBus = %+v", b)
	}
}

func TestProvisionRefusesWhatItCannotMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		resources string
		opts      []pipeline.ProvisionOption
		want      string
	}{
		{
			name: "a resource type nobody emulates",
			resources: `
    Bucket:
      Type: AWS::Kinesis::Stream`,
			want: "does not emulate AWS::Kinesis::Stream",
		},
		{
			name: "a queue property",
			resources: `
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: refuse-prop
        ReceiveMessageWaitTime: 5`,
			want: "not emulated by the local stack: ReceiveMessageWaitTime",
		},
		{
			name: "an intrinsic",
			resources: `
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName:
          Fn::ImportValue: shared-queue`,
			want: "Fn::ImportValue is not emulated",
		},
		{
			name: "a reference to a resource provisioned elsewhere",
			resources: `
    Topic:
      Type: AWS::SNS::Topic
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: refuse-ref
        RedrivePolicy:
          deadLetterTargetArn:
            Fn::GetAtt: [Topic, Arn]
          maxReceiveCount: 3`,
			want: "Topic (AWS::SNS::Topic) is not provisioned by the event pipeline",
		},
		{
			name: "a rule targeting a function",
			resources: `
    Bus:
      Type: AWS::Events::EventBus
      Properties:
        Name: refuse-bus
    Rule:
      Type: AWS::Events::Rule
      Properties:
        EventBusName:
          Ref: Bus
        EventPattern:
          source: [x]
        Targets:
          - Id: fn
            Arn: arn:aws:lambda:us-east-1:000000000000:function:f`,
			want: "delivers only to queues of serverless.yml",
		},
		{
			name: "a scheduled rule",
			resources: `
    Rule:
      Type: AWS::Events::Rule
      Properties:
        ScheduleExpression: rate(1 minute)`,
			want: "kumo never fires scheduled rules",
		},
		{
			name: "queues that are each other's DLQ",
			resources: `
    A:
      Type: AWS::SQS::Queue
      Properties:
        RedrivePolicy:
          deadLetterTargetArn: {Fn::GetAtt: [B, Arn]}
          maxReceiveCount: 3
    B:
      Type: AWS::SQS::Queue
      Properties:
        RedrivePolicy:
          deadLetterTargetArn: {Fn::GetAtt: [A, Arn]}
          maxReceiveCount: 3`,
			want: "queues A, B refer to each other",
		},
		{
			name: "a visibility timeout for a queue serverless.yml lacks",
			resources: `
    Q:
      Type: AWS::SQS::Queue`,
			opts: []pipeline.ProvisionOption{pipeline.WithVisibilityTimeout("Missing", time.Second)},
			want: "no AWS::SQS::Queue Missing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := parse(t, "functions: {}\nresources:\n  Resources:"+tt.resources)
			_, err := pipeline.Provision(context.Background(), m, clients(), tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Provision = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// parse parses a serverless.yml made of a minimal head and body.
func parse(t testing.TB, body string) *manifest.Manifest {
	t.Helper()
	doc := "service: refuse\nprovider:\n  name: aws\n  runtime: provided.al2023\n" + body + "\n"
	m, err := manifest.Parse([]byte(doc), manifest.Options{Stage: "pipelinetest", Region: emulator.Region})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestResolve(t *testing.T) {
	t.Parallel()
	m := parse(t, `functions: {}
resources:
  Resources:
    Dead:
      Type: AWS::SQS::Queue
      Properties:
        QueueName:
          Fn::Sub: ${AWS::StackName}-dead
    Work:
      Type: AWS::SQS::Queue
      Properties:
        QueueName:
          Fn::Join: ["-", [{Ref: "AWS::StackName"}, work]]
        RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:refuse-pipelinetest-dead","maxReceiveCount":2}'
    Bus:
      Type: AWS::Events::EventBus
      Properties:
        Name: refuse-pipelinetest-bus
    Rule:
      Type: AWS::Events::Rule
      Properties:
        EventBusName: {Fn::GetAtt: [Bus, Arn]}
        EventPattern: {source: [x]}
        Targets:
          - Id: work
            Arn: !GetAtt Work.Arn`)
	res, err := pipeline.Provision(context.Background(), m, clients())
	if err != nil {
		t.Fatal(err)
	}
	work, _ := res.Queue("Work")
	rule, _ := res.Rule("Rule")
	tests := []struct {
		in   string
		want string
	}{
		{`{"Ref": "Work"}`, work.URL},
		{`{"Ref": "Bus"}`, "refuse-pipelinetest-bus"},
		{`{"Ref": "AWS::Region"}`, "us-east-1"},
		{`{"Ref": "AWS::AccountId"}`, "000000000000"},
		{`{"Fn::GetAtt": ["Work", "QueueName"]}`, "refuse-pipelinetest-work"},
		{`{"Fn::GetAtt": "Dead.Arn"}`, "arn:aws:sqs:us-east-1:000000000000:refuse-pipelinetest-dead"},
		{`{"Fn::GetAtt": ["Rule", "Arn"]}`, rule.ARN},
		{`{"Fn::Sub": "${Bus.Arn}/${!Literal}"}`, "arn:aws:events:us-east-1:000000000000:event-bus/refuse-pipelinetest-bus/${Literal}"},
		{`{"Fn::Sub": ["${Q}!", {"Q": {"Fn::GetAtt": ["Work", "Arn"]}}]}`, work.ARN + "!"},
		{`{"Fn::Join": [":", ["a", {"Ref": "AWS::Partition"}]]}`, "a:aws"},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
			t.Fatal(err)
		}
		got, err := res.ResolveString(v)
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%s) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if rule.BusName != "refuse-pipelinetest-bus" || rule.Name != "refuse-pipelinetest-Rule" {
		t.Errorf("Rule = %+v, want a generated name on the bus named by its ARN", rule)
	}
	for _, bad := range []string{`{"Ref": "Nothing"}`, `{"Fn::GetAtt": ["Work", "Color"]}`, `{"Fn::If": ["c", "a", "b"]}`, `{"Ref": "AWS::NoValue"}`} {
		var v any
		_ = json.Unmarshal([]byte(bad), &v)
		if got, err := res.Resolve(v); err == nil {
			t.Errorf("Resolve(%s) = %v, want an error", bad, got)
		}
	}
}
