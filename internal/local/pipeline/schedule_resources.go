package pipeline

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/eventboard/eventboard/internal/manifest"
)

// typeSchedule is run by the pipeline's scheduler, not created in kumo,
// whose Scheduler stores schedules but never fires them.
const typeSchedule = "AWS::Scheduler::Schedule"

// resourceSchedules reads m's AWS::Scheduler::Schedule resources.
func resourceSchedules(m *manifest.Manifest, res *Resources) ([]Schedule, error) {
	var out []Schedule
	for _, id := range slices.Sorted(maps.Keys(m.Resources)) {
		if m.Resources[id].Type != typeSchedule {
			continue
		}
		s, err := resourceSchedule(m, res, id)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", id, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func resourceSchedule(m *manifest.Manifest, res *Resources, id string) (Schedule, error) {
	r := m.Resources[id]
	if _, conditional := r.Raw["Condition"]; conditional {
		return Schedule{}, errors.New("conditions are not emulated by the local stack")
	}
	props := r.Properties
	if err := knownKeys("properties", props, "Name", "GroupName", "Description", "ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "State", "Target"); err != nil {
		return Schedule{}, err
	}
	target, ok := props["Target"].(map[string]any)
	if !ok {
		return Schedule{}, errors.New("property Target: missing")
	}
	// RoleArn names an IAM role and RetryPolicy governs failed deliveries to
	// Lambda, neither of which happens locally; Target.Arn is a function.
	if err := knownKeys("Target", target, "Arn", "RoleArn", "Input", "RetryPolicy", "DeadLetterConfig"); err != nil {
		return Schedule{}, err
	}
	fn, err := targetFunction(m, target["Arn"])
	if err != nil {
		return Schedule{}, fmt.Errorf("Target.Arn: %w", err)
	}
	resolved, err := res.Resolve(map[string]any{
		"Name": props["Name"], "GroupName": props["GroupName"], "ScheduleExpression": props["ScheduleExpression"],
		"State": props["State"], "Input": target["Input"], "DeadLetterConfig": target["DeadLetterConfig"],
	})
	if err != nil {
		return Schedule{}, err
	}
	p := resolved.(map[string]any)
	s := Schedule{Function: fn, LogicalID: id, Enabled: true}
	s.Expression, _ = p["ScheduleExpression"].(string)
	if s.Every, err = ParseRate(s.Expression); err != nil {
		return Schedule{}, err
	}
	switch p["State"] {
	case nil, "ENABLED":
	case "DISABLED":
		s.Enabled = false
	default:
		return Schedule{}, fmt.Errorf("property State: %v is not ENABLED or DISABLED", p["State"])
	}
	if v, ok := p["Input"]; ok && v != nil {
		if s.Input, err = scheduleInput(v); err != nil {
			return Schedule{}, err
		}
	}
	if dl, ok := p["DeadLetterConfig"].(map[string]any); ok {
		arn, _ := dl["Arn"].(string)
		if _, ok := res.queueByARN(arn); !ok || len(dl) != 1 {
			return Schedule{}, fmt.Errorf("Target.DeadLetterConfig: %v: want {Arn: a queue of serverless.yml}", dl)
		}
	}
	s.Name, _ = p["Name"].(string)
	if s.Name == "" {
		s.Name = m.Service + "-" + m.Stage + "-" + id
		s.Name = s.Name[:min(len(s.Name), 64)]
	}
	group, _ := p["GroupName"].(string)
	if group == "" {
		group = "default"
	}
	s.ARN = scheduleARN(m, group, s.Name)
	return s, nil
}

// targetFunction is the function of m a schedule's Target.Arn names:
// Fn::GetAtt of the function's generated logical ID (<Name>LambdaFunction),
// or the function's ARN.
func targetFunction(m *manifest.Manifest, arn any) (string, error) {
	if key, ok := manifest.Intrinsic(arn); ok {
		id, attr, err := getAttArgs(arn.(map[string]any)[key])
		if key != "Fn::GetAtt" || err != nil || attr != "Arn" {
			return "", fmt.Errorf("%v: want Fn::GetAtt [<Function>LambdaFunction, Arn] or a function's ARN", arn)
		}
		for _, fn := range m.Functions {
			if normalizedName(fn.Name)+"LambdaFunction" == id {
				return fn.Name, nil
			}
		}
		return "", fmt.Errorf("%s is not the logical ID of a function of serverless.yml", id)
	}
	s, _ := arn.(string)
	if name, ok := strings.CutPrefix(s, "arn:aws:lambda:"+m.Region+":"+Account+":function:"); ok {
		for _, fn := range m.Functions {
			if fn.FunctionName == name {
				return fn.Name, nil
			}
		}
	}
	return "", fmt.Errorf("%v is not the ARN of a function of serverless.yml", arn)
}
