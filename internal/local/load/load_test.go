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
	if len(r.Steps) != 2 || r.Knee != 100 {
		t.Fatalf("steps %d, knee %d; want 2 steps, knee 100: %+v", len(r.Steps), r.Knee, r.Steps)
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
	if !strings.Contains(table.String(), "| **100** | **all** |") || !strings.Contains(svg.String(), "knee 100 req/s") {
		t.Errorf("report:\n%s\n%s", table.String(), svg.String())
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
