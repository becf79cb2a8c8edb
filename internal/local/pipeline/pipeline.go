// Package pipeline is the event half of the local stack: events flow
// through kumo (EventBridge and SQS, in-process) to pollers that invoke the
// workers through their Lambda entry points, and schedules fire.
//
// Provision creates serverless.yml's queues (with their redrive policies),
// event buses and rules in kumo. Start then runs, for every function's sqs
// event, a poller that does what Lambda's SQS poller does: long-poll a
// batch, invoke the function with the real events.SQSEvent JSON, and delete
// only the messages that succeeded (honouring ReportBatchItemFailures), so
// failed messages come back after the queue's visibility timeout and kumo
// moves them to the DLQ after maxReceiveCount. For every EventBridge
// Scheduler schedule of a function (an AWS::Scheduler::Schedule resource, or
// a schedule event with method: scheduler; rate expressions) it invokes the
// function with what Scheduler sends.
//
// kumo's EventBridge delivers to SQS by HTTP to the address in KUMO_HOST and
// KUMO_PORT, read when the process starts: a process running the pipeline
// must start with them set and serve them (emulator.KumoDeliveryEnv,
// emulator.Reexec, emulator.KumoDelivery); so must the TestMain of any test
// package that needs rules to deliver.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/manifest"
)

// Invoker invokes a function through its Lambda entry point: the event JSON
// in, the response JSON out; an error is a function error.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// HandledElsewhere are the function event types the local stack runs
// outside this package; Start refuses any other type but sqs and schedule.
var HandledElsewhere = []string{"httpApi", "cognitoUserPool"}

// Options configure a running pipeline.
type Options struct {
	// Log receives the pollers' and schedules' logs; nothing if nil.
	Log *slog.Logger
	// Pollers is how many batches of one queue are in progress at once;
	// 0 means 5, as Lambda starts with, or the mapping's
	// maximumConcurrency if lower.
	Pollers int
	// Now is the clock Fire stamps its events with; time.Now if nil.
	Now func() time.Time
	// Tick returns a channel delivering the time every d and a func that
	// stops it; a time.Ticker if nil. Tests fire schedules through it.
	Tick func(d time.Duration) (<-chan time.Time, func())
}

// Pipeline runs the SQS pollers and the schedules of a manifest.
type Pipeline struct {
	invoker   Invoker
	region    string
	log       *slog.Logger
	now       func() time.Time
	mappings  []Mapping
	schedules []Schedule
	cancel    context.CancelFunc
	running   sync.WaitGroup // pollers and schedule loops
	inflight  sync.WaitGroup // scheduled invocations
}

// pollWait is how long one ReceiveMessage long-polls. Lambda waits 20 s;
// kumo wakes a long poll only for a new message, not when a failed one
// becomes visible again, and a poll in progress delays stopping, so the
// pipeline polls in 1 s slices instead.
const pollWait = time.Second

// Start starts a poller for every enabled sqs event of m's functions and a
// loop for every enabled schedule (Schedules), until ctx is done or Stop. res are the
// resources Provision returned. It fails when m has an event the local
// stack does not run (a type other than sqs, schedule and
// HandledElsewhere's), or one it cannot run as AWS would.
func Start(ctx context.Context, m *manifest.Manifest, res *Resources, c Clients, inv Invoker, opts Options) (*Pipeline, error) {
	if err := checkEventTypes(m); err != nil {
		return nil, fmt.Errorf("pipeline.Start: %w", err)
	}
	mappings, err := Mappings(m, res)
	if err != nil {
		return nil, fmt.Errorf("pipeline.Start: %w", err)
	}
	schedules, err := Schedules(m, res)
	if err != nil {
		return nil, fmt.Errorf("pipeline.Start: %w", err)
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tick == nil {
		opts.Tick = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Pipeline{invoker: inv, region: m.Region, log: opts.Log, now: opts.Now, mappings: mappings, schedules: schedules, cancel: cancel}
	for _, mp := range mappings {
		n := opts.Pollers
		if n <= 0 {
			n = defaultPollers
		}
		if mp.MaximumConcurrency > 0 {
			n = min(n, mp.MaximumConcurrency)
		}
		pl := &poller{mapping: mp, sqs: c.SQS, invoker: inv, region: m.Region, log: opts.Log, wait: pollWait}
		for range n {
			p.running.Go(func() { pl.run(ctx) })
		}
	}
	for _, s := range schedules {
		if !s.Enabled {
			continue
		}
		ticks, stop := opts.Tick(s.Every)
		p.running.Go(func() {
			defer stop()
			for {
				select {
				case <-ctx.Done():
					return
				case at := <-ticks:
					p.inflight.Go(func() { p.fireScheduled(context.WithoutCancel(ctx), s, at) })
				}
			}
		})
	}
	return p, nil
}

// Mappings are the SQS event source mappings the pipeline polls for.
func (p *Pipeline) Mappings() []Mapping { return slices.Clone(p.mappings) }

// Schedules are the schedules of the pipeline, enabled or not.
func (p *Pipeline) Schedules() []Schedule { return slices.Clone(p.schedules) }

// fireScheduled is one scheduled invocation. Scheduler invokes Lambda
// asynchronously: nobody waits for the result, so an error is only logged.
func (p *Pipeline) fireScheduled(ctx context.Context, s Schedule, at time.Time) {
	if err := p.invoke(ctx, s, at); err != nil {
		p.log.Error("schedule: function error", "schedule", s.Name, "function", s.Function, "error", err)
	}
}

func (p *Pipeline) invoke(ctx context.Context, s Schedule, at time.Time) error {
	_, err := p.invokeFor(ctx, s, at)
	return err
}

func (p *Pipeline) invokeFor(ctx context.Context, s Schedule, at time.Time) ([]byte, error) {
	payload, err := s.payload(at, p.region)
	if err != nil {
		return nil, err
	}
	return p.invoker.Invoke(ctx, s.Function, payload)
}

// ErrNoSchedule is FireSchedule's error for a name no schedule has.
var ErrNoSchedule = errors.New("no such schedule")

// FireSchedule invokes the target of the schedule called name (its Name or
// its logical ID) now, enabled or not, with what the schedule sends, and
// returns the function's answer. ErrNoSchedule when there is no such
// schedule.
func (p *Pipeline) FireSchedule(ctx context.Context, name string) ([]byte, error) {
	for _, s := range p.schedules {
		if s.Name == name || s.LogicalID == name {
			out, err := p.invokeFor(ctx, s, p.now())
			if err != nil {
				return nil, fmt.Errorf("pipeline.FireSchedule %s: %w", name, err)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("pipeline.FireSchedule %s: %w", name, ErrNoSchedule)
}

// Fire invokes function now, once for each of its schedules (enabled or
// not), with what each schedule sends, and returns the function's errors.
// It is an error when function has no schedule.
func (p *Pipeline) Fire(ctx context.Context, function string) error {
	var errs []error
	found := false
	for _, s := range p.schedules {
		if s.Function != function {
			continue
		}
		found = true
		if err := p.invoke(ctx, s, p.now()); err != nil {
			errs = append(errs, fmt.Errorf("schedule %s: %w", s.Name, err))
		}
	}
	if !found {
		return fmt.Errorf("pipeline.Fire: function %q has no schedule", function)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pipeline.Fire %s: %w", function, err)
	}
	return nil
}

// Stop stops polling and scheduling and returns once the batches and
// scheduled invocations in progress have finished. Cancelling Start's
// context and calling Wait does the same.
func (p *Pipeline) Stop() {
	p.cancel()
	p.Wait()
}

// Wait returns once the pipeline has stopped (its context is done) and
// the work in progress has finished.
func (p *Pipeline) Wait() {
	p.running.Wait()
	p.inflight.Wait()
}

func checkEventTypes(m *manifest.Manifest) error {
	for _, fn := range m.Functions {
		for i, ev := range fn.Events {
			if ev.Type != "sqs" && ev.Type != "schedule" && !slices.Contains(HandledElsewhere, ev.Type) {
				return fmt.Errorf("function %s: events[%d]: %s events are not emulated by the local stack", fn.Name, i, ev.Type)
			}
		}
	}
	return nil
}
