package warmer_test

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

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/warmer"
	"github.com/eventboard/eventboard/internal/warmping"
)

// fakeLambda runs functions as Lambda does: an invocation takes an idle
// environment of its function or, when none is idle, starts one. Its
// environments answer pings through warmping's entry point.
type fakeLambda struct {
	mu      sync.Mutex
	idle    map[string][]lambda.Handler
	started map[string]int
	// fail makes every invocation of a function fail.
	fail map[string]error
	// answer makes a function answer this instead of going through
	// warmup's entry point (a function that does not know pings).
	answer map[string]string
}

func newFakeLambda() *fakeLambda {
	return &fakeLambda{idle: map[string][]lambda.Handler{}, started: map[string]int{}, fail: map[string]error{}, answer: map[string]string{}}
}

type handlerFunc func(context.Context, []byte) ([]byte, error)

func (f handlerFunc) Invoke(ctx context.Context, p []byte) ([]byte, error) { return f(ctx, p) }

func (f *fakeLambda) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	if err := f.fail[function]; err != nil {
		return nil, err
	}
	if a, ok := f.answer[function]; ok {
		return []byte(a), nil
	}
	f.mu.Lock()
	var h lambda.Handler
	if idle := f.idle[function]; len(idle) > 0 {
		h, f.idle[function] = idle[len(idle)-1], idle[:len(idle)-1]
	} else {
		f.started[function]++
		h = warmping.NewEnvironment(function, slog.New(slog.DiscardHandler)).HoldPings(500 * time.Millisecond).Wrap(handlerFunc(func(context.Context, []byte) ([]byte, error) {
			return nil, errors.New("a ping reached the handler")
		}))
	}
	f.mu.Unlock()
	out, err := h.Invoke(ctx, payload)
	f.mu.Lock()
	f.idle[function] = append(f.idle[function], h)
	f.mu.Unlock()
	return out, err
}

var targets = warmer.Targets{{Function: "listPosts", Concurrency: 3}, {Function: "getPost", Concurrency: 2}, {Function: "login", Concurrency: 1}}

// ignoreIDs compares reports without the random environment ids, checking
// only how many there are.
var ignoreIDs = cmp.Transformer("ids", func(ids []string) int { return len(ids) })

func TestRunWarmsEachFunctionToItsConcurrency(t *testing.T) {
	t.Parallel()
	lam := newFakeLambda()
	w := warmer.New(targets, lam, slog.New(slog.DiscardHandler))

	first := w.Run(context.Background())
	want := warmer.Report{Pings: 6, Cold: 6, Functions: []warmer.FunctionReport{
		{Function: "listPosts", Concurrency: 3, Pings: 3, Cold: 3, Environments: 3, ColdEnvironments: make([]string, 3)},
		{Function: "getPost", Concurrency: 2, Pings: 2, Cold: 2, Environments: 2, ColdEnvironments: make([]string, 2)},
		{Function: "login", Concurrency: 1, Pings: 1, Cold: 1, Environments: 1, ColdEnvironments: make([]string, 1)},
	}}
	if diff := cmp.Diff(want, first, ignoreIDs); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	second := w.Run(context.Background())
	for i := range want.Functions {
		want.Functions[i].Cold, want.Functions[i].ColdEnvironments = 0, nil
	}
	want.Cold = 0
	if diff := cmp.Diff(want, second, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("second run, all warm (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"listPosts": 3, "getPost": 2, "login": 1}, lam.started); diff != "" {
		t.Errorf("environments started (-want +got):\n%s", diff)
	}
}

func TestRunWarmsTheOthersWhenOneFails(t *testing.T) {
	t.Parallel()
	lam := newFakeLambda()
	lam.fail["getPost"] = errors.New("ResourceNotFoundException")
	lam.answer["login"] = `{"statusCode":400}`
	var logs bytes.Buffer
	h := warmer.NewHandler(warmer.New(targets, lam, slog.New(slog.NewJSONHandler(&logs, nil))))

	rep, err := h(context.Background(), json.RawMessage(`{}`))
	if err != nil {
		t.Fatalf("a failed ping failed the run: %v", err)
	}
	got := map[string][3]int{}
	for _, f := range rep.Functions {
		got[f.Function] = [3]int{f.Pings, f.Cold, f.Failed}
	}
	want := map[string][3]int{"listPosts": {3, 3, 0}, "getPost": {2, 0, 2}, "login": {1, 0, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pings, cold, failed per function (-want +got):\n%s", diff)
	}
	if rep.Failed != 3 || lam.started["listPosts"] != 3 {
		t.Errorf("report %+v, listPosts environments %d", rep, lam.started["listPosts"])
	}
	if !strings.Contains(logs.String(), "ResourceNotFoundException") {
		t.Errorf("the failure is not logged:\n%s", logs.String())
	}
}

func TestRunLogsMetricsPerFunction(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	w := warmer.New(targets[:1], newFakeLambda(), slog.New(slog.NewJSONHandler(&logs, nil)))
	w.Run(context.Background())
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	aws, _ := line["_aws"].(map[string]any)
	metrics, _ := aws["CloudWatchMetrics"].([]any)
	if len(metrics) != 1 || line["target"] != "listPosts" || line["WarmerPings"] != 3.0 ||
		line["WarmerColdStarts"] != 3.0 || line["WarmerFailures"] != 0.0 {
		t.Errorf("log line = %v", line)
	}
}

func TestParseTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    warmer.Targets
		wantErr string
	}{
		{"listPosts:2 getPost:1", warmer.Targets{{"listPosts", 2}, {"getPost", 1}}, ""},
		{"  listPosts:2\n\tgetPost:1 ", warmer.Targets{{"listPosts", 2}, {"getPost", 1}}, ""},
		{"", nil, "no functions"},
		{"listPosts", nil, "want name:concurrency"},
		{"listPosts:0", nil, "concurrency must be"},
		{"listPosts:51", nil, "concurrency must be"},
		{"listPosts:-1", nil, "want name:concurrency"},
		{"listPosts:1 listPosts:2", nil, "twice"},
		{"*:1", nil, "want name:concurrency"},
		{"1post:1", nil, "want name:concurrency"},
		{"get-post_2:1", warmer.Targets{{"get-post_2", 1}}, ""},
		{"getPost:1:2", nil, "want name:concurrency"},
		{"getPost:001", nil, "want name:concurrency"},
		{"getPost: 1", nil, "want name:concurrency"},
	}
	for _, tt := range tests {
		got, err := warmer.ParseTargets(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseTargets(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); err != nil || diff != "" {
			t.Errorf("ParseTargets(%q) (-want +got):\n%s%v", tt.in, diff, err)
		}
	}
}

func TestFunctionBuildsFromItsEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": "warmer", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
		"WARMUP_TARGETS": "getPost:2", "WARMUP_FUNCTION_PREFIX": "eventboard-dev-",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if _, err := warmer.Warmer().Build(context.Background(), lambdafn.Env{Lookup: lookup, Logs: slog.DiscardHandler}); err != nil {
		t.Fatal(err)
	}
	env["WARMUP_TARGETS"] = "getPost"
	if _, err := warmer.Warmer().Build(context.Background(), lambdafn.Env{Lookup: lookup, Logs: slog.DiscardHandler}); err == nil ||
		!strings.Contains(err.Error(), "build warmer") || !strings.Contains(err.Error(), "name:concurrency") {
		t.Errorf("a bad declaration: %v", err)
	}
}
