package load_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/local/load"
)

// fakeAPI answers the mix's routes as the API does, keeping posts in
// memory, so that a tiny run checks the mix, the bookkeeping and the report.
type fakeAPI struct {
	mu    sync.Mutex
	seq   int
	posts map[string]string // id → author
	slow  time.Duration
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.slow)
	f.mu.Lock()
	defer f.mu.Unlock()
	author := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer token-")
	id := strings.TrimPrefix(r.URL.Path, "/api/posts/")
	switch {
	case r.Method == http.MethodGet:
		fmt.Fprint(w, `{}`)
	case r.Method == http.MethodPost:
		f.seq++
		id := fmt.Sprint("p", f.seq)
		f.posts[id] = author
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{"id": id, "authorId": author})
	case f.posts[id] != author:
		w.WriteHeader(http.StatusForbidden)
	case r.Method == http.MethodPut:
		fmt.Fprint(w, `{}`)
	default:
		delete(f.posts, id)
		w.WriteHeader(http.StatusNoContent)
	}
}

func TestRunSmall(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{posts: map[string]string{}}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	r, err := load.Run(context.Background(), load.Config{
		BaseURL: srv.URL,
		Writers: []load.Writer{{Sub: "alice", Token: "token-alice"}, {Sub: "bob", Token: "token-bob"}},
		ReadIDs: []string{"seeded"},
		Rates:   []int{50, 100},
		Step:    400 * time.Millisecond,
		MaxP99:  time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Whether a step kept its rate is the machine's (a busy CI runner's
	// sender falls behind), so the knee is checked against the steps as
	// they ran: in order, each but the last within bounds, the run ended
	// early only by a step that was not, and the knee the last within
	// bounds (TestStepOK holds what "within bounds" is).
	if len(r.Steps) == 0 || len(r.Steps) > 2 {
		t.Fatalf("%d steps of 2 rates", len(r.Steps))
	}
	knee := 0
	for i, s := range r.Steps {
		last := i == len(r.Steps)-1
		ok := s.OK(time.Second, 400*time.Millisecond)
		switch {
		case s.Rate != []int{50, 100}[i]:
			t.Errorf("step %d ran at %d/s", i, s.Rate)
		case !last && !ok:
			t.Errorf("the run went on after step %d/s, which was not within bounds: %+v", s.Rate, s.All)
		case last && len(r.Steps) < 2 && ok:
			t.Errorf("the run ended after step %d/s, which was within bounds", s.Rate)
		}
		if ok {
			knee = s.Rate
		}
	}
	if r.Knee != knee {
		t.Errorf("knee %d, want %d, the last step within bounds: %+v", r.Knee, knee, r.Steps)
	}
	for _, s := range r.Steps {
		if s.All.Errors != 0 {
			t.Errorf("step %d: %d errors: %v", s.Rate, s.All.Errors, s.Errors)
		}
		if reads := s.Routes[load.List].Requests + s.Routes[load.Get].Requests; reads*10 < s.All.Requests*7 {
			t.Errorf("step %d: %d reads of %d requests, want about 80%%", s.Rate, reads, s.All.Requests)
		}
	}
	// What the run says it left is what the API holds.
	left := map[string]int{}
	for _, author := range api.posts {
		left[author]++
	}
	for author, n := range r.Created {
		if got := n - r.Deleted[author]; got != left[author] {
			t.Errorf("%s: created %d, deleted %d; the API holds %d", author, n, r.Deleted[author], left[author])
		}
	}

	var table, svg bytes.Buffer
	if err := load.WriteTable(&table, r); err != nil {
		t.Fatal(err)
	}
	if err := load.WriteSVG(&svg, r); err != nil {
		t.Fatal(err)
	}
	if r.Knee > 0 && (!strings.Contains(table.String(), fmt.Sprintf("| **%d** | **all** |", r.Knee)) || !strings.Contains(svg.String(), fmt.Sprintf("knee %d req/s", r.Knee))) {
		t.Errorf("report of knee %d:\n%s\n%s", r.Knee, table.String(), svg.String())
	}
}

// A step is within bounds when it had no errors, a p99 within the bound,
// and sent at least 95% of what its rate asked for in the step's time.
func TestStepOK(t *testing.T) {
	t.Parallel()
	step := func(requests, errors int, p99 time.Duration) load.Step {
		return load.Step{Rate: 100, All: load.RouteStats{Requests: requests, Errors: errors, P99: p99}}
	}
	for _, tc := range []struct {
		name string
		step load.Step
		want bool
	}{
		{"all sent, fast", step(100, 0, 20*time.Millisecond), true},
		{"95% sent", step(95, 0, 20*time.Millisecond), true},
		{"the sender fell behind", step(94, 0, 20*time.Millisecond), false},
		{"an error", step(100, 1, 20*time.Millisecond), false},
		{"p99 over the bound", step(100, 0, 51*time.Millisecond), false},
		{"p99 at the bound", step(100, 0, 50*time.Millisecond), true},
	} {
		if got := tc.step.OK(50*time.Millisecond, time.Second); got != tc.want {
			t.Errorf("%s: OK = %t, want %t", tc.name, got, tc.want)
		}
	}
}

// A step whose p99 exceeds the bound ends the run, and the knee is the
// step before it.
func TestRunStopsAtTheBound(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&fakeAPI{posts: map[string]string{}, slow: 30 * time.Millisecond})
	t.Cleanup(srv.Close)
	r, err := load.Run(context.Background(), load.Config{
		BaseURL: srv.URL, Writers: []load.Writer{{Sub: "alice", Token: "token-alice"}}, ReadIDs: []string{"seeded"},
		Rates: []int{20, 40, 80}, Step: 300 * time.Millisecond, MaxP99: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Steps) != 1 || r.Knee != 0 {
		t.Errorf("steps %d, knee %d; want the first step only and no knee", len(r.Steps), r.Knee)
	}
}
