package local

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/local/manifest"
	"github.com/eventboard/eventboard/internal/outboxsweeper"
	"github.com/eventboard/eventboard/internal/postapi"
	"github.com/eventboard/eventboard/internal/postconfirm"
	"github.com/eventboard/eventboard/internal/statsapi"
	"github.com/eventboard/eventboard/internal/warmer"
	"github.com/eventboard/eventboard/internal/warmup"
)

// deps are the clients the stack hands its functions, in place of the ones
// each Lambda builds from its environment on AWS.
type deps struct {
	env         map[string]map[string]string // per-function environment overrides
	dynamo      *dynamodb.Client
	eventbridge eventbus.API
	cognito     *cognitoidentityprovider.Client
	// lambda talks to the stack's own Lambda Invoke endpoint.
	lambda warmer.LambdaAPI
	log    *slog.Logger
}

// builder builds a function's handler from its environment, as its main
// package does on AWS. The result is wrapped with lambda.NewHandler, the
// entry point lambda.Start uses.
type builder func(ctx context.Context, env envconfig.Lookuper, d deps) (any, error)

// builders has one entry per function of serverless.yml.
var builders = map[string]builder{
	"listPosts":        postsFunction((*postapi.Handlers).List),
	"getPost":          postsFunction((*postapi.Handlers).Get),
	"createPost":       postsFunction((*postapi.Handlers).Create),
	"updatePost":       postsFunction((*postapi.Handlers).Update),
	"deletePost":       postsFunction((*postapi.Handlers).Delete),
	"signUp":           authFunction((*authapi.Handlers).SignUp),
	"confirmSignUp":    authFunction((*authapi.Handlers).Confirm),
	"resendCode":       authFunction((*authapi.Handlers).Resend),
	"login":            authFunction((*authapi.Handlers).Login),
	"refresh":          authFunction((*authapi.Handlers).Refresh),
	"logout":           authFunction((*authapi.Handlers).Logout),
	"myInfo":           authFunction((*authapi.Handlers).Me),
	"postConfirmation": postConfirmationFunction,
	"outboxSweeper":    outboxSweeperFunction,
	"counterWorker":    counterWorkerFunction,
	"getStats":         getStatsFunction,
	"warmer":           warmerFunction,
}

func warmerFunction(ctx context.Context, env envconfig.Lookuper, d deps) (any, error) {
	cfg, err := warmer.LoadConfig(ctx, env)
	if err != nil {
		return nil, err
	}
	return warmer.Wire(cfg, d.lambda, d.log.With("function", cfg.FunctionName)), nil
}

func counterWorkerFunction(ctx context.Context, env envconfig.Lookuper, d deps) (any, error) {
	cfg, err := counterworker.LoadConfig(ctx, env)
	if err != nil {
		return nil, err
	}
	return counterworker.Wire(cfg, d.dynamo, d.log.With("function", cfg.FunctionName))
}

func getStatsFunction(ctx context.Context, env envconfig.Lookuper, d deps) (any, error) {
	cfg, err := statsapi.LoadConfig(ctx, env)
	if err != nil {
		return nil, err
	}
	h, err := statsapi.Wire(cfg, d.dynamo, d.log.With("function", cfg.FunctionName))
	if err != nil {
		return nil, err
	}
	return h.Get(), nil
}

func outboxSweeperFunction(ctx context.Context, env envconfig.Lookuper, d deps) (any, error) {
	cfg, err := outboxsweeper.LoadConfig(ctx, env)
	if err != nil {
		return nil, err
	}
	return outboxsweeper.Wire(cfg, d.dynamo, d.eventbridge, d.log.With("function", cfg.FunctionName))
}

func authFunction[H any](pick func(*authapi.Handlers) H) builder {
	return func(ctx context.Context, env envconfig.Lookuper, d deps) (any, error) {
		cfg, err := authapi.LoadConfig(ctx, env)
		if err != nil {
			return nil, err
		}
		h, err := authapi.Wire(cfg, d.cognito, d.dynamo, d.log.With("function", cfg.FunctionName))
		if err != nil {
			return nil, err
		}
		return pick(h), nil
	}
}

func postConfirmationFunction(ctx context.Context, env envconfig.Lookuper, d deps) (any, error) {
	cfg, err := postconfirm.LoadConfig(ctx, env)
	if err != nil {
		return nil, err
	}
	return postconfirm.Wire(cfg, d.dynamo, d.eventbridge, d.log.With("function", cfg.FunctionName))
}

func postsFunction[H any](pick func(*postapi.Handlers) H) builder {
	return func(ctx context.Context, env envconfig.Lookuper, d deps) (any, error) {
		cfg, err := postapi.LoadConfig(ctx, env)
		if err != nil {
			return nil, err
		}
		h, err := postapi.Wire(cfg, d.dynamo, d.eventbridge, d.log.With("function", cfg.FunctionName))
		if err != nil {
			return nil, err
		}
		return pick(h), nil
	}
}

// functions invokes the stack's functions by name, as the Lambda service
// does (package lambdasvc): JSON in, JSON out, a context with the
// invocation's metadata and the function's deadline, in execution
// environments made on demand and reclaimed when idle.
type functions struct {
	*lambdasvc.Service
}

// buildFunctions adds every function of m to svc, and fails when m and the
// stack's builders do not name the same functions. Each function's init is
// run once here, so a function that cannot be built fails the start; its
// environments are then made on demand, each with an init of its own.
func buildFunctions(ctx context.Context, m *manifest.Manifest, d deps, svc *lambdasvc.Service) (*functions, error) {
	if err := sameFunctions(m); err != nil {
		return nil, err
	}
	warmed, err := warmupTargets(m)
	if err != nil {
		return nil, err
	}
	for _, fn := range m.Functions {
		env := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": fn.Name, "AWS_REGION": m.Region}
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
		for k, v := range d.env[fn.Name] {
			env[k] = v
		}
		init := func(ctx context.Context) (lambda.Handler, error) {
			h, err := builders[fn.Name](ctx, envconfig.MapLookuper(env), d)
			if err != nil {
				return nil, err
			}
			return warmup.NewEnvironment(fn.Name, d.log.With("function", fn.Name)).Wrap(lambda.NewHandler(h)), nil
		}
		if _, err := init(ctx); err != nil {
			return nil, fmt.Errorf("function %s: %w", fn.Name, err)
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

// sameFunctions reports the functions serverless.yml and the stack do not
// share.
func sameFunctions(m *manifest.Manifest) error {
	var inManifest, onlyManifest, onlyStack []string
	for _, fn := range m.Functions {
		inManifest = append(inManifest, fn.Name)
		if _, ok := builders[fn.Name]; !ok {
			onlyManifest = append(onlyManifest, fn.Name)
		}
	}
	for name := range builders {
		if !slices.Contains(inManifest, name) {
			onlyStack = append(onlyStack, name)
		}
	}
	sort.Strings(onlyStack)
	if len(onlyManifest) > 0 || len(onlyStack) > 0 {
		return fmt.Errorf("serverless.yml and the local stack disagree: only in serverless.yml %v, only in the stack %v", onlyManifest, onlyStack)
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
