// Package load drives the API at fixed rates that step up, with vegeta,
// and reports each step's latency per route: what `make load` runs against
// `eventboard local` on 127.0.0.1. It is dev-only: production is measured
// by CloudWatch, not by this.
//
// The mix is 80% reads (half list, half get), 15% creates, 5% updates and
// deletes, each write as one of a set of users with a real access token.
// Updates and deletes take posts the run created, each post once, so none
// conflicts with another; the run records what it created and deleted so
// the counters can be checked against the truth afterwards.
package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Routes, as the report names them.
const (
	List   = "GET /api/posts"
	Get    = "GET /api/posts/{id}"
	Create = "POST /api/posts"
	Update = "PUT /api/posts/{id}"
	Delete = "DELETE /api/posts/{id}"
)

// Routes lists the routes in the order reports show them.
var Routes = []string{List, Get, Create, Update, Delete}

// Config is a stepped run.
type Config struct {
	BaseURL string   // http://127.0.0.1:8080
	Writers []Writer // the users who create, update and delete
	ReadIDs []string // posts to read; the run never deletes them
	Rates   []int    // requests per second of each step, increasing
	Step    time.Duration
	// MaxP99 ends the run after the first step whose p99 exceeds it.
	MaxP99 time.Duration
}

// Writer is a user with an access token.
type Writer struct {
	Sub   string // the user's Cognito sub: the authorId of their posts
	Token string
}

// RouteStats are one route's figures in one step.
type RouteStats struct {
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	P50      time.Duration `json:"p50"`
	P99      time.Duration `json:"p99"`
	Max      time.Duration `json:"max"`
}

// Step is one rate held for Config.Step.
type Step struct {
	Rate   int                   `json:"rate"`
	All    RouteStats            `json:"all"`
	Routes map[string]RouteStats `json:"routes"`
	// Errors shows a few of the step's failures.
	Errors []string `json:"errors,omitempty"`
}

// OK reports whether the step had no errors, a p99 within maxP99, and
// sent what its rate asked for in d (a client that cannot keep up sends
// fewer, which would hide the server's limit).
func (s Step) OK(maxP99, d time.Duration) bool {
	asked := float64(s.Rate) * d.Seconds()
	return s.All.Errors == 0 && s.All.P99 <= maxP99 && float64(s.All.Requests) >= 0.95*asked
}

// Report is a run.
type Report struct {
	Steps  []Step        `json:"steps"`
	MaxP99 time.Duration `json:"maxP99"`
	// Knee is the highest rate with no errors and p99 ≤ MaxP99 (0: none).
	Knee int `json:"knee"`
	// Created and Deleted count, by author id, the posts the run created
	// and deleted (answers 201 and 204).
	Created map[string]int `json:"created"`
	Deleted map[string]int `json:"deleted"`
}

// Run runs the steps in turn until one fails (errors or a p99 above
// MaxP99) or all are done.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.BaseURL == "" || len(cfg.Writers) == 0 || len(cfg.ReadIDs) == 0 || len(cfg.Rates) == 0 || cfg.Step <= 0 || cfg.MaxP99 <= 0 {
		return Report{}, errors.New("load.Run: base URL, writers, posts to read, rates, a step and a p99 bound are required")
	}
	m := &mix{cfg: cfg, owner: map[string]string{}, tokens: map[string]string{}, rng: rand.New(rand.NewPCG(1, 2))}
	for _, w := range cfg.Writers {
		m.tokens[w.Sub] = w.Token
	}
	r := Report{MaxP99: cfg.MaxP99, Created: map[string]int{}, Deleted: map[string]int{}}
	for _, rate := range cfg.Rates {
		// An attacker per step: one that has finished an attack sends no more.
		attacker := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true), vegeta.Workers(16), vegeta.MaxBody(4096))
		if err := ctx.Err(); err != nil {
			return r, err
		}
		step := Step{Rate: rate, Routes: map[string]RouteStats{}}
		latencies := map[string][]time.Duration{}
		pacer := vegeta.Rate{Freq: rate, Per: time.Second}
		for res := range attacker.Attack(m.targeter(), pacer, cfg.Step, fmt.Sprint(rate, "/s")) {
			route := routeOf(res.Method, res.URL, cfg.BaseURL)
			ok := m.settle(route, res, &r)
			latencies[route] = append(latencies[route], res.Latency)
			st := step.Routes[route]
			st.Requests++
			if !ok {
				st.Errors++
				if len(step.Errors) < 5 {
					step.Errors = append(step.Errors, fmt.Sprintf("%s: %d %s %s", route, res.Code, res.Error, bytes.TrimSpace(res.Body)))
				}
			}
			step.Routes[route] = st
		}
		var all []time.Duration
		for route, ls := range latencies {
			st := step.Routes[route]
			st.P50, st.P99, st.Max = percentiles(ls)
			step.Routes[route] = st
			step.All.Requests += st.Requests
			step.All.Errors += st.Errors
			all = append(all, ls...)
		}
		step.All.P50, step.All.P99, step.All.Max = percentiles(all)
		r.Steps = append(r.Steps, step)
		if !step.OK(cfg.MaxP99, cfg.Step) {
			break
		}
		r.Knee = rate
	}
	return r, nil
}

func percentiles(ls []time.Duration) (p50, p99, maxLatency time.Duration) {
	if len(ls) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ls)
	at := func(p int) time.Duration { return ls[(len(ls)-1)*p/100] }
	return at(50), at(99), ls[len(ls)-1]
}

// routeOf names the route of a request the mix made.
func routeOf(method, url, base string) string {
	path := strings.TrimPrefix(url, base)
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	byID := strings.HasPrefix(path, "/api/posts/")
	switch {
	case method == http.MethodGet && byID:
		return Get
	case method == http.MethodGet:
		return List
	case method == http.MethodPost:
		return Create
	case method == http.MethodPut:
		return Update
	default:
		return Delete
	}
}

// mix hands out the requests: per 20, 8 lists, 8 gets, 3 creates and one
// update or delete (alternately) of a post the run created.
type mix struct {
	cfg    Config
	mu     sync.Mutex
	n      int
	rng    *rand.Rand
	free   []string          // created, not yet updated or deleted
	owner  map[string]string // post id → its author, while it may be deleted
	tokens map[string]string // author → token
}

func (m *mix) targeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		slot := m.n % 20
		m.n++
		t.Header = http.Header{}
		switch {
		case slot < 8:
			t.Method, t.URL = http.MethodGet, m.cfg.BaseURL+"/api/posts?limit=20"
			return nil
		case slot < 16:
			t.Method, t.URL = http.MethodGet, m.cfg.BaseURL+"/api/posts/"+m.cfg.ReadIDs[m.rng.IntN(len(m.cfg.ReadIDs))]
			return nil
		case slot < 19 || len(m.free) == 0:
			t.Method, t.URL = http.MethodPost, m.cfg.BaseURL+"/api/posts"
			t.Header.Set("Authorization", "Bearer "+m.cfg.Writers[m.rng.IntN(len(m.cfg.Writers))].Token)
			t.Header.Set("Content-Type", "application/json")
			t.Body = []byte(`{"title":"Load","content":"` + strings.Repeat("Lorem ipsum dolor sit amet. ", 18) + `"}`)
			return nil
		}
		id := m.free[0]
		m.free = m.free[1:]
		t.Header.Set("Authorization", "Bearer "+m.tokens[m.owner[id]])
		t.URL = m.cfg.BaseURL + "/api/posts/" + id
		if m.n/20%2 == 0 {
			t.Method = http.MethodPut
			t.Header.Set("Content-Type", "application/json")
			t.Body = []byte(`{"title":"Load, edited","content":"Edited under load.","version":1}`)
			delete(m.owner, id) // an updated post is not deleted: no race between the two
		} else {
			t.Method = http.MethodDelete
		}
		return nil
	}
}

// settle reads a result: a created post joins the pool, a deleted one is
// counted. It reports whether the request succeeded.
func (m *mix) settle(route string, res *vegeta.Result, r *Report) bool {
	want := map[string]uint16{List: 200, Get: 200, Create: 201, Update: 200, Delete: 204}[route]
	if res.Error != "" || res.Code != want {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch route {
	case Create:
		var p struct {
			ID       string `json:"id"`
			AuthorID string `json:"authorId"`
		}
		if err := json.Unmarshal(res.Body, &p); err != nil || p.ID == "" {
			return false
		}
		r.Created[p.AuthorID]++
		m.owner[p.ID] = p.AuthorID
		m.free = append(m.free, p.ID)
	case Delete:
		id := res.URL[strings.LastIndexByte(res.URL, '/')+1:]
		if author, ok := m.owner[id]; ok {
			r.Deleted[author]++
			delete(m.owner, id)
		}
	}
	return true
}
