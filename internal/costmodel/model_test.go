package costmodel_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/costmodel"
)

func load(t *testing.T, path string) costmodel.Measurements {
	t.Helper()
	m, err := costmodel.LoadMeasurements(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func line(t *testing.T, e costmodel.Estimate, service, item string) costmodel.Line {
	t.Helper()
	for _, l := range e.Lines {
		if l.Service == service && l.Item == item {
			return l
		}
	}
	t.Fatalf("no line %s / %s", service, item)
	return costmodel.Line{}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }

func TestPrice(t *testing.T) {
	t.Parallel()
	m := load(t, "testdata/measurements.json")
	seed := costmodel.Seed()
	e, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	// 6.3 M API requests and 24 auth requests from each of 10,000 users,
	// at $1.00 a million.
	if l := line(t, e, "API Gateway (HTTP API)", "requests"); !near(l.Quantity, 6.54e6) || !near(l.USD, 6.54) {
		t.Errorf("HTTP API: %+v", l)
	}
	// The API's writes: each write route's measured units and its index
	// writes, by its share.
	var writes float64
	for _, sh := range seed.Mix {
		w := m.Routes[sh.Route].WriteUnits
		if sh.Emits != "" {
			w += seed.IndexWritesPerWrite
		}
		writes += seed.Requests * sh.Fraction * w
	}
	if l := line(t, e, "DynamoDB (on-demand)", "API write request units"); !near(l.Quantity, writes) || !near(l.USD, writes/1e6*0.625) {
		t.Errorf("API writes: %+v, want %v units", l, writes)
	}
	if l := line(t, e, "Cognito (Lite)", "monthly active users"); l.USD != 0 {
		t.Errorf("10,000 MAU are free, priced %v", l.USD)
	}
	total, parts := e.Total()
	sum := 0.0
	for _, p := range parts {
		sum += p
	}
	if !near(sum, total) {
		t.Errorf("parts sum to %v, total %v", sum, total)
	}

	// At 10×, what requests drive grows 10×; the schedules do not.
	e10, err := costmodel.Price(seed.Scaled(10), m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := line(t, e, "API Gateway (HTTP API)", "requests"), line(t, e10, "API Gateway (HTTP API)", "requests"); !near(b.USD, 10*a.USD) {
		t.Errorf("HTTP API at 10×: %v, want %v", b.USD, 10*a.USD)
	}
	if a, b := line(t, e, "EventBridge Scheduler", "sweeper and warmer"), line(t, e10, "EventBridge Scheduler", "sweeper and warmer"); a.USD != b.USD {
		t.Errorf("schedules at 10×: %v, want %v", b.USD, a.USD)
	}
	if l := line(t, e10, "Cognito (Lite)", "monthly active users"); !near(l.USD, 90000*0.0055) {
		t.Errorf("100,000 MAU priced %v", l.USD)
	}

	// Every event published is archived (1 KB each) and kept three months.
	archived := (seed.Requests*(0.15+0.03+0.02) + seed.NewUsers) * 1e3 / 1e9
	if l := line(t, e, "EventBridge", "archive (processed, then kept 3 months)"); !near(l.USD, archived*(0.10+3*0.023)) {
		t.Errorf("archive: %+v, want $%v", l, archived*(0.10+3*0.023))
	}

	// Every function's two EMF metrics and the warmer's three per target,
	// and the sweeper's backlog; each Metrics Insights alarm reads one
	// metric of every function.
	if l := line(t, e, "CloudWatch", "custom metrics (the functions' embedded metric format)"); !near(l.Quantity, 2*19+3*7+1) || !near(l.USD, l.Quantity*0.30) {
		t.Errorf("custom metrics: %+v", l)
	}
	if l := line(t, e, "CloudWatch", "Metrics Insights alarms (a metric of every function each)"); !near(l.Quantity, 2*19) {
		t.Errorf("Metrics Insights alarms: %+v", l)
	}
	// SiteRouting runs on each of the SPA's requests, not the API's.
	if l := line(t, e, "CloudFront", "function invocations (the SPA's routing)"); !near(l.Quantity, seed.PageViews*(1+seed.AssetRequests)) {
		t.Errorf("CloudFront Functions: %+v", l)
	}

	delete(m.Routes, "GET /api/stats")
	if _, err := costmodel.Price(seed, m, costmodel.USEast1); err == nil {
		t.Error("priced a route that was not measured")
	}
}

func TestWriteMarkdown(t *testing.T) {
	t.Parallel()
	m := load(t, "testdata/measurements.json")
	e, err := costmodel.Price(costmodel.Seed(), m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := costmodel.WriteMarkdown(&b, m, costmodel.USEast1, e, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		costmodel.USEast1.Date, "| GET /api/posts | 40% |", "### DynamoDB (on-demand)", "the seed's API back end, for the same traffic | 78 |", "## Growth", "## What the stack declares", "| AWS::WAFv2::WebACL |",
		"## Prices", "| DynamoDB | a million write request units, on-demand | 0.625 |", "| Cognito (Lite) | a monthly active user, 100,001 to 1,000,000 | 0.0046 |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("cost.md lacks %q", want)
		}
	}
}

func TestTiered(t *testing.T) {
	t.Parallel()
	tiers := []costmodel.Tier{{UpTo: 10, Rate: 0}, {UpTo: 100, Rate: 1}, {Rate: 0.5}}
	tests := []struct {
		name string
		n    float64
		want float64
	}{
		{"none", 0, 0},
		{"inside the free band", 5, 0},
		{"at the free band's end", 10, 0},
		{"inside the second band", 50, 40},
		{"at the second band's end", 100, 90},
		{"past the last bound", 300, 190},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, costmodel.Tiered(tiers, tt.n), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("Tiered(%v) (-want +got):\n%s", tt.n, diff)
			}
		})
	}
}

// The Lite plan's rate falls past 100,000 monthly active users; a flat
// $0.0055 priced the 100× month's million users $810 too high.
func TestCognitoLiteBandsPastAHundredThousand(t *testing.T) {
	t.Parallel()
	e, err := costmodel.Price(costmodel.Seed().Scaled(100), load(t, "testdata/measurements.json"), costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	want := 90_000*0.0055 + 900_000*0.0046
	if l := line(t, e, "Cognito (Lite)", "monthly active users"); !near(l.USD, want) {
		t.Errorf("1,000,000 MAU priced $%v, want $%v", l.USD, want)
	}
}

// The edge's hits cost CloudFront and WAF only: API Gateway, Lambda and
// DynamoDB bill the misses.
func TestEdgeHitsBillOnlyTheMisses(t *testing.T) {
	t.Parallel()
	m := load(t, "testdata/measurements.json")
	seed := costmodel.Seed()
	cold, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	seed.Edge = map[string]costmodel.Hits{"GET /api/posts": {Regional: 0.9, Edge: 0.9}, "GET /api/stats": {Regional: 1, Edge: 1}}
	warm, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	saved := seed.Requests * (0.40*0.9 + 0.03)
	if a, b := line(t, cold, "API Gateway (HTTP API)", "requests"), line(t, warm, "API Gateway (HTTP API)", "requests"); !near(a.Quantity-b.Quantity, saved) {
		t.Errorf("HTTP API requests %v → %v, want %v fewer", a.Quantity, b.Quantity, saved)
	}
	reads := seed.Requests * (0.40*0.9*m.Routes["GET /api/posts"].ReadUnits + 0.03*m.Routes["GET /api/stats"].ReadUnits)
	if a, b := line(t, cold, "DynamoDB (on-demand)", "API read request units"), line(t, warm, "DynamoDB (on-demand)", "API read request units"); !near(a.Quantity-b.Quantity, reads) {
		t.Errorf("read units %v → %v, want %v fewer", a.Quantity, b.Quantity, reads)
	}
	if a, b := line(t, cold, "CloudFront", "HTTPS requests"), line(t, warm, "CloudFront", "HTTPS requests"); a.Quantity != b.Quantity {
		t.Errorf("CloudFront requests %v → %v: every viewer request is billed, hit or miss", a.Quantity, b.Quantity)
	}
}

func TestSimulateHits(t *testing.T) {
	t.Parallel()
	readers := costmodel.SeedReaders()
	readers.Days = 1
	hits := func(ttl, stale float64, shielded bool) map[string]costmodel.Hits {
		return costmodel.SimulateHits(costmodel.Seed(), readers, []costmodel.CachedRoute{
			{Route: "GET /api/posts", SharedTTL: ttl, StaleWhile: stale, Shielded: shielded},
			{Route: "GET /api/posts/{id}", SharedTTL: ttl, StaleWhile: stale, Shielded: shielded},
			{Route: "GET /api/stats", SharedTTL: ttl, StaleWhile: stale, Shielded: shielded},
		}, 7)
	}
	none, short, long := hits(0, 0, false), hits(10, 0, false), hits(300, 0, false)
	for route, h := range none {
		if h.Edge != 0 || h.Regional != 0 {
			t.Errorf("%s: %+v hits with no TTL", route, h)
		}
		if !(short[route].Edge < long[route].Edge && long[route].Edge < 1) {
			t.Errorf("%s: %v hits at 10 s, %v at 300 s; want more with the longer TTL, and misses left", route, short[route].Edge, long[route].Edge)
		}
		if short[route].Regional != short[route].Edge {
			t.Errorf("%s: without a shield the edge's hits are the regional caches': %+v", route, short[route])
		}
	}
	// A stale hit's background fetch still reaches the origin: the bill
	// follows the fresh time alone.
	if a, b := hits(10, 0, false), hits(10, 50, false); math.Abs(a["GET /api/stats"].Edge-b["GET /api/stats"].Edge) > 1e-9 {
		t.Errorf("stale-while-revalidate changed the origin's share: %v → %v", a["GET /api/stats"], b["GET /api/stats"])
	}
	// Behind the shield, what one region fetched another finds: more of
	// the reads are answered without the origin, never fewer.
	unshielded, shielded := hits(10, 0, false), hits(10, 0, true)
	for route, h := range shielded {
		if !(h.Edge > unshielded[route].Edge && h.Regional <= h.Edge) {
			t.Errorf("%s: %+v with the shield, %+v without; want more answered at the edge, and the regional caches' share within it", route, h, unshielded[route])
		}
	}
}

// A route's ratios come from its own random stream: simulating it with
// other routes, or alone, gives the same figures.
func TestSimulateHitsRoutesAreIndependent(t *testing.T) {
	t.Parallel()
	readers := costmodel.SeedReaders()
	readers.Days = 1
	post := costmodel.CachedRoute{Route: "GET /api/posts/{id}", SharedTTL: 60}
	alone := costmodel.SimulateHits(costmodel.Seed(), readers, []costmodel.CachedRoute{post}, 3)
	after := costmodel.SimulateHits(costmodel.Seed(), readers, []costmodel.CachedRoute{{Route: "GET /api/posts", SharedTTL: 20}, post}, 3)
	if alone[post.Route] != after[post.Route] {
		t.Errorf("GET /api/posts/{id} alone %+v, after the list %+v", alone[post.Route], after[post.Route])
	}
}

// Origin Shield bills each GET of a shielded route that the regional
// caches do not answer; the writes go past it, and an unshielded route's
// requests never reach it.
func TestOriginShieldBillsTheRegionalMisses(t *testing.T) {
	t.Parallel()
	m := load(t, "testdata/measurements.json")
	seed := costmodel.Seed()
	seed.Edge = map[string]costmodel.Hits{
		"GET /api/posts":      {Regional: 0.6, Edge: 0.85},
		"GET /api/posts/{id}": {Regional: 0.1, Edge: 0.1},
	}
	seed.Shielded = map[string]bool{"GET /api/posts": true, "POST /api/posts": true}
	e, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	want := seed.Requests * 0.40 * (1 - 0.6)
	l := line(t, e, "CloudFront", "Origin Shield requests (the API's reads past the regional caches)")
	if !near(l.Quantity, want) || !near(l.USD, want/1e4*0.0075) || l.Part != costmodel.APIBackend {
		t.Errorf("Origin Shield: %+v, want %v requests at $0.0075 per 10,000, in the API back end", l, want)
	}
	// API Gateway serves what neither the regional caches nor the shield
	// answered.
	origin := seed.Requests*(0.40*0.15+0.34*0.9+0.03+0.03+0.15+0.03+0.02) + seed.MAU*seed.AuthRequestsPerMAU
	if l := line(t, e, "API Gateway (HTTP API)", "requests"); !near(l.Quantity, origin) {
		t.Errorf("HTTP API requests %v, want %v", l.Quantity, origin)
	}
}

// A read sent to its function's URL skips API Gateway, its request and
// its access log line, and costs the function's invocation and reads as
// before; the viewer-request function that sends it there bills every
// request of its routes, writes included, to the API back end.
func TestDirectReadsSkipAPIGateway(t *testing.T) {
	t.Parallel()
	m := load(t, "testdata/measurements.json")
	seed := costmodel.Seed()
	seed.Edge = map[string]costmodel.Hits{"GET /api/posts/{id}": {Regional: 0.1, Edge: 0.1}}
	via, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	seed.Direct = map[string]bool{"GET /api/posts/{id}": true, "POST /api/posts": true}
	seed.ViewerFunction = map[string]bool{"GET /api/posts/{id}": true, "POST /api/posts": true}
	direct, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	// Only the GET goes direct: CloudFront sends writes to API Gateway.
	skipped := seed.Requests * 0.34 * 0.9
	if a, b := line(t, via, "API Gateway (HTTP API)", "requests"), line(t, direct, "API Gateway (HTTP API)", "requests"); !near(a.Quantity-b.Quantity, skipped) {
		t.Errorf("HTTP API requests %v → %v, want %v fewer", a.Quantity, b.Quantity, skipped)
	}
	if a, b := line(t, via, "CloudWatch Logs", "HTTP API access logs"), line(t, direct, "CloudWatch Logs", "HTTP API access logs"); !(b.Quantity < a.Quantity) {
		t.Errorf("access logs %v → %v, want fewer", a.Quantity, b.Quantity)
	}
	for _, item := range []string{"API requests", "API duration at 256 MB"} {
		if a, b := line(t, via, "Lambda (arm64)", item), line(t, direct, "Lambda (arm64)", item); !near(a.Quantity, b.Quantity) {
			t.Errorf("Lambda %s %v → %v, want the same", item, a.Quantity, b.Quantity)
		}
	}
	if a, b := line(t, via, "DynamoDB (on-demand)", "API read request units"), line(t, direct, "DynamoDB (on-demand)", "API read request units"); !near(a.Quantity, b.Quantity) {
		t.Errorf("read units %v → %v, want the same", a.Quantity, b.Quantity)
	}
	routed := seed.Requests * (0.34 + 0.15)
	l := line(t, direct, "CloudFront", "function invocations (the API reads' routing)")
	if !near(l.Quantity, routed) || !near(l.USD, routed/1e6*0.10) || l.Part != costmodel.APIBackend {
		t.Errorf("routing function: %+v, want %v invocations at $0.10 a million, in the API back end", l, routed)
	}
	for _, l := range via.Lines {
		if l.Item == "function invocations (the API reads' routing)" {
			t.Errorf("a stack without the routing function is billed for it: %+v", l)
		}
	}
}

// The cache's report adds up: the floor and what each route adds above it
// make the priced month; no cache does better than the bound, nor worse
// than the month priced.
func TestPriceCache(t *testing.T) {
	t.Parallel()
	m := load(t, "testdata/measurements.json")
	readers := costmodel.SeedReaders()
	readers.Days = 1
	seed := costmodel.Seed()
	seed.Shielded = map[string]bool{"GET /api/posts": true, "GET /api/stats": true}
	routes := []costmodel.CachedRoute{
		{Route: "GET /api/posts", SharedTTL: 20, StaleWhile: 10, Shielded: true},
		{Route: "GET /api/posts/{id}", SharedTTL: 240, StaleWhile: 60},
		{Route: "GET /api/stats", SharedTTL: 240, StaleWhile: 60, Shielded: true},
	}
	priced, c, err := costmodel.PriceCache(seed, m, costmodel.USEast1, readers, routes, 5)
	if err != nil {
		t.Fatal(err)
	}
	e, err := costmodel.Price(priced, m, costmodel.USEast1)
	if err != nil {
		t.Fatal(err)
	}
	_, parts := e.Total()
	backend := parts[costmodel.APIBackend]
	above := c.Floor
	for _, a := range c.Above {
		above += a.Origin + a.Shield
	}
	if !near(above, backend) {
		t.Errorf("floor $%v and what the routes add, $%v, make $%v; the month is $%v", c.Floor, above-c.Floor, above, backend)
	}
	if !(c.Floor < c.Bound && c.Bound < backend) {
		t.Errorf("floor $%v, bound $%v, month $%v: want them in that order", c.Floor, c.Bound, backend)
	}
	if !near(c.ReadsPerPost, 0.34/0.15) {
		t.Errorf("reads per post %v, want %v", c.ReadsPerPost, 0.34/0.15)
	}
	for _, cr := range routes {
		ch, ok := c.Shield[cr.Route]
		if want := map[bool]float64{true: ch.With, false: ch.Without}[cr.Shielded]; !ok || !near(want, backend) {
			t.Errorf("%s: %+v; the side the stack chose should be the month priced, $%v", cr.Route, ch, backend)
		}
	}
	for _, cr := range routes {
		ch := c.Shield[cr.Route]
		if want := map[bool]costmodel.Hits{true: ch.HitsWith, false: ch.HitsWithout}[cr.Shielded]; want != priced.Edge[cr.Route] {
			t.Errorf("%s: %+v, but the month is priced with %+v", cr.Route, ch, priced.Edge[cr.Route])
		}
		if ch.HitsWithout.Edge >= ch.HitsWith.Edge {
			t.Errorf("%s without the shield %+v, with it %+v: want fewer answered at the edge without", cr.Route, ch.HitsWithout, ch.HitsWith)
		}
	}
	var b bytes.Buffer
	if err := costmodel.WriteMarkdown(&b, m, costmodel.USEast1, e, nil, &c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### Origin Shield, route by route", "### What holds it above the floor", "| hit ratio | API back end | everything |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("cost.md lacks %q", want)
		}
	}
}
