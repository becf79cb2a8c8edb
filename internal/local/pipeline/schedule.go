package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/manifest"
)

// Schedule is an EventBridge Scheduler schedule whose target is a function
// of serverless.yml: an AWS::Scheduler::Schedule resource, or a function's
// schedule event with method: scheduler (from which the framework generates
// one).
type Schedule struct {
	Function string
	// LogicalID is the AWS::Scheduler::Schedule: the resource's, or the one
	// the framework generates for an event, e.g. OutboxSweeperSchedulerSchedule1.
	LogicalID string
	// Name is the schedule's name: the one given, else the name
	// CloudFormation generates (without its random suffix).
	Name       string
	ARN        string
	Expression string
	// Every is the period of the rate expression.
	Every   time.Duration
	Enabled bool
	// Input is the target's Input, what the function is invoked with; nil
	// means Scheduler's default event (see payload).
	Input *string
}

// Schedules returns the schedules of m: its AWS::Scheduler::Schedule
// resources, then its functions' schedule events. A schedule the pipeline
// cannot run as AWS would is an error: a cron or at expression (no cron
// parser is in the module graph), a target that is not a function of m,
// a property it does not emulate, or a schedule event with method eventBus
// (an EventBridge rule, which kumo never fires). res resolves intrinsics in
// the resources' properties.
func Schedules(m *manifest.Manifest, res *Resources) ([]Schedule, error) {
	out, err := resourceSchedules(m, res)
	if err != nil {
		return nil, err
	}
	for _, fn := range m.Functions {
		n := 0
		for i, ev := range fn.Events {
			if ev.Type != "schedule" {
				continue
			}
			scheds, err := schedules(m, fn.Name, ev.Config, &n)
			if err != nil {
				return nil, fmt.Errorf("function %s: events[%d].schedule: %w", fn.Name, i, err)
			}
			out = append(out, scheds...)
		}
	}
	return out, nil
}

// scheduleARN is the ARN of the schedule name in group.
func scheduleARN(m *manifest.Manifest, group, name string) string {
	return "arn:aws:scheduler:" + m.Region + ":" + Account + ":schedule/" + group + "/" + name
}

// schedules reads one schedule event, which has a schedule per rate
// expression; n numbers the function's schedules as the framework does.
func schedules(m *manifest.Manifest, function string, config any, n *int) ([]Schedule, error) {
	cfg, ok := config.(map[string]any)
	if !ok {
		return nil, errors.New("the short form is method eventBus, an EventBridge rule kumo never fires: use method: scheduler")
	}
	if err := knownKeys("options", cfg, "rate", "enabled", "name", "description", "input", "method", "timezone"); err != nil {
		return nil, err
	}
	if cfg["method"] != "scheduler" {
		return nil, fmt.Errorf("method %v: only method: scheduler is emulated (eventBus makes an EventBridge rule, which kumo never fires)", cfg["method"])
	}
	var rates []any
	switch r := cfg["rate"].(type) {
	case string:
		rates = []any{r}
	case []any:
		rates = r
	default:
		return nil, fmt.Errorf("rate: %v: want an expression or a list of them", cfg["rate"])
	}
	name, _ := cfg["name"].(string)
	if name != "" && len(rates) > 1 {
		return nil, errors.New("name: a schedule with several rates cannot have a name")
	}
	enabled := true
	if v, ok := cfg["enabled"]; ok {
		if enabled, ok = v.(bool); !ok {
			return nil, fmt.Errorf("enabled: %v is not a boolean", v)
		}
	}
	input, err := scheduleInput(cfg["input"])
	if err != nil {
		return nil, err
	}
	var out []Schedule
	for _, r := range rates {
		expr, ok := r.(string)
		if !ok {
			return nil, fmt.Errorf("rate: %v is not an expression", r)
		}
		every, err := ParseRate(expr)
		if err != nil {
			return nil, err
		}
		*n++
		s := Schedule{
			Function:   function,
			LogicalID:  normalizedName(function) + "SchedulerSchedule" + strconv.Itoa(*n),
			Name:       name,
			Expression: expr,
			Every:      every,
			Enabled:    enabled,
			Input:      input,
		}
		if s.Name == "" {
			s.Name = m.Service + "-" + m.Stage + "-" + s.LogicalID
			s.Name = s.Name[:min(len(s.Name), 64)]
		}
		s.ARN = scheduleARN(m, "default", s.Name)
		out = append(out, s)
	}
	return out, nil
}

// scheduleInput is the target Input the framework generates from a
// schedule's input: a string as written, an object as JSON (a string body
// in it parsed first).
func scheduleInput(v any) (*string, error) {
	switch in := v.(type) {
	case nil:
		return nil, nil
	case string:
		if !json.Valid([]byte(in)) {
			return nil, fmt.Errorf("input: %q is not JSON, as Scheduler needs for a Lambda target", in)
		}
		return &in, nil
	case map[string]any:
		if body, ok := in["body"].(string); ok {
			var parsed any
			if err := json.Unmarshal([]byte(body), &parsed); err != nil {
				return nil, fmt.Errorf("input.body: %w", err)
			}
			in["body"] = parsed
		}
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		s := string(b)
		return &s, nil
	}
	return nil, fmt.Errorf("input: %v: want a string or a mapping", v)
}

var rateExpr = regexp.MustCompile(`^rate\((\d+) (minute|hour|day)(s?)\)$`)

// ParseRate returns the period of a rate expression, rate(1 minute) or
// rate(N minutes|hours|days). Cron expressions are refused: no cron parser
// is in the module graph, and a guessed one would fire at the wrong times.
// So are one-time at(...) expressions.
func ParseRate(expr string) (time.Duration, error) {
	if strings.HasPrefix(expr, "cron(") {
		return 0, fmt.Errorf("schedule %s: cron expressions are not emulated by the local stack; use a rate expression", expr)
	}
	if strings.HasPrefix(expr, "at(") {
		return 0, fmt.Errorf("schedule %s: one-time schedules are not emulated by the local stack; use a rate expression", expr)
	}
	m := rateExpr.FindStringSubmatch(expr)
	if m == nil {
		return 0, fmt.Errorf("schedule %q: want rate(N unit)", expr)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 || (n == 1) != (m[3] == "") {
		return 0, fmt.Errorf("schedule %q: want rate(1 %s) or rate(N %ss) with N > 1", expr, m[2], m[2])
	}
	unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[m[2]]
	return time.Duration(n) * unit, nil
}

// normalizedName is the framework's normalized function name.
func normalizedName(name string) string {
	name = strings.NewReplacer("-", "Dash", "_", "Underscore").Replace(name)
	r := []rune(name)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// scheduledEvent is what EventBridge Scheduler invokes a Lambda target
// with when the target has no Input. Its detail is the string "{}", not an
// object, unlike an EventBridge scheduled rule's.
type scheduledEvent struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	Detail     string   `json:"detail"`
}

// payload is what the schedule invokes its function with for the
// invocation scheduled at at.
func (s Schedule) payload(at time.Time, region string) ([]byte, error) {
	if s.Input != nil {
		return []byte(*s.Input), nil
	}
	return json.Marshal(scheduledEvent{
		Version:    "0",
		ID:         uuid.NewString(),
		DetailType: "Scheduled Event",
		Source:     "aws.scheduler",
		Account:    Account,
		Time:       at.UTC().Truncate(time.Second).Format(time.RFC3339),
		Region:     region,
		Resources:  []string{s.ARN},
		Detail:     "{}",
	})
}
