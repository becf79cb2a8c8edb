// Package lambdafn is how a Lambda function is declared and built, once for
// every place that runs it: its main package on AWS, the local stack, and
// the tests.
//
// A function is declared in the package that holds its handler, in that
// package's functions.go: its name in serverless.yml, its Config (read by
// config.Load) and the package's one wire function, which builds its
// handlers from that Config and Deps:
//
//	func GetStats() lambdafn.Function { return lambdafn.Routes(wire)("getStats", (*Handler).Get) }
//
// Its main.go is then lambdafn.Main(statsapi.GetStats()), the registry
// (package registry) lists it for the local stack and the tests, and a test
// that needs it wired as on AWS builds it with Build, as Main does. Wire
// functions build the SDK clients they use themselves, from Deps, so a
// binary links only the clients its function needs.
//
// There is one handler shape per kind: [httpapi.Handler] for an HTTP API
// route, [SQS] for a queue's batches, [Schedule] for a scheduled function,
// [Trigger] for a Cognito trigger. Every kind becomes a lambda.Handler in one
// place, entryPoint, which is where whatever every function must do before
// its handler runs belongs.
package lambdafn

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"

	"github.com/eventboard/eventboard/internal/awsenv"
	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/warmping"
)

// SQS is the handler shape of a queue consumer: a batch in, the messages
// that failed out (ReportBatchItemFailures), so only those come back.
type SQS func(ctx context.Context, batch awsevents.SQSEvent) (awsevents.SQSEventResponse, error)

// Schedule is the handler shape of a scheduled function: the schedule's
// input in, a report out (logged by Lambda, read by whoever invokes it by
// hand). An error fails the invocation; the next run tries again.
type Schedule[R any] func(ctx context.Context, input json.RawMessage) (R, error)

// Trigger is the handler shape of a Cognito trigger: the event in, the
// event (possibly amended) out, as Cognito expects.
type Trigger[E any] func(ctx context.Context, event E) (E, error)

// Env is what a function is built from. On AWS, Main fills it from the
// process; the local stack fills it with the function's environment from
// serverless.yml and the endpoints and credentials of its emulators.
type Env struct {
	// Lookup reads the function's environment variables.
	Lookup awsenv.Lookup
	// Logs receives the function's JSON log lines (stdout on AWS). Nil
	// means os.Stdout.
	Logs slog.Handler
	// APIOptions are added to every SDK client the function builds. Nil on
	// AWS; the local stack's tests inject faults with them.
	APIOptions []func(*middleware.Stack) error
	// PingHold is how long an environment holds one of several concurrent
	// warm-up pings; zero means warmping.Hold (AWS). The local stack,
	// whose pings are goroutines on a shared CPU, holds longer.
	PingHold time.Duration
}

// Deps is what a wire function builds a handler from, besides its Config.
type Deps struct {
	// AWS is the SDK configuration: region and credentials from the
	// environment, the SDK's default retryer.
	AWS aws.Config
	// Lookup reads the environment, for endpoint overrides
	// (awsenv.Endpoint).
	Lookup awsenv.Lookup
	// Log is the function's logger.
	Log *slog.Logger
}

// Function is one declared Lambda function.
type Function struct {
	// Name is the function's key under functions: in serverless.yml.
	Name  string
	vars  []config.Variable
	build func(ctx context.Context, env Env) (EntryPoints, error)
}

// Variables are the environment variables the function's Config reads
// (config.Variables): its deployment gives it the required ones, less what
// Lambda sets, and nothing it does not read.
func (f Function) Variables() []config.Variable { return f.vars }

// EntryPoints makes Lambda entry points for a built function, all over the
// same handler and clients. An entry point serves one invocation at a time
// (it reuses its buffers), as one execution environment does: run
// invocations at once on entry points of their own. The entry point of a
// function behind HTTP API routes is also an [HTTPEntryPoint].
type EntryPoints func() lambda.Handler

// HTTPEntryPoint is the entry point of a function behind HTTP API routes.
// Besides Invoke, the Lambda runtime's (the event's JSON in, the answer's
// out), it serves the request event as a value: InvokeHTTP is for a host
// that runs the function in its own process and builds the event itself
// (the local stack's gateway and function URLs), where writing the event's
// JSON only for the entry point to read it back, and the answer's the other
// way, would be work that only looks like AWS's. Both log the invocation
// alike (warmping), and the environment's first invocation by either is
// its cold start.
type HTTPEntryPoint interface {
	lambda.Handler
	InvokeHTTP(ctx context.Context, req httpapi.Request) (httpapi.Response, error)
}

// Build builds the function from env: it reads the Config, makes the SDK
// configuration and the logger, and wires the handler. Errors name the
// function.
func (f Function) Build(ctx context.Context, env Env) (EntryPoints, error) {
	h, err := f.build(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", f.Name, err)
	}
	return h, nil
}

// Main is a function's main: it builds f from the process environment and
// serves it as the Lambda runtime asks, never returning. Like lambda.Start,
// it ends the process when it cannot serve: a build that fails is logged
// and exits 1, so Lambda reports an init error.
func Main(f Function) {
	entry, err := f.Build(context.Background(), Env{Lookup: os.LookupEnv})
	if err != nil {
		slog.Error("startup failed", "function", f.Name, "error", err)
		os.Exit(1)
	}
	lambda.Start(entry())
}

// Method is an HTTP handler written as a method of H, as a method
// expression names it: (*Handlers).List.
type Method[H any] func(h H, ctx context.Context, req httpapi.Request) (httpapi.Response, error)

// Routes returns a declarer for the functions behind HTTP API routes whose
// handlers are methods of one H, each function built by the same wire.
func Routes[C config.Function, H any](wire func(context.Context, C, Deps) (H, error)) func(name string, m Method[H]) Function {
	return func(name string, m Method[H]) Function {
		return declare(name, func(ctx context.Context, cfg C, d Deps) (any, error) {
			h, err := wire(ctx, cfg, d)
			if err != nil {
				return nil, err
			}
			// An httpapi.Handler, which entryPoint serves by value too.
			return httpapi.Handler(httpapi.Lambda(d.Log, func(ctx context.Context, req httpapi.Request) (httpapi.Response, error) { return m(h, ctx, req) })), nil
		})
	}
}

// Queue declares a function that consumes an SQS queue.
func Queue[C config.Function](name string, wire func(context.Context, C, Deps) (SQS, error)) Function {
	return declare(name, func(ctx context.Context, cfg C, d Deps) (any, error) {
		return wire(ctx, cfg, d)
	})
}

// Scheduled declares a function a schedule invokes.
func Scheduled[C config.Function, R any](name string, wire func(context.Context, C, Deps) (Schedule[R], error)) Function {
	return declare(name, func(ctx context.Context, cfg C, d Deps) (any, error) {
		return wire(ctx, cfg, d)
	})
}

// CognitoTrigger declares a function a Cognito user pool invokes.
func CognitoTrigger[C config.Function, E any](name string, wire func(context.Context, C, Deps) (Trigger[E], error)) Function {
	return declare(name, func(ctx context.Context, cfg C, d Deps) (any, error) {
		return wire(ctx, cfg, d)
	})
}

// declare is the one build path of every kind: config, SDK configuration,
// logger, handler, entry point.
func declare[C config.Function](name string, wire func(context.Context, C, Deps) (any, error)) Function {
	return Function{Name: name, vars: config.Variables[C](), build: func(ctx context.Context, env Env) (EntryPoints, error) {
		cfg, err := config.Load[C](config.Lookup(env.Lookup))
		if err != nil {
			return nil, err
		}
		awsCfg, err := awsenv.Config(env.Lookup)
		if err != nil {
			return nil, err
		}
		awsCfg.APIOptions = append(awsCfg.APIOptions, env.APIOptions...)
		rt := cfg.RuntimeConfig()
		log := logger(env.Logs, rt)
		h, err := wire(ctx, cfg, Deps{AWS: awsCfg, Lookup: env.Lookup, Log: log})
		if err != nil {
			return nil, err
		}
		return func() lambda.Handler { return entryPoint(h, rt.FunctionName, log, env.PingHold) }, nil
	}}
}

// entryPoint turns a handler of any kind into the Lambda entry point of one
// execution environment. It is the one place every invocation of every
// function passes through: a warm-up ping is answered here before the
// handler sees anything (no auth, no AWS call, no event), and every
// invocation is logged with its request id and whether it was the
// environment's cold start (package warmping).
func entryPoint(h any, function string, log *slog.Logger, hold time.Duration) lambda.Handler {
	env := warmping.NewEnvironment(function, log).HoldPings(hold)
	invoke := env.Wrap(lambda.NewHandler(h))
	if serve, ok := h.(httpapi.Handler); ok { // Routes' handlers
		return &httpEntryPoint{Handler: invoke, serve: warmping.WrapFunc(env, serve)}
	}
	return invoke
}

// httpEntryPoint is the HTTPEntryPoint of one environment: both entries
// share it.
type httpEntryPoint struct {
	lambda.Handler
	serve httpapi.Handler
}

func (p *httpEntryPoint) InvokeHTTP(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	return p.serve(ctx, req)
}

func logger(h slog.Handler, rt config.Runtime) *slog.Logger {
	if h == nil {
		return logging.New(os.Stdout, rt.LogLevel, rt.FunctionName)
	}
	return slog.New(logging.WithCorrelation(h)).With("function", rt.FunctionName)
}
