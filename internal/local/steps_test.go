package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/counter"
	"github.com/eventboard/eventboard/internal/dynamo"
	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/jwtauth"
	loadtest "github.com/eventboard/eventboard/internal/local/load"
	"github.com/eventboard/eventboard/internal/post"
)

// TestLoadSteps is `make load`, not a test: vegeta drives eventboard local
// on 127.0.0.1 at 25 to 800 requests a second in ten steps of five seconds, until a
// step has errors or a p99 over 100 ms; then, once the pipeline has caught
// up, the counters must equal what the run created and deleted. It writes
// docs/load.md, docs/load.svg and docs/load.json into EVENTBOARD_LOAD_DOCS.
// It runs only when that is set.
func TestLoadSteps(t *testing.T) {
	docs := os.Getenv("EVENTBOARD_LOAD_DOCS")
	if docs == "" {
		t.Skip("a load run; `make load` runs it (EVENTBOARD_LOAD_DOCS=docs)")
	}
	c := startStackWith(t, local.Options{Unthrottled: true, NoEdgeCache: true}) // measure the stack, not the buckets or the cache
	const writers = 20
	var ws []loadtest.Writer
	var readIDs []string
	truth := map[string]int64{}
	for i := range writers {
		user := fmt.Sprint("writer", i)
		w := loadtest.Writer{Sub: jwtauth.SubjectFor(user), Token: c.token(user)}
		ws = append(ws, w)
		// Each writer's first post is one the run reads and never deletes.
		r := c.do("POST", "/api/posts", w.Token, jsonBody(map[string]string{"title": "seed", "content": strings.Repeat("Lorem ipsum. ", 40)}))
		r.want(t, http.StatusCreated, "")
		var p post.Post
		r.decode(t, &p)
		readIDs = append(readIDs, p.ID)
		truth[counter.AuthorPosts(w.Sub)]++
		truth[counter.Posts]++
	}

	loadBefore := loadAvg()
	start := time.Now()
	r, err := loadtest.Run(context.Background(), loadtest.Config{
		BaseURL: c.base, Writers: ws, ReadIDs: readIDs,
		Rates: []int{25, 50, 75, 100, 150, 200, 300, 400, 600, 800}, Step: 5 * time.Second, MaxP99: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Steps {
		t.Logf("%4d req/s: %5d requests, %d errors, p50 %6.1f ms, p99 %6.1f ms %v", s.Rate, s.All.Requests, s.All.Errors, float64(s.All.P50.Microseconds())/1000, float64(s.All.P99.Microseconds())/1000, s.Errors)
	}
	t.Logf("knee: %d req/s after %v", r.Knee, time.Since(start).Round(time.Second))

	// The counters, once the pipeline has drained, equal the truth.
	for author, n := range r.Created {
		truth[counter.AuthorPosts(author)] += int64(n - r.Deleted[author])
		truth[counter.Posts] += int64(n - r.Deleted[author])
	}
	table, _ := c.stack.Manifest().Table("CounterTable")
	counters, err := dynamo.NewCounters(emulator.DynamoDB(c.stack.AWSEndpoint()), table.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(truth))
	for n := range truth {
		names = append(names, n)
	}
	var got map[string]int64
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(time.Second) {
		if got, err = counters.Get(context.Background(), names...); err != nil {
			t.Fatal(err)
		}
		if cmp.Equal(truth, got) || time.Now().After(deadline) {
			break
		}
	}
	if diff := cmp.Diff(truth, got); diff != "" {
		t.Errorf("counters after the run (-truth +got):\n%s", diff)
	}

	var md, svg bytes.Buffer
	if err := loadtest.WriteTable(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := loadtest.WriteSVG(&svg, r); err != nil {
		t.Fatal(err)
	}
	knee := r.Steps[0].All
	for _, s := range r.Steps {
		if s.Rate == r.Knee {
			knee = s.All
		}
	}
	page := fmt.Sprintf(`# Load test

Written by `+"`make load`"+` on %s: vegeta (github.com/tsenart/vegeta/v12) drives
eventboard local (kumo, the API Gateway emulation, the functions through
their Lambda entry points, the event pipeline) on 127.0.0.1, in one process
with the load generator, on %d cores (load average %s before the run, %s
after: 1, 5 and 15 minutes; a figure above about 1 per core means other
work shared the machine and the knee is lower than it would be). The mix: 80%%
reads (list and get), 15%% creates, 5%% updates and deletes, writes by %d
users with access tokens from the local user pool. Each rate is held for
5 s; the run stops at the first step with an error or a p99 over 100 ms.

**Knee: %d requests/s** (the highest rate with no errors and p99 ≤ 100 ms),
p99 %.1f ms there. After the run the counters equal what it created and
deleted: %d posts created, %d deleted.

![latency by rate](load.svg)

%s`, time.Now().UTC().Format(time.DateOnly), runtime.NumCPU(), loadBefore, loadAvg(), writers, r.Knee, float64(knee.P99.Microseconds())/1000, sum(r.Created), sum(r.Deleted), md.String())
	report, _ := json.MarshalIndent(map[string]any{"date": time.Now().UTC().Format(time.DateOnly), "knee": r.Knee, "kneeP99ms": float64(knee.P99.Microseconds()) / 1000, "report": r}, "", "  ")
	for name, b := range map[string][]byte{"load.md": []byte(page), "load.svg": svg.Bytes(), "load.json": append(report, '\n')} {
		if err := os.WriteFile(filepath.Join(docs, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// loadAvg is /proc/loadavg's three load averages, or "unknown".
func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
