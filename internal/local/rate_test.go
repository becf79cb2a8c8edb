package local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/post"
)

// TestLoadReadRate is `make load-read`, not a test of speed: it reads posts
// from the local stack, served on a loopback port, at a fixed rate
// (EVENTBOARD_LOAD_RATE per second, default 1,000) for EVENTBOARD_LOAD_SECONDS
// (default 30), about one request in ten GET /api/posts?limit=20 and the
// others GET /api/posts/{id},
// whatever the answers take (an open model, as vegeta's attack). It fails on
// any 5xx or transport error, which is what a read load must never cause,
// and reports the rate reached and the latencies; with EVENTBOARD_LOAD_OUT
// set it writes them there as JSON. It runs only when EVENTBOARD_LOAD_READ is
// set.
func TestLoadReadRate(t *testing.T) {
	if os.Getenv("EVENTBOARD_LOAD_READ") == "" {
		t.Skip("a load run; `make load-read` runs it (EVENTBOARD_LOAD_READ=1)")
	}
	rate, seconds := envInt(t, "EVENTBOARD_LOAD_RATE", 1000), envInt(t, "EVENTBOARD_LOAD_SECONDS", 30)

	c := startStackWith(t, local.Options{Unthrottled: true, NoEdgeCache: true}) // measure the stack, not the buckets or the cache
	token := c.token("alice")
	var ids []string
	for i := range 50 {
		r := c.do("POST", "/api/posts", token, jsonBody(map[string]string{"title": fmt.Sprint("read load ", i), "content": "x"}))
		r.want(t, http.StatusCreated, "")
		var p post.Post
		r.decode(t, &p)
		ids = append(ids, p.ID)
	}
	// About one request in ten lists the newest page; the others read one
	// post.
	var targets []string
	for i, id := range ids {
		if i%9 == 0 {
			targets = append(targets, c.base+"/api/posts?limit=20")
		}
		targets = append(targets, c.base+"/api/posts/"+id)
	}

	res := attack(targets, rate, time.Duration(seconds)*time.Second)
	t.Logf("%d requests at %d/s for %d s: sent %.0f/s, answered %.0f/s; statuses %v; transport errors %d; p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		res.Requests, rate, seconds, res.Achieved, res.Served, res.Statuses, res.TransportErrors, res.P50ms, res.P99ms, res.MaxMs)
	if out := os.Getenv("EVENTBOARD_LOAD_OUT"); out != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for status, n := range res.Statuses {
		if code, _ := strconv.Atoi(status); code >= 500 {
			t.Errorf("%d answers %s", n, status)
		}
	}
	if res.TransportErrors > 0 {
		t.Errorf("%d requests failed in transport (first: %s)", res.TransportErrors, res.FirstError)
	}
}

type rateResult struct {
	Rate            int            `json:"rate"`
	Seconds         float64        `json:"seconds"`
	Requests        int            `json:"requests"`
	Achieved        float64        `json:"achievedPerSecond"` // requests sent per second
	Served          float64        `json:"servedPerSecond"`   // answers per second, until the last one
	Statuses        map[string]int `json:"statuses"`
	TransportErrors int            `json:"transportErrors"`
	FirstError      string         `json:"firstError,omitempty"`
	P50ms           float64        `json:"p50_ms"`
	P99ms           float64        `json:"p99_ms"`
	MaxMs           float64        `json:"max_ms"`
}

// attack sends GETs to the targets in turn at rate per second for d, each
// on its own goroutine, and waits for every answer.
func attack(targets []string, rate int, d time.Duration) rateResult {
	// At most maxConns connections, as vegeta's -connections: requests beyond them
	// wait for one (their wait counts in the latency) instead of exhausting
	// the file descriptors of the process, which the stack shares.
	const maxConns = 256
	tr := &http.Transport{MaxConnsPerHost: maxConns, MaxIdleConnsPerHost: maxConns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	var (
		mu       sync.Mutex
		lat      []time.Duration
		statuses = map[string]int{}
		errs     int
		firstErr string
		wg       sync.WaitGroup
		sent     atomic.Int64
	)
	interval := time.Second / time.Duration(rate)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	for next := start; ctx.Err() == nil; next = next.Add(interval) {
		time.Sleep(time.Until(next))
		url := targets[int(sent.Add(1)-1)%len(targets)]
		wg.Go(func() {
			t0 := time.Now()
			resp, err := client.Get(url)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			took := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if errs++; firstErr == "" {
					firstErr = err.Error()
				}
				return
			}
			statuses[strconv.Itoa(resp.StatusCode)]++
			lat = append(lat, took)
		})
	}
	elapsed := time.Since(start)
	wg.Wait()
	drained := time.Since(start)
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return ms(lat[int(p*float64(len(lat)-1))])
	}
	res := rateResult{
		Rate: rate, Seconds: d.Seconds(), Requests: int(sent.Load()), Achieved: float64(sent.Load()) / elapsed.Seconds(),
		Served: float64(len(lat)) / drained.Seconds(), Statuses: statuses, TransportErrors: errs, FirstError: firstErr, P50ms: pct(0.5), P99ms: pct(0.99),
	}
	if len(lat) > 0 {
		res.MaxMs = ms(lat[len(lat)-1])
	}
	return res
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
