// Package lambdasvc is the Lambda service of the local stack: it runs each
// function in execution environments as AWS does, made on demand (a cold
// start, running the function's real init), reused while warm, one
// invocation at a time each, and reclaimed after an idle time. It serves
// the Lambda Invoke API, which the warmer's SDK client (and the AWS CLI)
// talk to, and a JSON view of every function's environments, cold starts
// and warm-up pings.
//
// On AWS, Lambda itself does all of this; nothing here is deployed.
package lambdasvc

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/warmping"
)

// DefaultIdleReclaim is how long an idle environment stays warm when the
// stack is not told otherwise: within the 5 to 15 minutes AWS is commonly
// seen to keep an idle environment (docs/warmer.md).
const DefaultIdleReclaim = 10 * time.Minute

// Init is a function's init: it builds one execution environment's entry
// point, reading the function's configuration and building its clients, as
// the function's main does when Lambda starts its process.
type Init func(ctx context.Context) (lambda.Handler, error)

// Function is what the service runs of one function.
type Function struct {
	// Name is the function's key in serverless.yml; invocations inside the
	// stack use it.
	Name string
	// DeployedName is the function's Lambda name (<service>-<stage>-<Name>);
	// the Invoke API accepts it, its ARN and Name.
	DeployedName string
	Timeout      time.Duration
	// Warmup is how many environments the warmer keeps warm; 0 when it does
	// not warm the function. Shown, not enforced.
	Warmup int
	Init   Init
}

// Service runs functions in execution environments.
type Service struct {
	region, account string
	idleReclaim     time.Duration
	now             func() time.Time

	mu  sync.Mutex
	fns map[string]*function // by Name
}

// Options configure a Service.
type Options struct {
	Region, Account string
	// IdleReclaim is how long an environment may sit idle before it is
	// reclaimed; DefaultIdleReclaim if zero.
	IdleReclaim time.Duration
	// Now is the clock; time.Now if nil.
	Now func() time.Time
}

type function struct {
	Function
	arn          string
	idle         []*environment // by the time they were last used, the latest last
	busy         int
	coldStarts   int
	invocations  int
	urlCalls     int // of invocations, through the function URL
	pings        int
	reclaimed    int
	environments int // ever made
}

type environment struct {
	id          string
	handler     lambda.Handler
	lastUsed    time.Time
	invocations int
}

// New returns a Service with no functions.
func New(opts Options) *Service {
	if opts.IdleReclaim <= 0 {
		opts.IdleReclaim = DefaultIdleReclaim
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{region: opts.Region, account: opts.Account, idleReclaim: opts.IdleReclaim, now: opts.Now, fns: map[string]*function{}}
}

// Add makes f invocable. A second function of the same name is an error.
func (s *Service) Add(f Function) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.fns[f.Name]; dup {
		return fmt.Errorf("lambdasvc.Add: function %s added twice", f.Name)
	}
	if f.Timeout <= 0 {
		f.Timeout = 6 * time.Second
	}
	s.fns[f.Name] = &function{Function: f, arn: s.arn(f.DeployedName)}
	return nil
}

// Invoke runs one invocation of the function name (its key in
// serverless.yml) with payload, in an idle warm environment when there is
// one, else in a new one (a cold start: the function's init runs first).
// The context carries the invocation's metadata and the function's
// deadline. A handler's error, a panic or a failed init is the invocation's
// error; an environment that panicked is not reused.
func (s *Service) Invoke(ctx context.Context, name string, payload []byte) (out []byte, err error) {
	_, ping := warmping.Parse(payload)
	err = s.run(ctx, name, ping, func(ctx context.Context, h lambda.Handler) error {
		answer, err := h.Invoke(ctx, payload)
		// The answer may live in the environment's buffer: copy it before
		// the environment serves another invocation.
		out = bytes.Clone(answer)
		return err
	})
	return out, err
}

// HTTPHandler is the entry point of a function behind HTTP API routes
// (lambdafn.HTTPEntryPoint): it also serves the request event as a value.
type HTTPHandler interface {
	lambda.Handler
	InvokeHTTP(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
}

// InvokeHTTP runs one invocation of the function name with the HTTP API
// request event req, as Invoke runs one with an event's JSON: for the
// stack's gateway and function URLs, which build the event as a value and
// would otherwise write its JSON only for the function's entry point to
// read it back (and the answer's, the other way). The function's entry
// point must be an HTTPHandler.
func (s *Service) InvokeHTTP(ctx context.Context, name string, req events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, err error) {
	err = s.run(ctx, name, false, func(ctx context.Context, h lambda.Handler) error {
		serve, ok := h.(HTTPHandler)
		if !ok {
			return fmt.Errorf("function %s serves no HTTP API events", name)
		}
		var err error
		resp, err = serve.InvokeHTTP(ctx, req)
		return err
	})
	return resp, err
}

// run runs invoke in an environment of the function name: an idle warm
// one when there is one, else a new one, counted as the function's cold
// start. ping says whether the invocation is a warm-up ping, for the
// counts.
func (s *Service) run(ctx context.Context, name string, ping bool, invoke func(context.Context, lambda.Handler) error) (err error) {
	s.mu.Lock()
	fn, ok := s.fns[name]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("invoke: no function %q", name)
	}
	s.reclaimLocked(fn)
	fn.invocations++
	if throughURL(ctx) {
		fn.urlCalls++
	}
	if ping {
		fn.pings++
	}
	var env *environment
	envNumber := 0
	if n := len(fn.idle); n > 0 {
		env, fn.idle = fn.idle[n-1], fn.idle[:n-1]
	} else {
		fn.coldStarts++
		fn.environments++
		envNumber = fn.environments
	}
	fn.busy++
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, fn.Timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
		AwsRequestID:       uuid.NewString(),
		InvokedFunctionArn: fn.arn,
	})
	reuse := false
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("function %s panicked: %v", name, p)
			reuse = false
		}
		s.mu.Lock()
		fn.busy--
		if reuse {
			env.lastUsed = s.now()
			env.invocations++
			fn.idle = append(fn.idle, env)
		}
		s.mu.Unlock()
	}()
	if env == nil {
		h, err := fn.Init(ctx)
		if err != nil {
			return fmt.Errorf("function %s: init: %w", name, err)
		}
		env = &environment{id: fmt.Sprintf("%s-%d", name, envNumber), handler: h}
	}
	err = invoke(ctx, env.handler)
	reuse = true
	return err
}

// reclaimLocked drops fn's environments idle for longer than the idle
// reclaim time. s.mu is held. The idle environments are in the order they
// were last used, so those to drop are a prefix: under load, a look at the
// first.
func (s *Service) reclaimLocked(fn *function) {
	if len(fn.idle) == 0 {
		return
	}
	cutoff := s.now().Add(-s.idleReclaim)
	n := 0
	for n < len(fn.idle) && !fn.idle[n].lastUsed.After(cutoff) {
		n++
	}
	if n == 0 {
		return
	}
	fn.reclaimed += n
	kept := copy(fn.idle, fn.idle[n:])
	clear(fn.idle[kept:])
	fn.idle = fn.idle[:kept]
}

// FunctionName returns the key of the function a name, deployed name or
// ARN names, as the Invoke API accepts them.
func (s *Service) FunctionName(nameOrARN string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fn := range s.fns {
		if nameOrARN == fn.Name || nameOrARN == fn.DeployedName || nameOrARN == s.arn(fn.DeployedName) {
			return fn.Name, true
		}
	}
	return "", false
}

func (s *Service) arn(deployedName string) string {
	return "arn:aws:lambda:" + s.region + ":" + s.account + ":function:" + deployedName
}

// Snapshot is what GET /local/functions shows.
type Snapshot struct {
	IdleReclaim string           `json:"idleReclaim"`
	Functions   []FunctionStatus `json:"functions"`
}

// FunctionStatus is one function's environments and counts.
type FunctionStatus struct {
	Function     string `json:"function"`
	DeployedName string `json:"deployedName"`
	// Warm are the idle environments, ready without a cold start; Busy
	// are serving an invocation now.
	Warm int `json:"warm"`
	Busy int `json:"busy"`
	// Warmup is the concurrency the warmer keeps warm (0: not warmed).
	Warmup      int `json:"warmup"`
	ColdStarts  int `json:"coldStarts"`
	Invocations int `json:"invocations"`
	// URLInvocations are the invocations that came through the
	// function's URL (ThroughURL), not API Gateway or the Invoke API.
	URLInvocations int                 `json:"urlInvocations"`
	Pings          int                 `json:"pings"`
	Reclaimed      int                 `json:"reclaimed"`
	Environments   []EnvironmentStatus `json:"environments"`
}

// EnvironmentStatus is one idle environment. Its ID numbers the
// function's environments in the order they started.
type EnvironmentStatus struct {
	ID          string  `json:"id"`
	Invocations int     `json:"invocations"`
	IdleSeconds float64 `json:"idleSeconds"`
}

// Snapshot returns every function's status, by name, after reclaiming the
// environments whose idle time is up.
func (s *Service) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := Snapshot{IdleReclaim: s.idleReclaim.String(), Functions: []FunctionStatus{}}
	for _, fn := range s.fns {
		s.reclaimLocked(fn)
		st := FunctionStatus{
			Function: fn.Name, DeployedName: fn.DeployedName, Warm: len(fn.idle), Busy: fn.busy, Warmup: fn.Warmup,
			ColdStarts: fn.coldStarts, Invocations: fn.invocations, URLInvocations: fn.urlCalls, Pings: fn.pings, Reclaimed: fn.reclaimed,
			Environments: []EnvironmentStatus{},
		}
		for _, env := range slices.Backward(fn.idle) {
			st.Environments = append(st.Environments, EnvironmentStatus{
				ID: env.id, Invocations: env.invocations, IdleSeconds: now.Sub(env.lastUsed).Round(time.Millisecond).Seconds(),
			})
		}
		out.Functions = append(out.Functions, st)
	}
	slices.SortFunc(out.Functions, func(a, b FunctionStatus) int {
		if a.Function < b.Function {
			return -1
		}
		return 1
	})
	return out
}

type throughURLKey struct{}

// ThroughURL marks ctx as an invocation through the function's URL, as the
// local stack's CloudFront sends the anonymous reads: Invoke counts it in
// the function's URLInvocations, so GET /local/functions shows which way
// the requests came.
func ThroughURL(ctx context.Context) context.Context {
	return context.WithValue(ctx, throughURLKey{}, true)
}

func throughURL(ctx context.Context) bool {
	v, _ := ctx.Value(throughURLKey{}).(bool)
	return v
}
