package local_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/jwtauth"
	"github.com/eventboard/eventboard/internal/post"
)

// TestLoadGetPost is the load run of `make bench`, not a test: it measures
// GET /api/posts/{id} through the local stack next to a minimal net/http
// server doing the same GetItem against the same kumo, with the same 32
// concurrent clients, and reports; it asserts nothing about speed. It runs
// only when EVENTBOARD_LOAD is set, and writes its figures as JSON to
// EVENTBOARD_LOAD_OUT when that is set. With EVENTBOARD_LOAD_PROFILE set to
// a directory, it then loads the stack once more, profiled (profileLoad).
func TestLoadGetPost(t *testing.T) {
	if os.Getenv("EVENTBOARD_LOAD") == "" {
		t.Skip("a load run; `make bench` runs it (EVENTBOARD_LOAD=1)")
	}
	const clients = 32
	duration := 5 * time.Second

	c := startStackWith(t, local.Options{Unthrottled: true, NoEdgeCache: true}) // measure the stack, not the buckets or the cache
	r := c.do("POST", "/api/posts", c.token("alice"), jsonBody(map[string]string{"title": "load", "content": strings.Repeat("x", 500)}))
	r.want(t, http.StatusCreated, "")
	var p post.Post
	r.decode(t, &p)
	getPost, _ := c.stack.Manifest().Function("getPost")
	table := getPost.Environment["POSTS_TABLE"]

	minimal := httptest.NewServer(minimalGetServer(emulator.DynamoDB(c.stack.AWSEndpoint()), table))
	t.Cleanup(minimal.Close)

	targets := []struct{ name, url string }{
		{"eventboard local", c.base + "/api/posts/" + p.ID},
		{"minimal net/http", minimal.URL + "/api/posts/" + p.ID},
	}
	loadBefore := loadAvg()
	for _, tg := range targets { // warm both up
		load(t, tg.url, clients, time.Second)
	}
	results := map[string]loadResult{}
	// Alternate in one-second slots, so that drift on a busy machine hits
	// both alike: a 2-core VM's own rate moves by a tenth from one
	// 2.5-second slot to the next, which with two slots each moved the
	// ratio by as much.
	const slots = 5
	for range slots {
		for _, tg := range targets {
			cpu := cpuTime(t)
			res := load(t, tg.url, clients, duration/slots)
			res.cpu = cpuTime(t) - cpu
			results[tg.name] = results[tg.name].merge(res)
		}
	}
	// The load average says how much else shared the cores: figures from
	// a busy machine are labelled so.
	report := map[string]any{"clients": clients, "seconds": duration.Seconds(), "loadavg_before": loadBefore, "loadavg_after": loadAvg()}
	for name, res := range results {
		res.finish()
		results[name] = res
		t.Logf("%-18s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %5.0f µs of CPU per request  errors %d", name, res.RPS, res.P50ms, res.P99ms, res.CPUus, res.Errors)
		report[name] = res
	}
	ratio := results["eventboard local"].RPS / results["minimal net/http"].RPS
	report["ratio"] = ratio
	// CPU time per request compares the two servers' work, which other
	// load on the cores disturbs less than their rates.
	report["cpu_ratio"] = results["minimal net/http"].CPUus / results["eventboard local"].CPUus
	t.Logf("eventboard local runs at %.0f%% of the minimal server's throughput, %.0f%% in CPU time per request (load average %s before, %s after)",
		100*ratio, 100*report["cpu_ratio"].(float64), report["loadavg_before"], report["loadavg_after"])
	if out := os.Getenv("EVENTBOARD_LOAD_OUT"); out != "" {
		b, _ := json.MarshalIndent(report, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, res := range results {
		if res.Errors > 0 {
			t.Errorf("%s: %d failed requests", name, res.Errors)
		}
	}
	if dir := os.Getenv("EVENTBOARD_LOAD_PROFILE"); dir != "" {
		profileLoad(t, dir, targets[0].url, clients, duration/2)
	}
}

// profileLoad loads url from n clients for d, after the measured runs so
// that profiling weighs on none of them, and writes to dir the CPU profile
// of that run (cpu.pprof) and the heap's allocation profiles from before
// and after it (allocs-before.pprof, allocs.pprof): the run's own
// allocations are `go tool pprof -sample_index=alloc_space -base
// allocs-before.pprof allocs.pprof`. The clients are in the profiles too;
// the stack's share is under net/http's server (conn.serve).
func profileLoad(t *testing.T, dir, url string, n int, d time.Duration) {
	t.Helper()
	writeProfile := func(name string, write func(io.Writer) error) {
		t.Helper()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := write(f); err != nil {
			t.Fatal(err)
		}
	}
	allocs := func(w io.Writer) error {
		runtime.GC() // the heap profile is as of the last GC
		return pprof.Lookup("allocs").WriteTo(w, 0)
	}
	writeProfile("allocs-before.pprof", allocs)
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		t.Fatal(err)
	}
	defer cpu.Close()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		t.Fatal(err)
	}
	res := load(t, url, n, d)
	pprof.StopCPUProfile()
	writeProfile("allocs.pprof", allocs)
	t.Logf("profiled run: %d requests in %v; profiles in %s", res.Requests, res.elapsed.Round(time.Millisecond), dir)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// minimalGetServer answers GET /api/posts/{id} with the item as JSON: the
// least a server can do for that route on the same store.
func minimalGetServer(db *dynamodb.Client, table string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/posts/{id}", func(w http.ResponseWriter, r *http.Request) {
		out, err := db.GetItem(r.Context(), &dynamodb.GetItemInput{
			TableName:      aws.String(table),
			Key:            map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: r.PathValue("id")}},
			ConsistentRead: aws.Bool(true),
		})
		if err != nil || out.Item == nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		var item map[string]any
		if err := attributevalue.UnmarshalMap(out.Item, &item); err != nil {
			http.Error(w, "bad item", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(item)
	})
	return mux
}

type loadResult struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	// CPUus is the process's CPU time per request while the server was
	// loaded: the server's, the clients' and whatever else ran in the
	// process (the stack's pollers), for both servers alike.
	CPUus   float64 `json:"cpu_us_per_request"`
	elapsed time.Duration
	cpu     time.Duration
	lat     []time.Duration
}

func (a loadResult) merge(b loadResult) loadResult {
	a.Requests += b.Requests
	a.Errors += b.Errors
	a.elapsed += b.elapsed
	a.cpu += b.cpu
	a.lat = append(a.lat, b.lat...)
	return a
}

func (a *loadResult) finish() {
	slices.Sort(a.lat)
	pct := func(p float64) float64 {
		if len(a.lat) == 0 {
			return 0
		}
		return float64(a.lat[int(p*float64(len(a.lat)-1))].Microseconds()) / 1000
	}
	a.RPS = float64(a.Requests) / a.elapsed.Seconds()
	if a.Requests > 0 {
		a.CPUus = float64(a.cpu.Microseconds()) / float64(a.Requests)
	}
	a.P50ms, a.P99ms = pct(0.50), pct(0.99)
}

// load sends GETs to url from n clients for d and records every latency.
func load(t *testing.T, url string, n int, d time.Duration) loadResult {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	start := time.Now()
	for range n {
		wg.Go(func() {
			var lat []time.Duration
			errs := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				resp, err := client.Get(url)
				if err != nil {
					errs++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs++
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.Requests += len(lat)
			res.Errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if res.Requests == 0 {
		t.Fatalf("%s: no successful requests", url)
	}
	return res
}

// TestLoadPipelineLatency is the pipeline's load run of `make bench`: for
// 1,000 posts created one after another over HTTP, the time from sending
// POST /api/posts to the author's counter showing the post: the outbox
// write, PutEvents, kumo's rule delivery to SQS, the poller, the worker's
// transaction. It reports p50 and p99 and asserts nothing about speed.
func TestLoadPipelineLatency(t *testing.T) {
	if os.Getenv("EVENTBOARD_LOAD") == "" {
		t.Skip("a load run; `make bench` runs it (EVENTBOARD_LOAD=1)")
	}
	const posts = 1000
	c := startStackWith(t, local.Options{Unthrottled: true, NoEdgeCache: true}) // measure the stack, not the buckets or the cache
	token := c.token("latency")
	table, _ := c.stack.Manifest().Table("CounterTable")
	counters, err := dynamo.NewCounters(emulator.DynamoDB(c.stack.AWSEndpoint()), table.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	name := counter.AuthorPosts(jwtauth.SubjectFor("latency"))
	lat := make([]time.Duration, 0, posts)
	for i := range posts {
		t0 := time.Now()
		r := c.do("POST", "/api/posts", token, jsonBody(map[string]string{"title": "latency", "content": "x"}))
		r.want(t, http.StatusCreated, "")
		for {
			v, err := counters.Value(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			if v == int64(i+1) {
				break
			}
			if time.Since(t0) > 10*time.Second {
				t.Fatalf("post %d not counted after 10 s", i)
			}
			time.Sleep(100 * time.Microsecond)
		}
		lat = append(lat, time.Since(t0))
	}
	res := loadResult{lat: lat, Requests: posts, elapsed: time.Second}
	res.finish()
	t.Logf("POST to counter-visible over %d posts: p50 %.2f ms, p99 %.2f ms", posts, res.P50ms, res.P99ms)
	if out := os.Getenv("EVENTBOARD_PIPELINE_OUT"); out != "" {
		b, _ := json.Marshal(map[string]any{"posts": posts, "p50_ms": res.P50ms, "p99_ms": res.P99ms})
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
