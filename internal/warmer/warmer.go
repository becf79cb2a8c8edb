// Package warmer is the Scheduler warmer: on each run it invokes every
// warmed function with warm-up pings, Concurrency of them at once, so that
// Concurrency execution environments of each stay warm, and reports per
// function how many pings it sent, how many found a cold environment (and
// which environments those were), and how many failed. A failed ping is
// reported and logged, never an error of the run: one broken function must
// not stop the others being warmed.
package warmer

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/warmping"
)

// Invoker invokes a function synchronously with a payload and returns its
// answer; a function error is an error.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// Pinger warms Targets through an Invoker: it sends the pings of a run.
type Pinger struct {
	targets Targets
	invoker Invoker
	log     *slog.Logger
}

// New returns a Pinger of targets. log receives one line per function per
// run, carrying the run's figures as CloudWatch metrics in Embedded Metric
// Format.
func New(targets Targets, invoker Invoker, log *slog.Logger) *Pinger {
	return &Pinger{targets: slices.Clone(targets), invoker: invoker, log: log}
}

// Report is what one run did.
type Report struct {
	Functions []FunctionReport `json:"functions"`
	Pings     int              `json:"pings"`
	Cold      int              `json:"cold"`
	Failed    int              `json:"failed"`
}

// FunctionReport is what one run did to one function.
type FunctionReport struct {
	Function    string `json:"function"`
	Concurrency int    `json:"concurrency"`
	Pings       int    `json:"pings"`
	// Cold is how many pings found a cold environment (and so started it).
	Cold int `json:"cold"`
	// Failed is how many pings got an error or an answer that is not a
	// warm-up reply.
	Failed int `json:"failed"`
	// Environments is how many distinct environments answered; fewer than
	// the pings that succeeded means some pings shared one.
	Environments int `json:"environments"`
	// ColdEnvironments are the ids of the environments found cold.
	ColdEnvironments []string `json:"coldEnvironments,omitempty"`
}

// Run pings every target once, all functions and all their pings at once,
// and returns what happened. It returns when every ping has answered or ctx
// is done; it never fails.
func (p *Pinger) Run(ctx context.Context) Report {
	reports := make([]FunctionReport, len(p.targets))
	var wg sync.WaitGroup
	for i, t := range p.targets {
		wg.Go(func() { reports[i] = p.warm(ctx, t) })
	}
	wg.Wait()
	r := Report{Functions: reports}
	for _, f := range reports {
		r.Pings += f.Pings
		r.Cold += f.Cold
		r.Failed += f.Failed
		p.logFunction(ctx, f)
	}
	return r
}

// warm sends t.Concurrency pings to t's function at once.
func (p *Pinger) warm(ctx context.Context, t Target) FunctionReport {
	type result struct {
		reply warmping.Reply
		err   error
	}
	results := make([]result, t.Concurrency)
	var wg sync.WaitGroup
	for i := range t.Concurrency {
		wg.Go(func() {
			out, err := p.invoker.Invoke(ctx, t.Function, warmping.Payload(t.Concurrency, i))
			if err == nil {
				results[i].reply, err = warmping.ParseReply(out)
			}
			results[i].err = err
		})
	}
	wg.Wait()
	rep := FunctionReport{Function: t.Function, Concurrency: t.Concurrency, Pings: t.Concurrency}
	envs := map[string]bool{}
	for i, r := range results {
		if r.err != nil {
			rep.Failed++
			p.log.WarnContext(ctx, "warm-up ping failed", "target", t.Function, "ping", i, "error", r.err)
			continue
		}
		envs[r.reply.Environment] = true
		if r.reply.ColdStart {
			rep.Cold++
			rep.ColdEnvironments = append(rep.ColdEnvironments, r.reply.Environment)
		}
	}
	rep.Environments = len(envs)
	slices.Sort(rep.ColdEnvironments)
	return rep
}

// logFunction logs a function's figures, as an EMF record of the metrics
// WarmerPings, WarmerColdStarts and WarmerFailures by target function.
func (p *Pinger) logFunction(ctx context.Context, f FunctionReport) {
	level := slog.LevelInfo
	if f.Failed > 0 {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("target", f.Function),
		slog.Int("concurrency", f.Concurrency),
		slog.Int("environments", f.Environments),
		slog.Any("coldEnvironments", f.ColdEnvironments),
	}
	attrs = append(attrs, logging.EMF(time.Now(), []string{"target"},
		logging.Metric{Name: "WarmerPings", Value: float64(f.Pings)},
		logging.Metric{Name: "WarmerColdStarts", Value: float64(f.Cold)},
		logging.Metric{Name: "WarmerFailures", Value: float64(f.Failed)})...)
	p.log.LogAttrs(ctx, level, "warmed", attrs...)
}
