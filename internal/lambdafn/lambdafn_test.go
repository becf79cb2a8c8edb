package lambdafn_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	awsevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/warmping"
)

type greetConfig struct {
	config.Runtime
	Greeting string `env:"GREETING, required"`
}

// seen records what the wire function was given.
type seen struct {
	cfg  greetConfig
	deps lambdafn.Deps
}

// greeting is the handlers of the greet functions.
type greeting struct{ cfg greetConfig }

func (g greeting) Greet(_ context.Context, req httpapi.Request) (httpapi.Response, error) {
	return httpapi.JSON(200, map[string]string{"says": g.cfg.Greeting + ", " + req.PathParameters["name"]})
}

func greeter(got *seen) lambdafn.Function {
	return lambdafn.Routes(func(_ context.Context, cfg greetConfig, d lambdafn.Deps) (greeting, error) {
		got.cfg, got.deps = cfg, d
		return greeting{cfg}, nil
	})("greet", greeting.Greet)
}

func env(m map[string]string) lambdafn.Env {
	return lambdafn.Env{Lookup: func(k string) (string, bool) { v, ok := m[k]; return v, ok }}
}

var fullEnv = map[string]string{
	"AWS_LAMBDA_FUNCTION_NAME": "greet", "AWS_REGION": "eu-west-1",
	"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "GREETING": "Hello",
}

func TestBuildServesThroughTheEntryPoint(t *testing.T) {
	t.Parallel()
	var got seen
	option := func(*middleware.Stack) error { return nil }
	e := env(fullEnv)
	e.APIOptions = append(e.APIOptions, option)
	entry, err := greeter(&got).Build(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(awsevents.APIGatewayV2HTTPRequest{PathParameters: map[string]string{"name": "Ada"}})
	out, err := entry().Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var resp awsevents.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"says":"Hello, Ada"}`, resp.Body); diff != "" || resp.StatusCode != 200 {
		t.Errorf("status %d, body (-want +got):\n%s", resp.StatusCode, diff)
	}
	if got.cfg.FunctionName != "greet" || got.cfg.Greeting != "Hello" {
		t.Errorf("config = %+v", got.cfg)
	}
	// The SDK configuration is the environment's, with the SDK's default
	// retryer: on AWS and in the local stack alike.
	if got.deps.AWS.Region != "eu-west-1" || got.deps.AWS.Retryer != nil || got.deps.AWS.RetryMaxAttempts != 0 {
		t.Errorf("aws config: region %q, retryer set %t, max attempts %d", got.deps.AWS.Region, got.deps.AWS.Retryer != nil, got.deps.AWS.RetryMaxAttempts)
	}
	if len(got.deps.AWS.APIOptions) != 1 {
		t.Errorf("APIOptions = %d, want the one of Env", len(got.deps.AWS.APIOptions))
	}
}

func TestBuildFailsNamingTheFunction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, missing string
	}{
		{"its own config", "GREETING"},
		{"the runtime", "AWS_LAMBDA_FUNCTION_NAME"},
		{"credentials", "AWS_ACCESS_KEY_ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := map[string]string{}
			for k, v := range fullEnv {
				if k != tt.missing {
					m[k] = v
				}
			}
			_, err := greeter(&seen{}).Build(context.Background(), env(m))
			if err == nil || !strings.Contains(err.Error(), "build greet") || !strings.Contains(err.Error(), tt.missing) {
				t.Errorf("Build without %s: %v", tt.missing, err)
			}
		})
	}
}

func TestEntryPointsAreIndependent(t *testing.T) {
	t.Parallel()
	entry, err := greeter(&seen{}).Build(context.Background(), env(fullEnv))
	if err != nil {
		t.Fatal(err)
	}
	a, b := entry(), entry()
	if a == b {
		t.Error("two entry points share one instance; concurrent invocations would share its buffers")
	}
}

// A function behind routes serves the event as a value too, with the
// answer its JSON entry point gives; a function of another kind does not.
func TestRouteFunctionsServeEventValues(t *testing.T) {
	t.Parallel()
	entry, err := greeter(&seen{}).Build(context.Background(), env(fullEnv))
	if err != nil {
		t.Fatal(err)
	}
	h, ok := entry().(lambdafn.HTTPEntryPoint)
	if !ok {
		t.Fatal("a route function's entry point is not an HTTPEntryPoint")
	}
	req := awsevents.APIGatewayV2HTTPRequest{PathParameters: map[string]string{"name": "Ada"}}
	byValue, err := h.InvokeHTTP(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(req)
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	var byJSON awsevents.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &byJSON); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(byJSON, byValue); diff != "" || byValue.Body != `{"says":"Hello, Ada"}` {
		t.Errorf("by value %+v; by JSON (-json +value):\n%s", byValue, diff)
	}

	queue, err := lambdafn.Queue("queue", func(context.Context, greetConfig, lambdafn.Deps) (lambdafn.SQS, error) {
		return func(context.Context, awsevents.SQSEvent) (awsevents.SQSEventResponse, error) {
			return awsevents.SQSEventResponse{}, nil
		}, nil
	}).Build(context.Background(), env(fullEnv))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := queue().(lambdafn.HTTPEntryPoint); ok {
		t.Error("a queue consumer's entry point serves HTTP events")
	}
}

// Every kind of function answers a warm-up ping in the entry point, before
// its handler (and so its auth, its AWS calls, its events) runs; each entry
// point is an environment of its own, cold on its first invocation.
func TestEntryPointAnswersPingsFirst(t *testing.T) {
	t.Parallel()
	calls := 0
	count := func(context.Context, json.RawMessage) (string, error) { calls++; return "ran", nil }
	fns := []lambdafn.Function{
		lambdafn.Routes(func(context.Context, greetConfig, lambdafn.Deps) (*int, error) { return &calls, nil })("route",
			func(calls *int, _ context.Context, _ httpapi.Request) (httpapi.Response, error) {
				*calls++
				return httpapi.JSON(200, nil)
			}),
		lambdafn.Queue("queue", func(context.Context, greetConfig, lambdafn.Deps) (lambdafn.SQS, error) {
			return func(context.Context, awsevents.SQSEvent) (awsevents.SQSEventResponse, error) {
				calls++
				return awsevents.SQSEventResponse{}, nil
			}, nil
		}),
		lambdafn.Scheduled("schedule", func(context.Context, greetConfig, lambdafn.Deps) (lambdafn.Schedule[string], error) {
			return count, nil
		}),
		lambdafn.CognitoTrigger("trigger", func(context.Context, greetConfig, lambdafn.Deps) (lambdafn.Trigger[map[string]any], error) {
			return func(_ context.Context, ev map[string]any) (map[string]any, error) { calls++; return ev, nil }, nil
		}),
	}
	for _, fn := range fns {
		entry, err := fn.Build(context.Background(), env(fullEnv))
		if err != nil {
			t.Fatal(err)
		}
		h := entry()
		for i, cold := range []bool{true, false} {
			out, err := h.Invoke(context.Background(), warmping.Payload(1, 0))
			reply, perr := warmping.ParseReply(out)
			if err != nil || perr != nil || reply.ColdStart != cold || reply.Function != "greet" {
				t.Errorf("%s: ping %d: %s, %v, %v; want a reply, cold %t", fn.Name, i, out, err, perr, cold)
			}
		}
	}
	if calls != 0 {
		t.Errorf("pings reached handlers %d times", calls)
	}
}
