package pipeline_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/local/pipeline"
)

// TestFireInvokesTheSweeper fires the outbox sweeper's schedule of
// serverless.yml: the function gets what EventBridge Scheduler sends a
// Lambda target without Input (testdata/scheduled-event.json).
func TestFireInvokesTheSweeper(t *testing.T) {
	t.Parallel()
	m, res := provision(t, "pipelinetest-schedule")
	at := time.Date(2026, 3, 14, 9, 27, 0, 0, time.UTC)
	fns := &fakeFunctions{}
	p, err := pipeline.Start(context.Background(), m, res, clients(), fns, pipeline.Options{Pollers: 1, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()

	if err := p.Fire(context.Background(), "outboxSweeper"); err != nil {
		t.Fatal(err)
	}
	calls := fns.invocations()
	if len(calls) != 1 || calls[0].function != "outboxSweeper" {
		t.Fatalf("invocations = %v, want one of outboxSweeper", calls)
	}
	assertScheduledEvent(t, calls[0].payload, at, schedule(t, p, "outboxSweeper"))

	if err := p.Fire(context.Background(), "counterWorker"); err == nil || !strings.Contains(err.Error(), "has no schedule") {
		t.Errorf("Fire(counterWorker) = %v, want an error: it has no schedule", err)
	}
}

// TestScheduleFiresOnTick drives the schedule's ticker: each tick invokes
// the function once, stamped with the tick's time.
func TestScheduleFiresOnTick(t *testing.T) {
	t.Parallel()
	m, res := provision(t, "pipelinetest-schedule")
	ticks := make(chan time.Time)
	var periods []time.Duration
	fns := &fakeFunctions{}
	p, err := pipeline.Start(context.Background(), m, res, clients(), fns, pipeline.Options{
		Pollers: 1,
		Tick: func(d time.Duration) (<-chan time.Time, func()) {
			periods = append(periods, d)
			return ticks, func() {}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sweeper := schedule(t, p, "outboxSweeper")
	if diff := cmp.Diff([]time.Duration{sweeper.Every}, periods); diff != "" {
		t.Errorf("schedule periods (-want +got):\n%s", diff)
	}
	if sweeper.Every != time.Minute {
		t.Errorf("the sweeper runs every %s, want serverless.yml's rate(1 minute)", sweeper.Every)
	}
	at := time.Date(2026, 3, 14, 9, 27, 0, 0, time.UTC)
	ticks <- at
	eventually(t, 2*time.Second, "the tick invoked nothing", func() bool { return len(fns.invocations()) == 1 })
	p.Stop()
	assertScheduledEvent(t, fns.invocations()[0].payload, at, sweeper)
}

// schedule returns the one schedule of function.
func schedule(t *testing.T, p *pipeline.Pipeline, function string) pipeline.Schedule {
	t.Helper()
	var found []pipeline.Schedule
	for _, s := range p.Schedules() {
		if s.Function == function {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has schedules %+v, want one", function, found)
	}
	return found[0]
}

// assertScheduledEvent compares payload with testdata/scheduled-event.json,
// the event of schedule s at at.
func assertScheduledEvent(t *testing.T, payload []byte, at time.Time, s pipeline.Schedule) {
	t.Helper()
	var got, want map[string]any
	if err := json.Unmarshal(payload, &got); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	golden, err := os.ReadFile("testdata/scheduled-event.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(golden, &want); err != nil {
		t.Fatal(err)
	}
	if id, _ := got["id"].(string); len(id) != 36 {
		t.Errorf("event id = %q, want a UUID", got["id"])
	}
	got["id"] = want["id"]
	want["time"] = at.Format(time.RFC3339)
	want["resources"] = []any{s.ARN}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scheduled event (-want +got):\n%s", diff)
	}
}

func TestParseRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr    string
		want    time.Duration
		wantErr string
	}{
		{expr: "rate(1 minute)", want: time.Minute},
		{expr: "rate(5 minutes)", want: 5 * time.Minute},
		{expr: "rate(1 hour)", want: time.Hour},
		{expr: "rate(2 days)", want: 48 * time.Hour},
		{expr: "rate(1 minutes)", wantErr: "want rate(1 minute)"},
		{expr: "rate(5 minute)", wantErr: "want rate(1 minute)"},
		{expr: "rate(0 minutes)", wantErr: "want rate(1 minute)"},
		{expr: "rate(5 seconds)", wantErr: "want rate(N unit)"},
		{expr: "cron(0 12 * * ? *)", wantErr: "cron expressions are not emulated"},
		{expr: "at(2026-03-14T09:27:00)", wantErr: "one-time schedules are not emulated"},
	}
	for _, tt := range tests {
		got, err := pipeline.ParseRate(tt.expr)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRate(%q) = %v, %v; want an error containing %q", tt.expr, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", tt.expr, got, err, tt.want)
		}
	}
}

func TestSchedules(t *testing.T) {
	t.Parallel()
	m := parse(t, `functions:
  tidy:
    handler: bootstrap
    events:
      - schedule:
          method: scheduler
          rate: [rate(5 minutes), rate(1 hour)]
          input:
            body: '{"full":true}'
      - schedule:
          method: scheduler
          name: nightly-off
          enabled: false
          rate: rate(1 day)
          input: '{"mode":"quick"}'
resources:
  Resources:
    Sweep:
      Type: AWS::Scheduler::Schedule
      Properties:
        GroupName: chores
        ScheduleExpression: rate(2 minutes)
        FlexibleTimeWindow: {Mode: "OFF"}
        Target:
          Arn: {Fn::GetAtt: [TidyLambdaFunction, Arn]}
          RoleArn: {Fn::GetAtt: [Role, Arn]}
          RetryPolicy: {MaximumRetryAttempts: 0}
    Named:
      Type: AWS::Scheduler::Schedule
      Properties:
        Name: by-arn
        State: DISABLED
        ScheduleExpression: rate(1 hour)
        FlexibleTimeWindow: {Mode: "OFF"}
        Target:
          Arn: arn:aws:lambda:us-east-1:000000000000:function:refuse-pipelinetest-tidy
          RoleArn: arn:aws:iam::000000000000:role/r
          Input: '{"from":"resource"}'
    Role:
      Type: AWS::IAM::Role`)
	res, err := pipeline.Provision(context.Background(), m, clients())
	if err != nil {
		t.Fatal(err)
	}
	got, err := pipeline.Schedules(m, res)
	if err != nil {
		t.Fatal(err)
	}
	full, quick, fromResource := `{"body":{"full":true}}`, `{"mode":"quick"}`, `{"from":"resource"}`
	arn := "arn:aws:scheduler:us-east-1:000000000000:schedule/"
	want := []pipeline.Schedule{
		{Function: "tidy", LogicalID: "Named", Name: "by-arn", ARN: arn + "default/by-arn", Expression: "rate(1 hour)", Every: time.Hour, Enabled: false, Input: &fromResource},
		{Function: "tidy", LogicalID: "Sweep", Name: "refuse-pipelinetest-Sweep", ARN: arn + "chores/refuse-pipelinetest-Sweep", Expression: "rate(2 minutes)", Every: 2 * time.Minute, Enabled: true},
		{Function: "tidy", LogicalID: "TidySchedulerSchedule1", Name: "refuse-pipelinetest-TidySchedulerSchedule1", ARN: arn + "default/refuse-pipelinetest-TidySchedulerSchedule1", Expression: "rate(5 minutes)", Every: 5 * time.Minute, Enabled: true, Input: &full},
		{Function: "tidy", LogicalID: "TidySchedulerSchedule2", Name: "refuse-pipelinetest-TidySchedulerSchedule2", ARN: arn + "default/refuse-pipelinetest-TidySchedulerSchedule2", Expression: "rate(1 hour)", Every: time.Hour, Enabled: true, Input: &full},
		{Function: "tidy", LogicalID: "TidySchedulerSchedule3", Name: "nightly-off", ARN: arn + "default/nightly-off", Expression: "rate(1 day)", Every: 24 * time.Hour, Enabled: false, Input: &quick},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Schedules (-want +got):\n%s", diff)
	}
}

func TestStartRefusesWhatItCannotRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, functions, want string
	}{
		{"a cron schedule", `
      - schedule:
          method: scheduler
          rate: cron(0 12 * * ? *)`, "cron expressions are not emulated"},
		{"a schedule on an EventBridge rule", `
      - schedule: rate(1 minute)`, "method eventBus"},
		{"an sqs filter", `
      - sqs:
          arn: {Fn::GetAtt: [Q, Arn]}
          filterPatterns:
            - body: {a: [b]}`, "not emulated by the local stack: filterPatterns"},
		{"an sqs event on a queue serverless.yml lacks", `
      - sqs: arn:aws:sqs:us-east-1:000000000000:elsewhere`, "is not a queue of serverless.yml"},
		{"an eventBridge event", `
      - eventBridge:
          pattern: {source: [x]}`, "eventBridge events are not emulated"},
	}
	resources := []struct {
		name, schedule, want string
	}{
		{"a cron schedule resource", `
        ScheduleExpression: cron(0 12 * * ? *)
        Target: {Arn: {Fn::GetAtt: [FnLambdaFunction, Arn]}}`, "cron expressions are not emulated"},
		{"a schedule of another function", `
        ScheduleExpression: rate(1 minute)
        Target: {Arn: {Fn::GetAtt: [OtherLambdaFunction, Arn]}}`, "OtherLambdaFunction is not the logical ID of a function"},
		{"a schedule with a start date", `
        ScheduleExpression: rate(1 minute)
        StartDate: "2030-01-01T00:00:00Z"
        Target: {Arn: {Fn::GetAtt: [FnLambdaFunction, Arn]}}`, "not emulated by the local stack: StartDate"},
	}
	for _, r := range resources {
		tests = append(tests, struct{ name, functions, want string }{r.name, `
      - httpApi: {method: GET, path: /x}
resources:
  Resources:
    S:
      Type: AWS::Scheduler::Schedule
      Properties:` + r.schedule, r.want})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := `functions:
  fn:
    handler: bootstrap
    events:` + tt.functions
			if !strings.Contains(doc, "resources:") {
				doc += `
resources:
  Resources:`
			}
			m := parse(t, doc+`
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: refuse-start`)
			res, err := pipeline.Provision(context.Background(), m, clients())
			if err != nil {
				t.Fatal(err)
			}
			p, err := pipeline.Start(context.Background(), m, res, clients(), &fakeFunctions{}, pipeline.Options{})
			if err == nil {
				p.Stop()
				t.Fatalf("Start succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
