package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/post"
)

// fastPipeline makes failed messages come back after a second, not a
// minute, and lets the sweeper take records of any age.
func fastPipeline(opts local.Options) local.Options {
	opts.Provision = append(opts.Provision, pipeline.WithVisibilityTimeout("CounterQueue", time.Second))
	opts.Environment = map[string]map[string]string{"outboxSweeper": {"SWEEP_MIN_AGE": "0s"}}
	return opts
}

func TestCountersFollowWrites(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, fastPipeline(local.Options{}))
	c.signUpAndConfirm(t, "alice")
	var login tokens
	c.do("POST", "/api/auth/login", "", jsonBody(map[string]string{"username": "alice", "password": password})).decode(t, &login)

	r := c.do("POST", "/api/posts", login.AccessToken, jsonBody(map[string]string{"title": "counted", "content": "x"}))
	r.want(t, 201, "")
	var p post.Post
	r.decode(t, &p)
	c.eventually(t, "a post and a user counted", func() bool {
		s := c.stats(t)
		return s.Totals.Posts == 1 && s.Totals.Users == 1 && s.PostsPerDay[len(s.PostsPerDay)-1].Posts == 1 && c.postCount(t, login.AccessToken) == 1
	})
	c.do("DELETE", "/api/posts/"+p.ID, login.AccessToken, nil).want(t, 204, "")
	c.eventually(t, "the deleted post uncounted", func() bool {
		s := c.stats(t)
		return s.Totals.Posts == 0 && s.Totals.Users == 1 && s.PostsPerDay[len(s.PostsPerDay)-1].Posts == 0 && c.postCount(t, login.AccessToken) == 0
	})
}

type stats struct {
	Totals struct {
		Posts, Users int64
	}
	PostsPerDay []struct {
		Date  string
		Posts int64
	}
}

func (c *client) stats(t *testing.T) stats {
	t.Helper()
	var s stats
	// With a token: what the Counter table holds now, not the edge
	// cache's copy of a minute ago.
	r := c.do("GET", "/api/stats", c.token("alice"), nil)
	r.want(t, 200, "")
	r.decode(t, &s)
	if len(s.PostsPerDay) != 30 {
		t.Fatalf("postsPerDay has %d days: %s", len(s.PostsPerDay), r.body)
	}
	return s
}

func (c *client) postCount(t *testing.T, token string) int64 {
	t.Helper()
	var me struct{ PostCount int64 }
	r := c.do("GET", "/api/myinfo", token, nil)
	r.want(t, 200, "")
	r.decode(t, &me)
	return me.PostCount
}

// eventually polls cond for up to 30 s.
func (c *client) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// flakyEventBridge fails a share of PutEvents calls: half of those as a
// whole, the other half by failing one entry of the call.
type flakyEventBridge struct {
	next  eventbus.API
	mu    sync.Mutex
	rng   *rand.Rand
	rate  float64
	calls atomic.Int64
	fails atomic.Int64
}

func (f *flakyEventBridge) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	f.calls.Add(1)
	f.mu.Lock()
	fail, whole, victim := f.rng.Float64() < f.rate, f.rng.IntN(2) == 0, f.rng.IntN(len(in.Entries))
	f.mu.Unlock()
	if !fail {
		return f.next.PutEvents(ctx, in, opts...)
	}
	f.fails.Add(1)
	if whole {
		return nil, errors.New("injected: ServiceUnavailable")
	}
	rest := &eventbridge.PutEventsInput{}
	for i, e := range in.Entries {
		if i != victim {
			rest.Entries = append(rest.Entries, e)
		}
	}
	out := &eventbridge.PutEventsOutput{}
	var sent *eventbridge.PutEventsOutput
	if len(rest.Entries) > 0 {
		var err error
		if sent, err = f.next.PutEvents(ctx, rest, opts...); err != nil {
			return nil, err
		}
	}
	j := 0
	for i := range in.Entries {
		if i == victim {
			out.FailedEntryCount++
			out.Entries = append(out.Entries, ebtypes.PutEventsResultEntry{ErrorCode: aws.String("InternalFailure"), ErrorMessage: aws.String("injected")})
			continue
		}
		out.Entries = append(out.Entries, sent.Entries[j])
		j++
	}
	return out, nil
}

// workload creates posts from several users and deletes some, all over
// HTTP, concurrently.
func (c *client) workload(t *testing.T, creates, deletes int) {
	t.Helper()
	users := []string{"ann", "ben", "cat", "dan"}
	tokens := map[string]string{}
	for _, u := range users {
		tokens[u] = c.token(u)
	}
	type created struct{ id, user string }
	var mu sync.Mutex
	var posts []created
	var wg sync.WaitGroup
	work := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				u := users[i%len(users)]
				r := c.do("POST", "/api/posts", tokens[u], jsonBody(map[string]string{"title": fmt.Sprint("post ", i), "content": "load"}))
				for r.status == http.StatusTooManyRequests { // the stage's bucket: wait, as a client must
					time.Sleep(100 * time.Millisecond)
					r = c.do("POST", "/api/posts", tokens[u], jsonBody(map[string]string{"title": fmt.Sprint("post ", i), "content": "load"}))
				}
				if r.status != http.StatusCreated {
					t.Errorf("create %d: %d %s", i, r.status, r.body)
					continue
				}
				var p post.Post
				_ = json.Unmarshal(r.body, &p)
				mu.Lock()
				posts = append(posts, created{p.ID, u})
				mu.Unlock()
			}
		})
	}
	for i := range creates {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, p := range posts[:deletes] {
		c.do("DELETE", "/api/posts/"+p.id, tokens[p.user], nil).want(t, 204, "")
	}
}

// truth counts the posts the API lists, the way the counters should.
func (c *client) truth(t *testing.T) map[string]int64 {
	t.Helper()
	want := map[string]int64{counter.Posts: 0}
	path := "/api/posts?limit=100"
	for {
		var page post.Page
		r := c.do("GET", path, "", nil)
		r.want(t, 200, "")
		r.decode(t, &page)
		for _, p := range page.Posts {
			want[counter.Posts]++
			want[counter.AuthorPosts(p.AuthorID)]++
			want[counter.DayPosts(p.CreatedAt)]++
		}
		if page.NextCursor == "" {
			return want
		}
		path = "/api/posts?limit=100&cursor=" + page.NextCursor
	}
}

// counters reads the Counter table's values of the names in want.
func (c *client) counters(t *testing.T, want map[string]int64) map[string]int64 {
	t.Helper()
	table, _ := c.stack.Manifest().Table("CounterTable")
	store, err := dynamo.NewCounters(emulator.DynamoDB(c.stack.AWSEndpoint()), table.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range want {
		names = append(names, n)
	}
	got, err := store.Get(context.Background(), names...)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		got[n] += 0 // absent counters are zero
	}
	return got
}

// settle sweeps the outbox until it is empty and waits until every counter
// equals the truth counted from the Posts table.
func (c *client) settle(t *testing.T) {
	t.Helper()
	want := c.truth(t)
	var got map[string]int64
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := c.stack.Fire(context.Background(), "outboxSweeper"); err != nil {
			t.Logf("sweep: %v", err)
		}
		got = c.counters(t, want)
		if cmp.Equal(want, got) && c.outboxLen(t) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("counters never matched the posts (-truth +counters):\n%s\noutbox holds %d", cmp.Diff(want, got), c.outboxLen(t))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *client) outboxLen(t *testing.T) int {
	t.Helper()
	table, _ := c.stack.Manifest().Table("OutboxTable")
	out, err := emulator.DynamoDB(c.stack.AWSEndpoint()).Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table.Name), Select: "COUNT"})
	if err != nil {
		t.Fatal(err)
	}
	return int(out.Count)
}

// processed counts the events the counter worker applied.
func (c *client) processed(t *testing.T) int {
	t.Helper()
	table, _ := c.stack.Manifest().Table("ProcessedEventsTable")
	out, err := emulator.DynamoDB(c.stack.AWSEndpoint()).Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table.Name), Select: "COUNT"})
	if err != nil {
		t.Fatal(err)
	}
	return int(out.Count)
}

// workerOnly applies wrap to the counter worker's invocations only.
func workerOnly(wrap func(next pipeline.Invoker, ctx context.Context, payload []byte) ([]byte, error)) func(pipeline.Invoker) pipeline.Invoker {
	return func(next pipeline.Invoker) pipeline.Invoker {
		return invokerFunc(func(ctx context.Context, fn string, payload []byte) ([]byte, error) {
			if fn != "counterWorker" {
				return next.Invoke(ctx, fn, payload)
			}
			return wrap(next, ctx, payload)
		})
	}
}

type invokerFunc func(ctx context.Context, fn string, payload []byte) ([]byte, error)

func (f invokerFunc) Invoke(ctx context.Context, fn string, payload []byte) ([]byte, error) {
	return f(ctx, fn, payload)
}

func TestFaultPutEventsFails(t *testing.T) {
	t.Parallel()
	flaky := &flakyEventBridge{rng: rand.New(rand.NewPCG(1, 2)), rate: 0.3}
	c := startStackWith(t, fastPipeline(local.Options{Faults: local.Faults{
		EventBridge: func(next eventbus.API) eventbus.API { flaky.next = next; return flaky },
	}}))
	c.workload(t, 500, 100)
	c.settle(t)
	if flaky.fails.Load() == 0 {
		t.Fatal("no PutEvents call failed: the test proved nothing")
	}
	if n := c.processed(t); n != 600 {
		t.Errorf("the worker applied %d events, want 600 (500 created, 100 deleted)", n)
	}
	t.Logf("%d of %d PutEvents calls failed", flaky.fails.Load(), flaky.calls.Load())
}

func TestFaultEveryMessageDeliveredTwice(t *testing.T) {
	t.Parallel()
	var twice atomic.Int64
	c := startStackWith(t, fastPipeline(local.Options{Faults: local.Faults{
		Pipeline: workerOnly(func(next pipeline.Invoker, ctx context.Context, payload []byte) ([]byte, error) {
			if _, err := next.Invoke(ctx, "counterWorker", payload); err != nil {
				return nil, err
			}
			twice.Add(1)
			return next.Invoke(ctx, "counterWorker", payload)
		}),
	}}))
	c.workload(t, 120, 30)
	c.settle(t)
	if twice.Load() == 0 {
		t.Fatal("no batch was delivered twice")
	}
}

func TestFaultWorkerFailsMidwayThroughBatches(t *testing.T) {
	t.Parallel()
	var n, crashed atomic.Int64
	// A message is in at most one crashed batch: a message crashed with five
	// times in a row would rightly reach the DLQ (maxReceiveCount 5), and
	// the counters would then be short by a message the test meant to see
	// delivered.
	var crashedWith sync.Map
	c := startStackWith(t, fastPipeline(local.Options{Faults: local.Faults{
		Pipeline: workerOnly(func(next pipeline.Invoker, ctx context.Context, payload []byte) ([]byte, error) {
			var ev events.SQSEvent
			if err := json.Unmarshal(payload, &ev); err != nil {
				return nil, err
			}
			again := slices.ContainsFunc(ev.Records, func(r events.SQSMessage) bool {
				_, seen := crashedWith.Load(r.MessageId)
				return seen
			})
			if again || n.Add(1)%3 != 0 {
				return next.Invoke(ctx, "counterWorker", payload)
			}
			for _, r := range ev.Records {
				crashedWith.Store(r.MessageId, true)
			}
			// Process the first half of the batch, then die: the whole batch
			// comes back after the visibility timeout.
			ev.Records = ev.Records[:len(ev.Records)/2]
			half, _ := json.Marshal(ev)
			if _, err := next.Invoke(ctx, "counterWorker", half); err != nil {
				return nil, err
			}
			crashed.Add(1)
			return nil, errors.New("injected: worker crashed midway through its batch")
		}),
	}}))
	c.workload(t, 120, 30)
	c.settle(t)
	if crashed.Load() == 0 {
		t.Fatal("the worker never crashed")
	}
}

func TestFaultPoisonMessageReachesDLQ(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, fastPipeline(local.Options{}))
	res := c.stack.Resources()
	queue, _ := res.QueueURL("CounterQueue")
	dlq, _ := res.QueueURL("CounterDLQ")
	q := emulator.SQS(c.stack.AWSEndpoint())
	const poison = `{"detail-type":"PostCreated","detail":"this is not an event"}`
	if _, err := q.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &queue, MessageBody: aws.String(poison)}); err != nil {
		t.Fatal(err)
	}
	c.workload(t, 40, 10)
	c.settle(t)
	var body string
	c.eventually(t, "the poison message in the DLQ", func() bool {
		out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: &dlq, MaxNumberOfMessages: 10, VisibilityTimeout: 30,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount},
		})
		if err != nil || len(out.Messages) == 0 {
			return false
		}
		body = aws.ToString(out.Messages[0].Body)
		return len(out.Messages) == 1
	})
	if body != poison {
		t.Errorf("DLQ holds %q, want the poison message", body)
	}
}
