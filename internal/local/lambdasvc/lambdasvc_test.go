package lambdasvc_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/warmer"
	"github.com/eventboard/eventboard/internal/warmping"
)

// clock is a settable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type handlerFunc func(context.Context, []byte) ([]byte, error)

func (f handlerFunc) Invoke(ctx context.Context, p []byte) ([]byte, error) { return f(ctx, p) }

// echo is a function whose init is counted and whose environments answer
// pings through warmup's entry point, and echo anything else after hold.
func echo(inits *atomic.Int32, hold time.Duration) lambdasvc.Init {
	return func(context.Context) (lambda.Handler, error) {
		inits.Add(1)
		env := warmping.NewEnvironment("echo", slog.New(slog.DiscardHandler)).HoldPings(500 * time.Millisecond) // pings apart on a busy machine still overlap
		return env.Wrap(handlerFunc(func(ctx context.Context, p []byte) ([]byte, error) {
			if string(p) == `"panic"` {
				panic("boom")
			}
			if _, ok := lambdacontext.FromContext(ctx); !ok {
				return nil, errors.New("no invocation metadata")
			}
			time.Sleep(hold)
			return p, nil
		})), nil
	}
}

func newService(t *testing.T, c *clock, init lambdasvc.Init) *lambdasvc.Service {
	t.Helper()
	s := lambdasvc.New(lambdasvc.Options{Region: "us-east-1", Account: "000000000000", IdleReclaim: 10 * time.Minute, Now: c.Now})
	if err := s.Add(lambdasvc.Function{Name: "echo", DeployedName: "eventboard-test-echo", Warmup: 2, Init: init}); err != nil {
		t.Fatal(err)
	}
	return s
}

type counts struct{ Warm, ColdStarts, Invocations, Pings, Reclaimed int }

func status(s *lambdasvc.Service) counts {
	f := s.Snapshot().Functions[0]
	return counts{f.Warm, f.ColdStarts, f.Invocations, f.Pings, f.Reclaimed}
}

func TestEnvironmentsLifecycle(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1_700_000_000, 0)}
	var inits atomic.Int32
	s := newService(t, c, echo(&inits, 50*time.Millisecond))
	ctx := context.Background()

	if out, err := s.Invoke(ctx, "echo", []byte(`1`)); err != nil || string(out) != "1" {
		t.Fatalf("invoke = %s, %v", out, err)
	}
	if _, err := s.Invoke(ctx, "echo", []byte(`2`)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(counts{Warm: 1, ColdStarts: 1, Invocations: 2}, status(s)); diff != "" || inits.Load() != 1 {
		t.Errorf("one after another: one environment, one init (%d) (-want +got):\n%s", inits.Load(), diff)
	}

	// Two at once: a second environment, with an init of its own.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := s.Invoke(ctx, "echo", []byte(`3`)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff(counts{Warm: 2, ColdStarts: 2, Invocations: 4}, status(s)); diff != "" || inits.Load() != 2 {
		t.Errorf("two at once (inits %d) (-want +got):\n%s", inits.Load(), diff)
	}

	// Idle past the reclaim time: gone, and the next invocation is cold.
	c.Advance(10*time.Minute + time.Second)
	if diff := cmp.Diff(counts{Warm: 0, ColdStarts: 2, Invocations: 4, Reclaimed: 2}, status(s)); diff != "" {
		t.Errorf("after the idle time (-want +got):\n%s", diff)
	}
	if _, err := s.Invoke(ctx, "echo", []byte(`4`)); err != nil {
		t.Fatal(err)
	}
	if got := status(s); got.ColdStarts != 3 || inits.Load() != 3 {
		t.Errorf("after reclaim: %+v, inits %d; want a third cold start", got, inits.Load())
	}

	// An environment that panicked is not reused.
	if _, err := s.Invoke(ctx, "echo", []byte(`"panic"`)); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("panic: %v", err)
	}
	if got := status(s); got.Warm != 0 {
		t.Errorf("a panicked environment stayed warm: %+v", got)
	}
}

func TestInitFailureIsTheInvocationsError(t *testing.T) {
	t.Parallel()
	s := newService(t, &clock{now: time.Now()}, func(context.Context) (lambda.Handler, error) {
		return nil, errors.New("TABLE is not set")
	})
	if _, err := s.Invoke(context.Background(), "echo", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "init: TABLE is not set") {
		t.Errorf("err = %v", err)
	}
	if _, err := s.Invoke(context.Background(), "nope", []byte(`{}`)); err == nil {
		t.Error("an unknown function was invoked")
	}
}

// The warmer's SDK client, through the Invoke API, warms the function to
// its concurrency; a request right after finds a warm environment.
func TestWarmerThroughTheInvokeAPI(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Now()}
	var inits atomic.Int32
	s := newService(t, c, echo(&inits, 0))
	srv := httptest.NewServer(s.InvokeAPI(slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}
	client := warmer.NewLambdaClient(cfg, func(k string) (string, bool) { return srv.URL, k == "AWS_ENDPOINT_URL" })
	w := warmer.New(warmer.Targets{{Function: "echo", Concurrency: 2}, {Function: "missing", Concurrency: 1}},
		warmer.LambdaInvoker{API: client, Prefix: "eventboard-test-"}, slog.New(slog.DiscardHandler))

	rep := w.Run(context.Background())
	if rep.Functions[0].Cold != 2 || rep.Functions[0].Environments != 2 || rep.Functions[1].Failed != 1 {
		t.Fatalf("report = %+v", rep)
	}
	if diff := cmp.Diff(counts{Warm: 2, ColdStarts: 2, Invocations: 2, Pings: 2}, status(s)); diff != "" {
		t.Errorf("after the warmer (-want +got):\n%s", diff)
	}
	if _, err := s.Invoke(context.Background(), "echo", []byte(`{"real":true}`)); err != nil {
		t.Fatal(err)
	}
	if got := status(s); got.ColdStarts != 2 {
		t.Errorf("a request after the warmer was a cold start: %+v", got)
	}
}

func TestInvokeAPIErrors(t *testing.T) {
	t.Parallel()
	var inits atomic.Int32
	s := newService(t, &clock{now: time.Now()}, echo(&inits, 0))
	srv := httptest.NewServer(s.InvokeAPI(slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	tests := []struct {
		name, path, body, invocationType string
		status                           int
		header, value                    string
	}{
		{"unknown function", "/2015-03-31/functions/nope/invocations", `{}`, "", 404, "X-Amzn-ErrorType", "ResourceNotFoundException"},
		{"not JSON", "/2015-03-31/functions/echo/invocations", `{`, "", 400, "X-Amzn-ErrorType", "InvalidRequestContentException"},
		{"function error", "/2015-03-31/functions/eventboard-test-echo/invocations", `"panic"`, "", 200, "X-Amz-Function-Error", "Unhandled"},
		{"by ARN", "/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:eventboard-test-echo/invocations", `{}`, "", 200, "X-Amz-Function-Error", ""},
		{"dry run", "/2015-03-31/functions/echo/invocations", `{}`, "DryRun", 204, "X-Amz-Function-Error", ""},
		{"bad type", "/2015-03-31/functions/echo/invocations", `{}`, "Later", 400, "X-Amzn-ErrorType", "InvalidParameterValueException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", srv.URL+tt.path, strings.NewReader(tt.body))
			req.RequestURI = ""
			if tt.invocationType != "" {
				req.Header.Set("X-Amz-Invocation-Type", tt.invocationType)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get(tt.header) != tt.value {
				t.Errorf("status %d, %s %q; want %d, %q", resp.StatusCode, tt.header, resp.Header.Get(tt.header), tt.status, tt.value)
			}
		})
	}
}

// GET /local/functions tells the invocations through a function URL from
// the others, so a developer sees which way the anonymous reads came.
func TestInvocationsThroughTheURLAreCounted(t *testing.T) {
	t.Parallel()
	var inits atomic.Int32
	s := newService(t, &clock{now: time.Unix(0, 0)}, echo(&inits, 0))
	for _, ctx := range []context.Context{context.Background(), lambdasvc.ThroughURL(context.Background()), lambdasvc.ThroughURL(context.Background())} {
		if _, err := s.Invoke(ctx, "echo", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	st := s.Snapshot().Functions[0]
	if st.Invocations != 3 || st.URLInvocations != 2 {
		t.Errorf("%d invocations, %d through the URL; want 3 and 2", st.Invocations, st.URLInvocations)
	}
}

// httpEcho is an HTTP function's entry point: it answers an event value
// with its path, and JSON as echo does.
type httpEcho struct{ lambda.Handler }

func (httpEcho) InvokeHTTP(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	if _, ok := lambdacontext.FromContext(ctx); !ok {
		return events.APIGatewayV2HTTPResponse{}, errors.New("no invocation metadata")
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: req.RawPath}, nil
}

// An invocation with an event value runs in the function's environments
// as one with JSON does: the same pool, the same counts.
func TestEventValuesShareTheEnvironments(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1_700_000_000, 0)}
	var inits atomic.Int32
	jsonEcho := echo(&inits, 0)
	s := newService(t, c, func(ctx context.Context) (lambda.Handler, error) {
		h, err := jsonEcho(ctx)
		return httpEcho{h}, err
	})
	resp, err := s.InvokeHTTP(context.Background(), "echo", events.APIGatewayV2HTTPRequest{RawPath: "/api/posts"})
	if err != nil || resp.StatusCode != 200 || resp.Body != "/api/posts" {
		t.Fatalf("InvokeHTTP: %+v, %v", resp, err)
	}
	if out, err := s.Invoke(context.Background(), "echo", []byte(`"json"`)); err != nil || string(out) != `"json"` {
		t.Fatalf("Invoke: %s, %v", out, err)
	}
	if got, want := status(s), (counts{Warm: 1, ColdStarts: 1, Invocations: 2}); got != want || inits.Load() != 1 {
		t.Errorf("counts %+v, inits %d; want %+v, 1", got, inits.Load(), want)
	}

	plain := newService(t, c, echo(&inits, 0))
	if _, err := plain.InvokeHTTP(context.Background(), "echo", events.APIGatewayV2HTTPRequest{}); err == nil || !strings.Contains(err.Error(), "serves no HTTP API events") {
		t.Errorf("InvokeHTTP of a function without an HTTP entry point: %v", err)
	}
}
