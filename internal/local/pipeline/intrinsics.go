package pipeline

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/eventboard/eventboard/internal/manifest"
)

// Account is the account ID of every local ARN, as kumo has it.
const Account = "000000000000"

// Resolve returns v with every CloudFormation intrinsic in it replaced by
// its local value: Ref and Fn::GetAtt of the queues, buses and rules
// provisioned so far, the pseudo parameters AWS::Region, AWS::AccountId,
// AWS::Partition, AWS::StackName and AWS::URLSuffix, Fn::Join and Fn::Sub.
// Anything else (another intrinsic, a resource the pipeline does not
// provision, an attribute it does not know, a variable only AWS can answer)
// is an error naming it, so serverless.yml cannot ask for something the
// local stack silently does differently.
func (r *Resources) Resolve(v any) (any, error) {
	switch v := v.(type) {
	case manifest.Unresolved:
		return nil, fmt.Errorf("%s cannot be resolved locally: %s", v.Expr, v.Reason)
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			resolved, err := r.Resolve(item)
			if err != nil {
				return nil, err
			}
			out[i] = resolved
		}
		return out, nil
	case map[string]any:
		if key, ok := manifest.Intrinsic(v); ok {
			return r.intrinsic(key, v[key])
		}
		out := make(map[string]any, len(v))
		for k, item := range v {
			resolved, err := r.Resolve(item)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = resolved
		}
		return out, nil
	}
	return v, nil
}

// ResolveString resolves v and requires a string.
func (r *Resources) ResolveString(v any) (string, error) {
	resolved, err := r.Resolve(v)
	if err != nil {
		return "", err
	}
	s, ok := resolved.(string)
	if !ok {
		return "", fmt.Errorf("%v: want a string", v)
	}
	return s, nil
}

func (r *Resources) intrinsic(key string, arg any) (string, error) {
	switch key {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return "", fmt.Errorf("a Ref needs a logical ID, got %v", arg)
		}
		return r.ref(name)
	case "Fn::GetAtt":
		id, attr, err := getAttArgs(arg)
		if err != nil {
			return "", err
		}
		return r.getAtt(id, attr)
	case "Fn::Join":
		return r.join(arg)
	case "Fn::Sub":
		return r.sub(arg)
	}
	return "", fmt.Errorf("%s is not emulated by the local stack", key)
}

func (r *Resources) ref(name string) (string, error) {
	switch name {
	case "AWS::Region":
		return r.region, nil
	case "AWS::AccountId":
		return Account, nil
	case "AWS::Partition":
		return "aws", nil
	case "AWS::StackName":
		return r.stackName, nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	}
	if q, ok := r.queues[name]; ok {
		return q.URL, nil
	}
	if b, ok := r.buses[name]; ok {
		return b.Name, nil
	}
	return "", r.unknown("Ref "+name, name)
}

func (r *Resources) getAtt(id, attr string) (string, error) {
	what := "Fn::GetAtt " + id + "." + attr
	if q, ok := r.queues[id]; ok {
		switch attr {
		case "Arn":
			return q.ARN, nil
		case "QueueName":
			return q.Name, nil
		case "QueueUrl":
			return q.URL, nil
		}
		return "", fmt.Errorf("%s: an AWS::SQS::Queue has no attribute %s locally", what, attr)
	}
	if b, ok := r.buses[id]; ok {
		switch attr {
		case "Arn":
			return b.ARN, nil
		case "Name":
			return b.Name, nil
		}
		return "", fmt.Errorf("%s: an AWS::Events::EventBus has no attribute %s locally", what, attr)
	}
	if rule, ok := r.rules[id]; ok && attr == "Arn" {
		return rule.ARN, nil
	}
	return "", r.unknown(what, id)
}

// unknown explains why a reference to id does not resolve.
func (r *Resources) unknown(what, id string) error {
	res, declared := r.declared[id]
	switch {
	case !declared:
		return fmt.Errorf("%s: no resource %s in serverless.yml", what, id)
	case provisioned[res.Type]:
		return fmt.Errorf("%s: %s is not provisioned yet (a reference cycle, or a reference the local stack cannot follow)", what, id)
	}
	return fmt.Errorf("%s: %s (%s) is not provisioned by the event pipeline", what, id, res.Type)
}

func getAttArgs(arg any) (id, attr string, err error) {
	switch a := arg.(type) {
	case string:
		if id, attr, ok := strings.Cut(a, "."); ok {
			return id, attr, nil
		}
	case []any:
		if len(a) == 2 {
			id, ok1 := a[0].(string)
			attr, ok2 := a[1].(string)
			if ok1 && ok2 {
				return id, attr, nil
			}
		}
	}
	return "", "", fmt.Errorf("Fn::GetAtt %v: want [LogicalId, Attribute]", arg)
}

func (r *Resources) join(arg any) (string, error) {
	a, ok := arg.([]any)
	if !ok || len(a) != 2 {
		return "", fmt.Errorf("Fn::Join %v: want [delimiter, [values]]", arg)
	}
	delim, ok := a[0].(string)
	if !ok {
		return "", fmt.Errorf("Fn::Join %v: the delimiter is not a string", arg)
	}
	resolved, err := r.Resolve(a[1])
	if err != nil {
		return "", fmt.Errorf("Fn::Join: %w", err)
	}
	items, ok := resolved.([]any)
	if !ok {
		return "", fmt.Errorf("Fn::Join %v: want a list of values", arg)
	}
	parts := make([]string, len(items))
	for i, item := range items {
		s, err := scalarString(item)
		if err != nil {
			return "", fmt.Errorf("Fn::Join: %w", err)
		}
		parts[i] = s
	}
	return strings.Join(parts, delim), nil
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

func (r *Resources) sub(arg any) (string, error) {
	tmpl, vars := "", map[string]any{}
	switch a := arg.(type) {
	case string:
		tmpl = a
	case []any:
		if len(a) != 2 {
			return "", fmt.Errorf("Fn::Sub %v: want a template, or [template, variables]", arg)
		}
		s, ok1 := a[0].(string)
		m, ok2 := a[1].(map[string]any)
		if !ok1 || !ok2 {
			return "", fmt.Errorf("Fn::Sub %v: want [template, variables]", arg)
		}
		tmpl, vars = s, m
	default:
		return "", fmt.Errorf("Fn::Sub %v: want a template, or [template, variables]", arg)
	}
	var firstErr error
	out := subVar.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		var (
			s   string
			err error
		)
		if v, ok := vars[name]; ok {
			var resolved any
			if resolved, err = r.Resolve(v); err == nil {
				s, err = scalarString(resolved)
			}
		} else if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			s, err = r.getAtt(id, attr)
		} else {
			s, err = r.ref(name)
		}
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("Fn::Sub %q: %w", tmpl, err)
		}
		return s
	})
	return out, firstErr
}

// scalarString formats a resolved scalar as CloudFormation would.
func scalarString(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case int, int64, uint64:
		return fmt.Sprint(v), nil
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprint(int64(v)), nil
		}
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("%v is not a scalar", v)
}

// knownKeys fails on a key of m that is not in known, naming where.
func knownKeys(where string, m map[string]any, known ...string) error {
	var extra []string
	for k := range m {
		if !slices.Contains(known, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	sort.Strings(extra)
	return fmt.Errorf("%s: not emulated by the local stack: %s", where, strings.Join(extra, ", "))
}
