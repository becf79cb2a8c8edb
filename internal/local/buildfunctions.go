package local

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/smithy-go/middleware"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/registry"
	"github.com/eventboard/eventboard/internal/warmer"
)

// functionEnv is what every function of the stack is built with besides
// its environment in serverless.yml: where the emulators are, and what
// they accept as credentials. It is all that differs from AWS.
type functionEnv struct {
	// endpoints are AWS_ENDPOINT_URL* variables, read by the SDK clients
	// each function builds.
	endpoints map[string]string
	// overrides are per-function environment overrides (tests).
	overrides  map[string]map[string]string
	logs       slog.Handler
	apiOptions []func(*middleware.Stack) error
}

// functions invokes the stack's functions by name, as the Lambda service
// does (package lambdasvc): JSON in, JSON out (or, from the gateway and the
// function URLs, an HTTP API event in and its answer out), a context with the
// invocation's metadata and the function's deadline, in execution
// environments made on demand and reclaimed when idle.
type functions struct {
	*lambdasvc.Service
}

// buildFunctions adds every function of m to svc, built through its
// declaration as its main package builds it on AWS, and fails when m and
// the registry do not name the same functions. Each function is built once
// here, so one that cannot be built fails the start; its execution
// environments are then made on demand, each by a build of its own (the
// function's init).
// pingHold is how long a local environment holds one of a warmer run's
// concurrent pings. On Lambda they arrive within milliseconds of each other
// (warmping.Hold is 25 ms); here they are goroutines sharing the laptop's
// CPU with everything else, and arrive up to hundreds of milliseconds apart
// when it is busy. Held longer, they still land on distinct environments.
const pingHold = 500 * time.Millisecond

func buildFunctions(ctx context.Context, m *manifest.Manifest, fe functionEnv, svc *lambdasvc.Service) (*functions, error) {
	if err := sameFunctions(m); err != nil {
		return nil, err
	}
	warmed, err := warmupTargets(m)
	if err != nil {
		return nil, err
	}
	for _, fn := range m.Functions {
		env := map[string]string{
			"AWS_LAMBDA_FUNCTION_NAME": fn.Name,
			"AWS_REGION":               m.Region,
			"AWS_ACCESS_KEY_ID":        "local",
			"AWS_SECRET_ACCESS_KEY":    "local",
		}
		maps.Copy(env, fe.endpoints)
		for k, v := range fn.Environment {
			env[k] = v
		}
		for k, v := range fn.EnvironmentIntrinsics {
			resolved, err := localValue(v)
			if err != nil {
				return nil, fmt.Errorf("function %s: environment %s: %w", fn.Name, k, err)
			}
			env[k] = resolved
		}
		maps.Copy(env, fe.overrides[fn.Name])
		decl, _ := registry.ByName(fn.Name)
		init := func(ctx context.Context) (lambda.Handler, error) {
			entry, err := decl.Build(ctx, lambdafn.Env{
				Lookup:     func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				Logs:       fe.logs,
				APIOptions: fe.apiOptions,
				PingHold:   pingHold,
			})
			if err != nil {
				return nil, err
			}
			return entry(), nil
		}
		if _, err := init(ctx); err != nil {
			return nil, err
		}
		err := svc.Add(lambdasvc.Function{
			Name:         fn.Name,
			DeployedName: fn.FunctionName,
			Timeout:      time.Duration(fn.Timeout) * time.Second,
			Warmup:       warmed[fn.Name],
			Init:         init,
		})
		if err != nil {
			return nil, err
		}
	}
	return &functions{svc}, nil
}

// warmupTargets reads custom.warmup.targets of m, the functions the warmer
// keeps warm and their concurrency, and checks that each is a function of m.
// None when m declares none.
func warmupTargets(m *manifest.Manifest) (map[string]int, error) {
	custom, _ := m.Raw["custom"].(map[string]any)
	w, _ := custom["warmup"].(map[string]any)
	decl, ok := w["targets"].(string)
	if !ok {
		return nil, nil
	}
	targets, err := warmer.ParseTargets(decl)
	if err != nil {
		return nil, fmt.Errorf("custom.warmup.targets: %w", err)
	}
	out := map[string]int{}
	for _, t := range targets {
		if _, ok := m.Function(t.Function); !ok {
			return nil, fmt.Errorf("custom.warmup.targets: %s is not a function of serverless.yml", t.Function)
		}
		out[t.Function] = t.Concurrency
	}
	return out, nil
}

// sameFunctions reports the functions serverless.yml and the registry do
// not share.
func sameFunctions(m *manifest.Manifest) error {
	var inManifest, onlyManifest, onlyStack []string
	for _, fn := range m.Functions {
		inManifest = append(inManifest, fn.Name)
		if _, ok := registry.ByName(fn.Name); !ok {
			onlyManifest = append(onlyManifest, fn.Name)
		}
	}
	for _, e := range registry.All {
		if !slices.Contains(inManifest, e.Name) {
			onlyStack = append(onlyStack, e.Name)
		}
	}
	if len(onlyManifest) > 0 || len(onlyStack) > 0 {
		return fmt.Errorf("serverless.yml and the function registry disagree: only in serverless.yml %v, only in the registry %v", onlyManifest, onlyStack)
	}
	return nil
}

// localValue is the local stack's value of a CloudFormation intrinsic in a
// function's environment: a reference to a resource the stack emulates.
func localValue(v any) (string, error) {
	ref, _ := v.(map[string]any)
	switch ref["Ref"] {
	case "UserPoolClient":
		return ClientID, nil
	case "CognitoUserPoolUsers":
		return PoolID, nil
	}
	return "", fmt.Errorf("the local stack cannot resolve %v", v)
}
