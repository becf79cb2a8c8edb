package local

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/local/manifest"
	"github.com/eventboard/eventboard/internal/registry"
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

// buildFunctions builds every function of m through its declaration, as its
// main package does on AWS, and fails when m and the registry do not name
// the same functions.
func buildFunctions(ctx context.Context, m *manifest.Manifest, fe functionEnv) (*functions, error) {
	if err := sameFunctions(m); err != nil {
		return nil, err
	}
	fns := &functions{byName: map[string]function{}}
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
		h, err := decl.Build(ctx, lambdafn.Env{
			Lookup:     func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			Logs:       fe.logs,
			APIOptions: fe.apiOptions,
		})
		if err != nil {
			return nil, err
		}
		timeout := time.Duration(fn.Timeout) * time.Second
		if timeout <= 0 {
			timeout = 6 * time.Second
		}
		fns.byName[fn.Name] = function{name: fn.Name, timeout: timeout, instances: &sync.Pool{
			New: func() any { return h() },
		}}
	}
	return fns, nil
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
