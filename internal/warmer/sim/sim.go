// Package sim simulates what the warmer buys and costs: a month of the
// seed's traffic against a model of Lambda's execution environment
// lifecycle, run without a warmer, with the warmer, and with provisioned
// concurrency. It is seeded and deterministic: the same Model gives the same
// Result on every machine.
//
// The model, per function (functions do not share environments):
//   - requests arrive as a Poisson process whose rate follows a day/night
//     curve (peak mid-afternoon, trough at night);
//   - a request takes an idle warm environment, the most recently used one
//     first; when none is idle a new environment starts (a cold start: init,
//     then the request);
//   - an idle environment is reclaimed once idle longer than its idle limit,
//     drawn per environment from Model.IdleReclaim; any environment ends after
//     a lifetime drawn from Model.Lifetime, as Lambda recycles them;
//   - the warmer's run sends Concurrency pings per function at once, a little
//     after each period (Scheduler's delivery delay); each ping holds an
//     environment for Hold, so the pings take distinct environments;
//   - provisioned concurrency keeps N initialised environments that are never
//     reclaimed (Lambda replaces a recycled one before retiring it); requests
//     use them first and spill over to on-demand environments.
package sim

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Route is one function's share of the traffic.
type Route struct {
	Function string
	// Share of all requests, 0..1.
	Share float64
	// Duration is the mean warm duration of one request.
	Duration time.Duration
}

// Model is the traffic and the environment lifecycle.
type Model struct {
	Seed uint64
	// Requests per 30-day month, over Routes.
	Requests int
	Routes   []Route
	// DayNight is the amplitude of the daily curve: the rate at the peak
	// (15:00) is 1+DayNight times the mean, at the trough (03:00) 1-DayNight.
	DayNight float64
	// IdleReclaim and Lifetime are [min, max] ranges drawn uniformly per
	// environment.
	IdleReclaim [2]time.Duration
	Lifetime    [2]time.Duration
	// Init is the cold start's init duration (billed since Lambda bills
	// the init phase).
	Init time.Duration
	// MemoryMB of the functions.
	MemoryMB int
}

// Warmer is the warmer as deployed.
type Warmer struct {
	Every time.Duration
	// Targets is the concurrency per warmed function.
	Targets map[string]int
	Hold    time.Duration
	// Delay is the most a run starts after its period (drawn uniformly).
	Delay time.Duration
	// Spread is the most a ping of a run reaches its function after the
	// first one (drawn uniformly): the warmer's concurrent Invoke calls do
	// not land at the same instant.
	Spread time.Duration
	// MemoryMB of the warmer function itself.
	MemoryMB int
}

// Mode is one way to run the month.
type Mode struct {
	Name   string
	Warmer *Warmer
	// Provisioned is provisioned concurrency per function.
	Provisioned map[string]int
}

// FunctionResult is one function's month.
type FunctionResult struct {
	Function   string
	Requests   int
	ColdStarts int
	// WarmerCold are pings that found no warm environment: cold starts the
	// warmer took instead of a user.
	WarmerCold int
	Pings      int
}

// ColdRate is the share of requests that were cold starts.
func (f FunctionResult) ColdRate() float64 {
	if f.Requests == 0 {
		return 0
	}
	return float64(f.ColdStarts) / float64(f.Requests)
}

// Result is one Mode's month.
type Result struct {
	Mode      string
	Functions []FunctionResult
	// WarmerInvocations are the warmer's own runs plus its pings.
	WarmerInvocations int
	// WarmerCost is what the warmer's runs and pings cost, in USD.
	WarmerCost float64
	// ProvisionedCost is the provisioned concurrency charge, in USD.
	ProvisionedCost float64
}

// Function returns the result for name.
func (r Result) Function(name string) FunctionResult {
	for _, f := range r.Functions {
		if f.Function == name {
			return f
		}
	}
	return FunctionResult{Function: name}
}

// Prices, us-east-1, arm64, list prices without the free tier.
const (
	PricePerRequest         = 0.20 / 1e6
	PricePerGBSecond        = 0.0000133334
	PriceProvisionedPerGBs  = 0.0000033334
	SchedulerFreeInvocation = 14_000_000
	month                   = 30 * 24 * time.Hour
)

// Run simulates one month of m in mode.
func Run(m Model, mode Mode) Result {
	res := Result{Mode: mode.Name}
	var pingGBs float64
	for i, r := range m.Routes {
		fr, ps := runFunction(m, mode, r, uint64(i))
		res.Functions = append(res.Functions, fr)
		res.WarmerInvocations += fr.Pings
		pingGBs += ps * float64(m.MemoryMB) / 1024
		if n := mode.Provisioned[r.Function]; n > 0 {
			res.ProvisionedCost += float64(n) * float64(m.MemoryMB) / 1024 * month.Seconds() * PriceProvisionedPerGBs
		}
	}
	if w := mode.Warmer; w != nil {
		runs := int((month - 1) / w.Every) // the runs of runFunction's loop
		res.WarmerInvocations += runs
		// A run lasts as long as its slowest ping, about Hold plus the
		// Invoke round trip.
		runGBs := float64(runs) * (w.Hold + 30*time.Millisecond).Seconds() * float64(w.MemoryMB) / 1024
		res.WarmerCost = float64(res.WarmerInvocations)*PricePerRequest + (pingGBs+runGBs)*PricePerGBSecond
		if runs > SchedulerFreeInvocation {
			res.WarmerCost += float64(runs-SchedulerFreeInvocation) / 1e6
		}
	}
	return res
}

type env struct {
	busyUntil, lastUsed time.Duration
	idleLimit, diesAt   time.Duration
	provisioned         bool
}

// event is a request (pings == 0) or one of the pings of a warmer run of
// pings pings.
type event struct {
	at    time.Duration
	pings int
}

// runFunction simulates one function and returns its result and the
// seconds its pings were billed.
func runFunction(m Model, mode Mode, r Route, stream uint64) (FunctionResult, float64) {
	// Arrivals come from a stream of their own, the same in every mode, so
	// the modes meet the same requests.
	arrivals := rand.New(rand.NewPCG(m.Seed, stream))
	life := rand.New(rand.NewPCG(m.Seed^0x5eed, stream))
	events := requestTimes(m, r, arrivals)
	if w := mode.Warmer; w != nil && w.Targets[r.Function] > 0 {
		n := w.Targets[r.Function]
		for t := w.Every; t < month; t += w.Every {
			at := t + time.Duration(life.Float64()*float64(w.Delay))
			for range n {
				events = append(events, event{at: at + time.Duration(life.Float64()*float64(w.Spread)), pings: n})
			}
		}
		slices.SortStableFunc(events, func(a, b event) int { return cmp.Compare(a.at, b.at) })
	}
	draw := func(rg [2]time.Duration) time.Duration {
		return rg[0] + time.Duration(life.Float64()*float64(rg[1]-rg[0]))
	}
	var envs []*env
	for range mode.Provisioned[r.Function] {
		envs = append(envs, &env{provisioned: true, diesAt: math.MaxInt64, idleLimit: math.MaxInt64})
	}
	res := FunctionResult{Function: r.Function}
	var pingSeconds float64
	for _, ev := range events {
		now := ev.at
		// Reclaim what is idle too long or past its lifetime.
		envs = slices.DeleteFunc(envs, func(e *env) bool {
			return !e.provisioned && e.busyUntil <= now && (now-e.lastUsed > e.idleLimit || now >= e.diesAt)
		})
		var pick *env
		for _, e := range envs {
			if e.busyUntil > now {
				continue
			}
			// Provisioned first, then the most recently used.
			if pick == nil || (e.provisioned && !pick.provisioned) ||
				(e.provisioned == pick.provisioned && e.lastUsed > pick.lastUsed) {
				pick = e
			}
		}
		var work time.Duration
		switch {
		case ev.pings > 1:
			work = mode.Warmer.Hold
		case ev.pings == 1:
			work = time.Millisecond // a lone ping is answered at once
		default:
			// Durations vary: exponential around the mean, never under half.
			work = time.Duration(float64(r.Duration) * (0.5 + 0.5*arrivals.ExpFloat64()))
		}
		billed := work
		if pick == nil {
			pick = &env{idleLimit: draw(m.IdleReclaim), diesAt: now + draw(m.Lifetime)}
			envs = append(envs, pick)
			work += m.Init
			billed += m.Init
			if ev.pings > 0 {
				res.WarmerCold++
			} else {
				res.ColdStarts++
			}
		}
		pick.busyUntil = now + work
		pick.lastUsed = pick.busyUntil
		if ev.pings > 0 {
			res.Pings++
			pingSeconds += billed.Seconds()
		} else {
			res.Requests++
		}
	}
	return res, pingSeconds
}

// requestTimes draws the function's request times for the month by thinning
// a Poisson process at the peak rate down to the day/night curve.
func requestTimes(m Model, r Route, rng *rand.Rand) []event {
	mean := float64(m.Requests) * r.Share / month.Seconds() // per second
	peak := mean * (1 + m.DayNight)
	var out []event
	t := 0.0
	for {
		t += rng.ExpFloat64() / peak
		if t >= month.Seconds() {
			return out
		}
		hour := math.Mod(t/3600, 24)
		rate := mean * (1 + m.DayNight*math.Cos(2*math.Pi*(hour-15)/24))
		if rng.Float64()*peak < rate {
			out = append(out, event{at: time.Duration(t * float64(time.Second))})
		}
	}
}
