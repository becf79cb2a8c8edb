package warmping

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/eventboard/eventboard/internal/logging"
)

// Hold is how long an environment answering one of several concurrent pings
// stays busy, so that the others, sent at the same moment, find it taken and
// land on environments of their own. A lone ping is answered at once.
const Hold = 25 * time.Millisecond

// Environment is one execution environment of a function: on AWS the
// process, in the local stack one instance of the function's handler. It
// knows whether it has served an invocation yet (a cold start is the first).
type Environment struct {
	function string
	id       string
	log      *slog.Logger
	hold     time.Duration
	served   atomic.Bool
}

// NewEnvironment returns a fresh environment of function, which logs each
// invocation to log: the function's logger, whose lines carry its name
// under "function" (logging.New), the dimension of the metrics.
func NewEnvironment(function string, log *slog.Logger) *Environment {
	// The id tells environments apart and guards nothing: the runtime's
	// own seeded generator draws it, where crypto/rand's first read would
	// set up the process's random state on the cold start's path.
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], rand.Uint64())
	return &Environment{function: function, id: hex.EncodeToString(b[:]), log: log, hold: Hold}
}

// HoldPings sets how long the environment holds one of several concurrent
// pings (Hold unless set), and returns it. A host that spreads a run's
// pings further apart than Lambda does (goroutines on a busy laptop) needs
// longer for them to land on distinct environments.
func (e *Environment) HoldPings(d time.Duration) *Environment {
	if d > 0 {
		e.hold = d
	}
	return e
}

// ID identifies the environment in ping replies.
func (e *Environment) ID() string { return e.id }

// Wrap returns h answering pings itself, before h sees anything, and
// logging one line per invocation: the function, the request id, whether it
// was a cold start and whether it was a ping, with the same figures as
// CloudWatch metrics in Embedded Metric Format (ColdStart and WarmupPing,
// by function), so metrics cost no API call. h's answer and error pass
// through unchanged.
func (e *Environment) Wrap(h lambda.Handler) lambda.Handler {
	return entryPoint{env: e, next: h}
}

type entryPoint struct {
	env  *Environment
	next lambda.Handler
}

func (p entryPoint) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	e := p.env
	start := time.Now()
	cold := !e.served.Swap(true)
	if ping, ok := Parse(payload); ok {
		if ping.Concurrency > 1 {
			select {
			case <-time.After(e.hold):
			case <-ctx.Done():
			}
		}
		e.logInvocation(ctx, start, cold, true, false)
		return json.Marshal(Reply{Warmup: Marker, Function: e.function, Environment: e.id, ColdStart: cold})
	}
	out, err := p.next.Invoke(ctx, payload)
	e.logInvocation(ctx, start, cold, false, err != nil)
	return out, err
}

// WrapFunc returns h invoked as Wrap's entry point invokes its handler, for
// a host that runs the function in its own process and has the event as a
// value, not JSON (the local stack's gateway): each invocation is logged
// the same way, and the environment's first, by either entry, is its cold
// start. A value is never a ping: pings are JSON, and come through Wrap.
func WrapFunc[E, R any](e *Environment, h func(context.Context, E) (R, error)) func(context.Context, E) (R, error) {
	return func(ctx context.Context, event E) (R, error) {
		start := time.Now()
		cold := !e.served.Swap(true)
		out, err := h(ctx, event)
		e.logInvocation(ctx, start, cold, false, err != nil)
		return out, err
	}
}

func (e *Environment) logInvocation(ctx context.Context, start time.Time, cold, ping, failed bool) {
	if !e.log.Enabled(ctx, slog.LevelInfo) { // a logger above info writes nothing: build nothing
		return
	}
	var requestID string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID = lc.AwsRequestID
	}
	attrs := []slog.Attr{
		slog.String("requestId", requestID),
		slog.Bool("coldStart", cold),
		slog.Bool("warmup", ping),
		slog.Bool("functionError", failed),
		slog.Float64("durationMs", float64(time.Since(start).Microseconds())/1000),
		slog.String("environment", e.id),
	}
	// The logger carries the function's name, the metrics' dimension.
	attrs = append(attrs, logging.EMF(start, []string{"function"},
		logging.Metric{Name: "ColdStart", Value: b2f(cold)},
		logging.Metric{Name: "WarmupPing", Value: b2f(ping)})...)
	e.log.LogAttrs(ctx, slog.LevelInfo, "invocation", attrs...)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
