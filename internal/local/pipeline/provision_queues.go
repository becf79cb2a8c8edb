package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// queues creates the queues in dependency order: a queue that refers to
// another (its DLQ) after it.
func (p provisioner) queues(ctx context.Context, ids []string) error {
	pending := slices.Clone(ids)
	for len(pending) > 0 {
		var next []string
		for _, id := range pending {
			if deps := queueRefs(p.m.Resources[id].Properties, ids); slices.ContainsFunc(deps, func(d string) bool {
				_, done := p.r.queues[d]
				return !done && d != id
			}) {
				next = append(next, id)
				continue
			}
			if err := p.queue(ctx, id); err != nil {
				return fmt.Errorf("queue %s: %w", id, err)
			}
		}
		if len(next) == len(pending) {
			return fmt.Errorf("queues %s refer to each other", strings.Join(next, ", "))
		}
		pending = next
	}
	return nil
}

// queueRefs returns the logical IDs among queues that v refers to.
func queueRefs(v any, queues []string) []string {
	var out []string
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			out = append(out, queueRefs(item, queues)...)
		}
	case map[string]any:
		if ref, ok := v["Ref"].(string); ok && slices.Contains(queues, ref) {
			out = append(out, ref)
		}
		if id, _, err := getAttArgs(v["Fn::GetAtt"]); err == nil && slices.Contains(queues, id) {
			out = append(out, id)
		}
		for _, item := range v {
			out = append(out, queueRefs(item, queues)...)
		}
	}
	return out
}

// queueAttributes are the AWS::SQS::Queue properties that are SQS queue
// attributes of the same name.
var queueAttributes = []string{
	"ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds", "FifoQueue",
	"FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds", "KmsMasterKeyId",
	"MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
	"RedriveAllowPolicy", "RedrivePolicy", "SqsManagedSseEnabled", "VisibilityTimeout",
}

func (p provisioner) queue(ctx context.Context, id string) error {
	props := p.m.Resources[id].Properties
	if err := knownKeys("properties", props, append([]string{"QueueName", "Tags"}, queueAttributes...)...); err != nil {
		return err
	}
	resolved, err := p.r.Resolve(props)
	if err != nil {
		return err
	}
	rp := resolved.(map[string]any)
	name := p.generatedName(id, 80)
	if v, ok := rp["QueueName"]; ok {
		if name, err = scalarString(v); err != nil {
			return fmt.Errorf("QueueName: %w", err)
		}
	}
	attrs := map[string]string{}
	for _, k := range queueAttributes {
		v, ok := rp[k]
		if !ok {
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			attrs[k] = string(b)
		default:
			if attrs[k], err = scalarString(v); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
	}
	if d, ok := p.cfg.visibility[id]; ok {
		attrs["VisibilityTimeout"] = fmt.Sprint(int(d / time.Second))
	}
	if err := p.checkRedrive(rp["RedrivePolicy"]); err != nil {
		return err
	}
	tags, err := tagMap(rp["Tags"])
	if err != nil {
		return err
	}
	created, err := p.c.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs, Tags: tags})
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	url := aws.ToString(created.QueueUrl)
	// An existing queue keeps its old attributes through CreateQueue; set
	// them, as a CloudFormation update would. FifoQueue cannot change.
	settable := maps.Clone(attrs)
	delete(settable, "FifoQueue")
	if len(settable) > 0 {
		if _, err := p.c.SQS.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: settable}); err != nil {
			return fmt.Errorf("set attributes of %s: %w", name, err)
		}
	}
	got, err := p.c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNameVisibilityTimeout},
	})
	if err != nil {
		return fmt.Errorf("attributes of %s: %w", name, err)
	}
	var visibility int
	if _, err := fmt.Sscan(got.Attributes["VisibilityTimeout"], &visibility); err != nil {
		return fmt.Errorf("visibility timeout of %s: %q", name, got.Attributes["VisibilityTimeout"])
	}
	p.r.queues[id] = Queue{
		LogicalID:         id,
		Name:              name,
		URL:               url,
		ARN:               got.Attributes["QueueArn"],
		VisibilityTimeout: time.Duration(visibility) * time.Second,
	}
	return nil
}

// checkRedrive requires a RedrivePolicy's dead-letter queue to be one the
// local stack provisioned, and a maxReceiveCount.
func (p provisioner) checkRedrive(v any) error {
	if v == nil {
		return nil
	}
	policy, ok := v.(map[string]any)
	if s, isJSON := v.(string); isJSON {
		ok = json.Unmarshal([]byte(s), &policy) == nil
	}
	if !ok {
		return fmt.Errorf("RedrivePolicy: want a mapping or its JSON, got %v", v)
	}
	if err := knownKeys("RedrivePolicy", policy, "deadLetterTargetArn", "maxReceiveCount"); err != nil {
		return err
	}
	arn, _ := policy["deadLetterTargetArn"].(string)
	if _, ok := p.r.queueByARN(arn); !ok {
		return fmt.Errorf("RedrivePolicy: deadLetterTargetArn %q is not a queue of serverless.yml", arn)
	}
	if n, err := scalarString(policy["maxReceiveCount"]); err != nil || n == "" {
		return fmt.Errorf("RedrivePolicy: maxReceiveCount %v: want a number", policy["maxReceiveCount"])
	}
	return nil
}
