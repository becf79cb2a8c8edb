package local

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/uuid"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/authapi"
	"github.com/eventboard/eventboard/internal/counterworker"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/local/manifest"
	"github.com/eventboard/eventboard/internal/outboxsweeper"
	"github.com/eventboard/eventboard/internal/postapi"
	"github.com/eventboard/eventboard/internal/postconfirm"
	"github.com/eventboard/eventboard/internal/statsapi"
)

// deps are the clients the stack hands its functions, in place of the ones
// each Lambda builds from its environment on AWS.
type deps struct {
	env         map[string]map[string]string // per-function environment overrides
	dynamo      *dynamodb.Client
	eventbridge eventbus.API
	cognito     *cognitoidentityprovider.Client
	log         *slog.Logger
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

// function is one function of the stack.
type function struct {
	name string
	// instances are the function's execution environments. A handler from
	// lambda.NewHandler serves one invocation at a time (it reuses its
	// buffers, as one Lambda environment does), so concurrent invocations
	// each take an instance, and more are made as needed: Lambda scaling
	// out.
	instances *sync.Pool
	timeout   time.Duration
}

// functions invokes the stack's functions by name, as the Lambda service
// does: JSON in, JSON out, a context with the invocation's metadata and the
// function's deadline.
type functions struct {
	byName map[string]function
}

// buildFunctions builds every function of m, and fails when m and the
// stack's builders do not name the same functions.
func buildFunctions(ctx context.Context, m *manifest.Manifest, d deps) (*functions, error) {
	if err := sameFunctions(m); err != nil {
		return nil, err
	}
	fns := &functions{byName: map[string]function{}}
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
		h, err := builders[fn.Name](ctx, envconfig.MapLookuper(env), d)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", fn.Name, err)
		}
		timeout := time.Duration(fn.Timeout) * time.Second
		if timeout <= 0 {
			timeout = 6 * time.Second
		}
		fns.byName[fn.Name] = function{name: fn.Name, timeout: timeout, instances: &sync.Pool{
			New: func() any { return lambda.NewHandler(h) },
		}}
	}
	return fns, nil
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

// Invoke implements apigw.Invoker. A handler's error or panic is a function
// error.
func (f *functions) Invoke(ctx context.Context, name string, payload []byte) (out []byte, err error) {
	fn, ok := f.byName[name]
	if !ok {
		return nil, fmt.Errorf("invoke: no function %q", name)
	}
	ctx, cancel := context.WithTimeout(ctx, fn.timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
		AwsRequestID:       uuid.NewString(),
		InvokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:" + name,
	})
	h := fn.instances.Get().(lambda.Handler)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("function %s panicked: %v", name, p)
			return // an environment that panicked is not reused
		}
		fn.instances.Put(h)
	}()
	out, err = h.Invoke(ctx, payload)
	// The answer may live in the instance's buffer: copy it before the
	// instance serves another invocation.
	return bytes.Clone(out), err
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
