package dlq_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/manifest"
)

func TestFromManifestServerlessYML(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := dlq.FromManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	want := dlq.Topology{
		{Short: "counter-dlq", Name: "eventboard-prod-counter-dlq", Kind: dlq.QueueDLQ, Source: "eventboard-prod-counter", Destination: "eventboard-prod-counter"},
		{Short: "counter-rule-dlq", Name: "eventboard-prod-counter-rule-dlq", Kind: dlq.RuleDLQ, Source: "eventboard-prod-counter", Destination: "eventboard-prod-counter"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FromManifest (-want +got):\n%s", diff)
	}
}

func TestFromManifestErrors(t *testing.T) {
	t.Parallel()
	const head = "service: s\nprovider:\n  name: aws\n  stage: dev\nresources:\n  Resources:\n"
	tests := []struct {
		name string
		yaml string
	}{
		{"redrive to a queue not in the file", `
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: q
        RedrivePolicy:
          deadLetterTargetArn: arn:aws:sqs:us-east-1:1:elsewhere
          maxReceiveCount: 3
`},
		{"a DLQ with two sources", `
    A:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: a
        RedrivePolicy: {deadLetterTargetArn: {Fn::GetAtt: [D, Arn]}, maxReceiveCount: 3}
    B:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: b
        RedrivePolicy: {deadLetterTargetArn: {Fn::GetAtt: [D, Arn]}, maxReceiveCount: 3}
    D:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: d
`},
		{"a rule DLQ whose target is not a queue", `
    D:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: d
    R:
      Type: AWS::Events::Rule
      Properties:
        Targets:
          - Id: fn
            Arn: arn:aws:lambda:us-east-1:1:function:f
            DeadLetterConfig: {Arn: {Fn::GetAtt: [D, Arn]}}
`},
		{"a queue without a name", `
    D:
      Type: AWS::SQS::Queue
      Properties: {}
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := manifest.Parse([]byte(head+tc.yaml), manifest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := dlq.FromManifest(m); err == nil {
				t.Errorf("FromManifest = %+v, want an error", got)
			}
		})
	}
}

func TestTopologyFind(t *testing.T) {
	t.Parallel()
	top := dlq.Topology{{Short: "counter-dlq", Name: "eventboard-dev-counter-dlq"}, {Short: "counter-rule-dlq", Name: "eventboard-dev-counter-rule-dlq"}}
	for _, ref := range []string{"counter-dlq", "eventboard-dev-counter-dlq", "https://sqs.us-east-1.amazonaws.com/123456789012/eventboard-dev-counter-dlq"} {
		got, err := top.Find(ref)
		if err != nil || got.Short != "counter-dlq" {
			t.Errorf("Find(%q) = %+v, %v; want counter-dlq", ref, got, err)
		}
	}
	_, err := top.Find("counter")
	if apperr.CodeOf(err) != "DLQ_NOT_FOUND" {
		t.Errorf("Find(counter) error = %v, want DLQ_NOT_FOUND", err)
	}
}
