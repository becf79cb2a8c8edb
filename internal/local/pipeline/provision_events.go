package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

func (p provisioner) bus(ctx context.Context, id string) error {
	props := p.m.Resources[id].Properties
	if err := knownKeys("properties", props, "Name", "Description", "Tags"); err != nil {
		return err
	}
	resolved, err := p.r.Resolve(props)
	if err != nil {
		return err
	}
	bp := resolved.(map[string]any)
	name, _ := bp["Name"].(string)
	if name == "" {
		return errors.New("property Name: missing")
	}
	tags, err := tagMap(bp["Tags"])
	if err != nil {
		return err
	}
	in := &eventbridge.CreateEventBusInput{Name: aws.String(name)}
	if d, ok := bp["Description"].(string); ok {
		in.Description = aws.String(d)
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		in.Tags = append(in.Tags, ebtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	var arn string
	created, err := p.c.EventBridge.CreateEventBus(ctx, in)
	var exists *ebtypes.ResourceAlreadyExistsException
	switch {
	case errors.As(err, &exists):
		got, err := p.c.EventBridge.DescribeEventBus(ctx, &eventbridge.DescribeEventBusInput{Name: aws.String(name)})
		if err != nil {
			return fmt.Errorf("describe %s: %w", name, err)
		}
		arn = aws.ToString(got.Arn)
	case err != nil:
		return fmt.Errorf("create %s: %w", name, err)
	default:
		arn = aws.ToString(created.EventBusArn)
	}
	p.r.buses[id] = Bus{LogicalID: id, Name: name, ARN: arn}
	return nil
}

func (p provisioner) rule(ctx context.Context, id string) error {
	props := p.m.Resources[id].Properties
	if _, ok := props["ScheduleExpression"]; ok {
		return errors.New("ScheduleExpression: kumo never fires scheduled rules; give the function a schedule event instead")
	}
	if err := knownKeys("properties", props, "Name", "Description", "EventBusName", "EventPattern", "State", "Targets"); err != nil {
		return err
	}
	resolved, err := p.r.Resolve(props)
	if err != nil {
		return err
	}
	rp := resolved.(map[string]any)
	name := p.generatedName(id, 64)
	if v, ok := rp["Name"]; ok {
		if name, err = scalarString(v); err != nil {
			return fmt.Errorf("property Name: %w", err)
		}
	}
	bus, err := p.busName(rp["EventBusName"])
	if err != nil {
		return err
	}
	in := &eventbridge.PutRuleInput{Name: aws.String(name), EventBusName: aws.String(bus), State: ebtypes.RuleStateEnabled}
	switch pattern := rp["EventPattern"].(type) {
	case nil:
		return errors.New("EventPattern: missing")
	case string:
		if !json.Valid([]byte(pattern)) {
			return fmt.Errorf("EventPattern: %q is not JSON", pattern)
		}
		in.EventPattern = aws.String(pattern)
	default:
		b, err := json.Marshal(pattern)
		if err != nil {
			return fmt.Errorf("EventPattern: %w", err)
		}
		in.EventPattern = aws.String(string(b))
	}
	if s, ok := rp["State"]; ok {
		state, _ := s.(string)
		if !slices.Contains(ebtypes.RuleState("").Values(), ebtypes.RuleState(state)) {
			return fmt.Errorf("property State: %v is not a rule state", s)
		}
		in.State = ebtypes.RuleState(state)
	}
	if d, ok := rp["Description"].(string); ok {
		in.Description = aws.String(d)
	}
	targets, err := p.targets(rp["Targets"])
	if err != nil {
		return err
	}
	put, err := p.c.EventBridge.PutRule(ctx, in)
	if err != nil {
		return fmt.Errorf("put %s: %w", name, err)
	}
	if err := p.putTargets(ctx, name, bus, targets); err != nil {
		return err
	}
	p.r.rules[id] = Rule{LogicalID: id, Name: name, ARN: aws.ToString(put.RuleArn), BusName: bus}
	return nil
}

// busName is the bus a rule's EventBusName (a name or an ARN) names: the
// default bus, or one serverless.yml declares.
func (p provisioner) busName(v any) (string, error) {
	if v == nil {
		return "default", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("EventBusName: %v is not a string", v)
	}
	if _, name, isARN := strings.Cut(s, ":event-bus/"); isARN {
		s = name
	}
	if s == "default" {
		return s, nil
	}
	for _, b := range p.r.buses {
		if b.Name == s {
			return s, nil
		}
	}
	return "", fmt.Errorf("EventBusName: %q is not a bus of serverless.yml", s)
}

func (p provisioner) targets(v any) ([]ebtypes.Target, error) {
	list, ok := v.([]any)
	if v != nil && !ok {
		return nil, errors.New("property Targets: want a list")
	}
	var out []ebtypes.Target
	for i, item := range list {
		t, err := p.target(item)
		if err != nil {
			return nil, fmt.Errorf("property Targets[%d]: %w", i, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// target maps one rule target. Only queues of serverless.yml can be
// targets: kumo delivers a Lambda target to its own Lambda service, which
// does not run the stack's functions.
func (p provisioner) target(v any) (ebtypes.Target, error) {
	tm, ok := v.(map[string]any)
	if !ok {
		return ebtypes.Target{}, errors.New("want a mapping")
	}
	if err := knownKeys("target", tm, "Id", "Arn", "Input", "InputPath", "InputTransformer", "RetryPolicy", "DeadLetterConfig"); err != nil {
		return ebtypes.Target{}, err
	}
	id, _ := tm["Id"].(string)
	arn, _ := tm["Arn"].(string)
	if id == "" {
		return ebtypes.Target{}, errors.New("target Id: missing")
	}
	if _, ok := p.r.queueByARN(arn); !ok {
		return ebtypes.Target{}, fmt.Errorf("target Arn %q: the local stack delivers only to queues of serverless.yml", arn)
	}
	t := ebtypes.Target{Id: aws.String(id), Arn: aws.String(arn)}
	if s, ok := tm["Input"].(string); ok {
		t.Input = aws.String(s)
	}
	if s, ok := tm["InputPath"].(string); ok {
		t.InputPath = aws.String(s)
	}
	if it, ok := tm["InputTransformer"].(map[string]any); ok {
		if err := knownKeys("InputTransformer", it, "InputPathsMap", "InputTemplate"); err != nil {
			return t, err
		}
		tmpl, _ := it["InputTemplate"].(string)
		t.InputTransformer = &ebtypes.InputTransformer{InputTemplate: aws.String(tmpl), InputPathsMap: map[string]string{}}
		paths, _ := it["InputPathsMap"].(map[string]any)
		for k, v := range paths {
			if t.InputTransformer.InputPathsMap[k], ok = v.(string); !ok {
				return t, fmt.Errorf("InputTransformer.InputPathsMap.%s: not a string", k)
			}
		}
	}
	if rp, ok := tm["RetryPolicy"].(map[string]any); ok {
		if err := knownKeys("RetryPolicy", rp, "MaximumRetryAttempts", "MaximumEventAgeInSeconds"); err != nil {
			return t, err
		}
		t.RetryPolicy = &ebtypes.RetryPolicy{}
		for k, dst := range map[string]**int32{"MaximumRetryAttempts": &t.RetryPolicy.MaximumRetryAttempts, "MaximumEventAgeInSeconds": &t.RetryPolicy.MaximumEventAgeInSeconds} {
			if v, ok := rp[k]; ok {
				n, err := intValue(v)
				if err != nil {
					return t, fmt.Errorf("RetryPolicy.%s: %w", k, err)
				}
				*dst = aws.Int32(int32(n))
			}
		}
	}
	if dl, ok := tm["DeadLetterConfig"].(map[string]any); ok {
		if err := knownKeys("DeadLetterConfig", dl, "Arn"); err != nil {
			return t, err
		}
		dlq, _ := dl["Arn"].(string)
		if _, ok := p.r.queueByARN(dlq); !ok {
			return t, fmt.Errorf("DeadLetterConfig.Arn %q is not a queue of serverless.yml", dlq)
		}
		t.DeadLetterConfig = &ebtypes.DeadLetterConfig{Arn: aws.String(dlq)}
	}
	return t, nil
}

// putTargets makes the rule's targets exactly targets: PutTargets upserts
// by Id, and targets an earlier run left are removed.
func (p provisioner) putTargets(ctx context.Context, rule, bus string, targets []ebtypes.Target) error {
	want := map[string]bool{}
	for _, t := range targets {
		want[aws.ToString(t.Id)] = true
	}
	existing, err := p.c.EventBridge.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule), EventBusName: aws.String(bus)})
	if err != nil {
		return fmt.Errorf("list targets of %s: %w", rule, err)
	}
	var stale []string
	for _, t := range existing.Targets {
		if !want[aws.ToString(t.Id)] {
			stale = append(stale, aws.ToString(t.Id))
		}
	}
	if len(stale) > 0 {
		if _, err := p.c.EventBridge.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(rule), EventBusName: aws.String(bus), Ids: stale}); err != nil {
			return fmt.Errorf("remove targets %v of %s: %w", stale, rule, err)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	out, err := p.c.EventBridge.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(rule), EventBusName: aws.String(bus), Targets: targets})
	if err != nil {
		return fmt.Errorf("put targets of %s: %w", rule, err)
	}
	if out.FailedEntryCount > 0 {
		e := out.FailedEntries[0]
		return fmt.Errorf("put targets of %s: target %s: %s %s", rule, aws.ToString(e.TargetId), aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage))
	}
	return nil
}
