package warmping_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/logging"
	"github.com/eventboard/eventboard/internal/warmping"
)

// recorder is a handler that records what reached it.
type recorder struct {
	mu       sync.Mutex
	payloads []string
}

func (r *recorder) Invoke(_ context.Context, payload []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.payloads = append(r.payloads, string(payload))
	return []byte(`{"statusCode":201}`), nil
}

// syncBuffer is a log destination safe for concurrent lines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func invocationContext(id string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id})
}

func TestPingNeverReachesTheHandler(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	next := &recorder{}
	env := warmping.NewEnvironment("createPost", logging.New(&logs, slog.LevelInfo, "createPost"))
	h := env.Wrap(next)

	out, err := h.Invoke(invocationContext("r1"), warmping.Payload(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	reply, err := warmping.ParseReply(out)
	if err != nil {
		t.Fatal(err)
	}
	want := warmping.Reply{Warmup: warmping.Marker, Function: "createPost", Environment: env.ID(), ColdStart: true}
	if diff := cmp.Diff(want, reply); diff != "" {
		t.Errorf("first ping's reply (-want +got):\n%s", diff)
	}
	out, _ = h.Invoke(invocationContext("r2"), warmping.Payload(1, 0))
	if reply, _ := warmping.ParseReply(out); reply.ColdStart {
		t.Error("the second ping found the environment cold")
	}
	if len(next.payloads) != 0 {
		t.Errorf("pings reached the handler: %q", next.payloads)
	}
}

func TestRequestsPassThroughAndEveryInvocationIsLogged(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	next := &recorder{}
	env := warmping.NewEnvironment("createPost", logging.New(&logs, slog.LevelInfo, "createPost"))
	h := env.Wrap(next)
	request := httpRequest(t, string(warmping.Payload(1, 0)))

	out, err := h.Invoke(invocationContext("r1"), request)
	if err != nil || string(out) != `{"statusCode":201}` {
		t.Fatalf("request: %s, %v", out, err)
	}
	if _, err := h.Invoke(invocationContext("r2"), warmping.Payload(1, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Invoke(invocationContext("r3"), request); err != nil {
		t.Fatal(err)
	}
	if len(next.payloads) != 2 || next.payloads[0] != string(request) {
		t.Errorf("the handler got %d payloads, want the 2 requests unchanged", len(next.payloads))
	}

	type line struct {
		RequestID  string
		Function   string
		ColdStart  bool
		Warmup     bool
		ColdMetric float64
		PingMetric float64
		Namespace  string
	}
	var got []line
	for _, l := range logs.lines(t) {
		aws, _ := l["_aws"].(map[string]any)
		metrics, _ := aws["CloudWatchMetrics"].([]any)
		var ns string
		if len(metrics) == 1 {
			ns, _ = metrics[0].(map[string]any)["Namespace"].(string)
		}
		got = append(got, line{
			RequestID: l["requestId"].(string), Function: l["function"].(string),
			ColdStart: l["coldStart"].(bool), Warmup: l["warmup"].(bool),
			ColdMetric: l["ColdStart"].(float64), PingMetric: l["WarmupPing"].(float64), Namespace: ns,
		})
	}
	want := []line{
		{"r1", "createPost", true, false, 1, 0, logging.MetricsNamespace},
		{"r2", "createPost", false, true, 0, 1, logging.MetricsNamespace},
		{"r3", "createPost", false, false, 0, 0, logging.MetricsNamespace},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invocation lines (-want +got):\n%s", diff)
	}
}

// Concurrent pings hold their environment, so a pool that makes an
// environment per concurrent invocation (as Lambda does) gets one per ping.
func TestConcurrentPingsHoldTheirEnvironment(t *testing.T) {
	t.Parallel()
	env := warmping.NewEnvironment("getPost", slog.New(slog.DiscardHandler))
	h := env.Wrap(&recorder{})
	start := time.Now()
	if _, err := h.Invoke(context.Background(), warmping.Payload(3, 0)); err != nil {
		t.Fatal(err)
	}
	if held := time.Since(start); held < warmping.Hold {
		t.Errorf("one of 3 pings was answered after %v, want it held %v", held, warmping.Hold)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Invoke(ctx, warmping.Payload(3, 1)); err != nil {
		t.Errorf("a ping whose deadline passed: %v", err)
	}
}

// An environment invoked in-process with an event value logs each
// invocation as its JSON entry point does, and has one cold start between
// the two entries.
func TestInvocationsByValueAreLoggedAndShareTheColdStart(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	env := warmping.NewEnvironment("getPost", logging.New(&logs, slog.LevelInfo, "getPost"))
	byValue := warmping.WrapFunc(env, func(_ context.Context, path string) (int, error) {
		if path == "/fail" {
			return 0, errors.New("failed")
		}
		return len(path), nil
	})
	if n, err := byValue(invocationContext("r1"), "/api/posts"); err != nil || n != 10 {
		t.Fatalf("by value: %d, %v", n, err)
	}
	if _, err := byValue(invocationContext("r2"), "/fail"); err == nil {
		t.Fatal("the handler's error did not come through")
	}
	out, err := env.Wrap(&recorder{}).Invoke(invocationContext("r3"), warmping.Payload(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if reply, _ := warmping.ParseReply(out); reply.ColdStart {
		t.Error("a ping after invocations by value found the environment cold")
	}

	type line struct {
		RequestID              string
		ColdStart, Warmup, Err bool
	}
	var got []line
	for _, l := range logs.lines(t) {
		got = append(got, line{l["requestId"].(string), l["coldStart"].(bool), l["warmup"].(bool), l["functionError"].(bool)})
	}
	want := []line{{"r1", true, false, false}, {"r2", false, false, true}, {"r3", false, true, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invocation lines (-want +got):\n%s", diff)
	}
}
