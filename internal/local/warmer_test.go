package local_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/warmer"
	"github.com/eventboard/eventboard/internal/warmping"
)

// countingEventBridge counts PutEvents calls.
type countingEventBridge struct {
	next  eventbus.API
	calls atomic.Int64
}

func (c *countingEventBridge) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	c.calls.Add(1)
	return c.next.PutEvents(ctx, in, opts...)
}

func (c *client) functionStatus(t *testing.T) map[string]lambdasvc.FunctionStatus {
	t.Helper()
	var snap lambdasvc.Snapshot
	r := c.do("GET", "/local/functions", "", nil)
	r.want(t, http.StatusOK, "")
	r.decode(t, &snap)
	out := map[string]lambdasvc.FunctionStatus{}
	for _, f := range snap.Functions {
		out[f.Function] = f
	}
	return out
}

// The warmer's schedule, fired through the dev endpoint, warms every
// warmed function to its concurrency through the stack's Lambda Invoke
// endpoint; a real request right after is not a cold start.
func TestWarmerScheduleWarmsTheDeclaredFunctions(t *testing.T) {
	t.Parallel()
	c := startStack(t)

	var list struct {
		Schedules []struct {
			Name, Function, Expression, Fire string
			Enabled                          bool
		}
	}
	r := c.do("GET", "/local/schedules", "", nil)
	r.want(t, http.StatusOK, "")
	r.decode(t, &list)
	fire := ""
	for _, s := range list.Schedules {
		if s.Function == "warmer" {
			fire = s.Fire
			// As serverless.yml declares it for the stack's stage.
			p := c.stack.Manifest().Resources["WarmerSchedule"].Properties
			if s.Expression != p["ScheduleExpression"] || s.Enabled != (p["State"] == "ENABLED") {
				t.Errorf("warmer schedule = %+v; serverless.yml says %v, %v", s, p["ScheduleExpression"], p["State"])
			}
		}
	}
	if fire == "" {
		t.Fatalf("no warmer schedule in %s", r.body)
	}

	// One run warms up to each function's concurrency: all of it, unless
	// a ping arrived after another had let its environment go (the hold is
	// 25 ms, and this machine's cores are shared). The report says so, and
	// the next run starts the missing environments: a few runs reach every
	// declared concurrency.
	var before map[string]lambdasvc.FunctionStatus
	declared := map[string]int{}
	for run := 1; ; run++ {
		r = c.do("POST", fire, "", []byte(`{}`))
		r.want(t, http.StatusOK, "")
		var rep warmer.Report
		r.decode(t, &rep)
		before = c.functionStatus(t)
		for name, f := range before {
			if f.Warmup > 0 {
				declared[name] = f.Warmup
			}
		}
		if len(declared) == 0 {
			t.Fatal("no function is warmed")
		}
		got := map[string]int{}
		for _, f := range rep.Functions {
			st := before[f.Function]
			got[f.Function] = st.Warm
			// What the report says matches what the stack saw (the schedule
			// may also fire on its own meanwhile).
			if f.Failed != 0 || f.Pings != f.Concurrency || f.Concurrency != st.Warmup || st.Pings < run*st.Warmup ||
				st.Warm != st.ColdStarts || f.Environments > st.Warm || st.Warm > st.Warmup {
				t.Fatalf("run %d: report for %s %+v; the stack's %+v", run, f.Function, f, st)
			}
		}
		if len(rep.Functions) != len(declared) {
			t.Fatalf("the warmer pinged %d functions, serverless.yml declares %d", len(rep.Functions), len(declared))
		}
		if cmp.Equal(declared, got) {
			break
		}
		if run == 5 {
			t.Fatalf("after %d runs, warm environments (-declared +got):\n%s", run, cmp.Diff(declared, got))
		}
	}

	c.do("GET", "/api/posts", "", nil).want(t, http.StatusOK, "")
	after := c.functionStatus(t)["listPosts"]
	if after.ColdStarts != before["listPosts"].ColdStarts || after.Invocations != before["listPosts"].Invocations+1 {
		t.Errorf("listPosts after a request: %+v; before %+v: want no new cold start", after, before["listPosts"])
	}

	// Fired again: every environment is found warm.
	r = c.do("POST", fire, "", []byte(`{}`))
	r.want(t, http.StatusOK, "")
	var rep warmer.Report
	r.decode(t, &rep)
	if rep.Cold != 0 || rep.Failed != 0 {
		t.Errorf("the run after found %d cold, %d failed: %s", rep.Cold, rep.Failed, r.body)
	}
}

// awsCalls records the AWS calls the functions make, by the function
// whose invocation made them.
type awsCalls struct {
	mu    sync.Mutex
	calls map[string][]string
}

func (a *awsCalls) option(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("test.RecordCalls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			fn := "outside an invocation"
			if lc, ok := lambdacontext.FromContext(ctx); ok {
				fn = lc.InvokedFunctionArn[strings.LastIndex(lc.InvokedFunctionArn, "-")+1:]
			}
			a.mu.Lock()
			a.calls[fn] = append(a.calls[fn], fmt.Sprintf("%T", in.Parameters))
			a.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

func (a *awsCalls) of(fn string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[fn]
}

// A ping to a writer does no auth, no read, no write and emits no event:
// it is answered before the handler runs, and its function makes no AWS
// call at all.
func TestPingDoesNoWork(t *testing.T) {
	t.Parallel()
	eb := &countingEventBridge{}
	calls := &awsCalls{calls: map[string][]string{}}
	c := startStackWith(t, local.Options{Faults: local.Faults{EventBridge: func(next eventbus.API) eventbus.API {
		eb.next = next
		return eb
	}, APIOptions: []func(*middleware.Stack) error{calls.option}}})
	for _, fn := range []string{"createPost", "deletePost", "myInfo", "logout", "counterWorker", "postConfirmation"} {
		r := c.do("POST", "/2015-03-31/functions/"+fn+"/invocations", "", warmping.Payload(1, 0), "Authorization", sigV4)
		if r.status != http.StatusOK || r.header.Get("X-Amz-Function-Error") != "" {
			t.Fatalf("%s: ping: %d %s", fn, r.status, r.body)
		}
		reply, err := warmping.ParseReply(r.body)
		if err != nil || reply.Function != fn {
			t.Errorf("%s: reply %s: %v", fn, r.body, err)
		}
		if got := calls.of(fn); len(got) != 0 {
			t.Errorf("%s: a ping made AWS calls %v", fn, got)
		}
	}
	if n := eb.calls.Load(); n != 0 {
		t.Errorf("pings called PutEvents %d times", n)
	}
	if n := c.outboxLen(t); n != 0 {
		t.Errorf("pings wrote %d outbox records", n)
	}
	// The recorder sees the calls of a real request (so it can fail).
	c.do("POST", "/api/posts", c.token("ann"), jsonBody(map[string]string{"title": "t", "content": "c"})).want(t, http.StatusCreated, "")
	if got := calls.of("createPost"); len(got) == 0 {
		t.Error("the recorder saw no AWS call of a real createPost")
	}
	var page struct {
		Posts []any `json:"posts"`
	}
	r := c.do("GET", "/api/posts", "", nil)
	r.want(t, http.StatusOK, "")
	r.decode(t, &page)
	if len(page.Posts) != 1 {
		t.Errorf("posts after the pings and one create: %s", r.body)
	}
}

// An HTTP request whose body is a ping is an ordinary request: the
// authorizer refuses it without a token, the handler validates it with one.
func TestHTTPRequestShapedLikeAPingIsARequest(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	body := warmping.Payload(1, 0)
	c.do("POST", "/api/posts", "", body).want(t, http.StatusUnauthorized, "")
	c.do("POST", "/api/posts", c.token("ann"), body).want(t, http.StatusBadRequest, "UNKNOWN_FIELD")
	if f := c.functionStatus(t)["createPost"]; f.Pings != 0 || f.Invocations != 1 {
		t.Errorf("createPost: %+v, want one invocation and no ping", f)
	}
}

func TestDevEndpointsAnswerOnlyLoopbackHosts(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	for _, path := range []string{"/local/functions", "/local/schedules", "/local/mailbox?username=x"} {
		for host, want := range map[string]int{"evil.example": http.StatusMisdirectedRequest, "localhost:8080": http.StatusOK, "127.0.0.1": http.StatusOK} {
			r := c.do("GET", path, "", nil, "Host", host)
			if r.status == http.StatusMisdirectedRequest != (want == http.StatusMisdirectedRequest) {
				t.Errorf("GET %s with Host %s: %d, want %d", path, host, r.status, want)
			}
		}
	}
	r := c.do("POST", "/2015-03-31/functions/listPosts/invocations", "", []byte(`{}`), "Host", "evil.example", "Authorization", sigV4)
	if r.status != http.StatusMisdirectedRequest {
		t.Errorf("Invoke API with a foreign Host: %d", r.status)
	}
	if r := c.do("POST", "/local/schedules/nope/fire", "", []byte(`{}`)); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "SCHEDULE_NOT_FOUND") {
		t.Errorf("firing an unknown schedule: %d %s", r.status, r.body)
	}
}
