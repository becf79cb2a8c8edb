package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/costmodel"
	"github.com/eventboard/eventboard/internal/manifest"
)

const stackFile = "../../serverless.yml"

func loadStack(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load(stackFile, manifest.Options{Stage: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRealMainWritesCost(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "cost.md")
	if err := realMain([]string{"-measurements", "../../internal/costmodel/testdata/measurements.json", "-config", stackFile, "-out", out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"**API back end", "100× the seed's month", "### Origin Shield, route by route", "| hit ratio | API back end | everything |",
		"### What holds it above the floor", "### As traffic grows", "## What the stack declares",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("cost.md lacks %q:\n%s", want, b)
		}
	}
	if err := realMain([]string{"-measurements", "no-such-file.json", "-config", stackFile, "-out", out}); err == nil {
		t.Error("no measurements, no error")
	}
}

// The model prices the cache as the template declares it: which behaviour
// serves each route, its cache policy's bound, Origin Shield, and which
// reads go to their function's URL (ApiReadsRouting runs on the posts'
// behaviours, writes included).
func TestReadEdge(t *testing.T) {
	t.Parallel()
	routes := []string{"GET /api/posts", "GET /api/posts/{id}", "GET /api/stats", "GET /api/myinfo", "POST /api/posts"}
	got, err := readEdge(loadStack(t), routes)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]edgeRoute{
		"GET /api/posts":      {Behavior: "/api/posts", MaxTTL: 300, Shielded: true, ViewerFunction: true, Direct: true},
		"GET /api/posts/{id}": {Behavior: "/api/posts/*", MaxTTL: 300, ViewerFunction: true, Direct: true},
		"GET /api/stats":      {Behavior: "/api/stats", MaxTTL: 300, Shielded: true},
		"GET /api/myinfo":     {Behavior: "/api/*"},
		"POST /api/posts":     {Behavior: "/api/posts", MaxTTL: 300, Shielded: true, ViewerFunction: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A route is read through its function's URL only where the distribution
// has that URL as an origin and the route's behaviour runs a viewer-request
// function to choose it.
func TestReadEdgeFindsTheFunctionURLOrigins(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(dist map[string]any)
		want bool
	}{
		{"as serverless.yml has it", func(map[string]any) {}, true},
		{"no viewer-request function", func(dist map[string]any) {
			for _, b := range dist["CacheBehaviors"].([]any) {
				delete(b.(map[string]any), "FunctionAssociations")
			}
		}, false},
		{"no function URL origin", func(dist map[string]any) {
			var kept []any
			for _, o := range dist["Origins"].([]any) {
				if _, url := manifest.GetAtt(o.(map[string]any)["DomainName"], "FunctionUrl"); !url {
					kept = append(kept, o)
				}
			}
			dist["Origins"] = kept
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := loadStack(t)
			for _, r := range m.Resources {
				if r.Type == "AWS::CloudFront::Distribution" {
					tc.edit(r.Properties["DistributionConfig"].(map[string]any))
				}
			}
			got, err := readEdge(m, []string{"GET /api/posts/{id}"})
			if err != nil {
				t.Fatal(err)
			}
			if got["GET /api/posts/{id}"].Direct != tc.want {
				t.Errorf("Direct = %v, want %v", got["GET /api/posts/{id}"].Direct, tc.want)
			}
		})
	}
}

// No handler marks an answer fresher than its behaviour's cache policy
// keeps it: the model would price hits CloudFront never makes.
func TestFreshnessWithinTheCachePolicy(t *testing.T) {
	t.Parallel()
	routes := []string{"GET /api/posts", "GET /api/posts/{id}", "GET /api/stats"}
	edge, err := readEdge(loadStack(t), routes)
	if err != nil {
		t.Fatal(err)
	}
	unclamped := cachedRoutes(map[string]edgeRoute{
		"GET /api/posts": {MaxTTL: 1e9}, "GET /api/posts/{id}": {MaxTTL: 1e9}, "GET /api/stats": {MaxTTL: 1e9},
	})
	for _, cr := range unclamped {
		if cr.SharedTTL > edge[cr.Route].MaxTTL {
			t.Errorf("%s: s-maxage %v s, but %s's cache policy keeps at most %v s", cr.Route, cr.SharedTTL, edge[cr.Route].Behavior, edge[cr.Route].MaxTTL)
		}
	}
}

// The seed's counts of what serverless.yml declares, which the bill
// prices per item, are the file's.
func TestSeedCountsWhatServerlessYmlDeclares(t *testing.T) {
	t.Parallel()
	m := loadStack(t)
	var alarms, queryAlarms float64
	for _, r := range m.Resources {
		if r.Type != "AWS::CloudWatch::Alarm" {
			continue
		}
		if _, query := r.Properties["Metrics"]; query {
			queryAlarms++
		} else {
			alarms++
		}
	}
	custom, _ := m.Raw["custom"].(map[string]any)
	warmup, _ := custom["warmup"].(map[string]any)
	var targets, pings float64
	for _, target := range strings.Fields(fmt.Sprint(warmup["targets"])) {
		_, concurrency, _ := strings.Cut(target, ":")
		n, err := strconv.Atoi(concurrency)
		if err != nil {
			t.Fatalf("custom.warmup.targets: %q: %v", target, err)
		}
		targets++
		pings += float64(n)
	}
	acl, ok := m.Resources["ApiClientLimits"]
	if !ok {
		t.Fatal("serverless.yml has no ApiClientLimits web ACL")
	}
	rules, _ := acl.Properties["Rules"].([]any)
	seed := costmodel.Seed()
	got := []float64{seed.Alarms, seed.QueryAlarms, seed.Functions, seed.WarmTargets, seed.WarmedPerRun, seed.WAFRules}
	want := []float64{alarms, queryAlarms, float64(len(m.Functions)), targets, pings, float64(len(rules))}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Seed's alarms, query alarms, functions, warm targets, pings and web ACL rules (-serverless.yml +Seed):\n%s", diff)
	}
}

// backendBudgetUSD is what the API back end may cost at the seed's month as
// make bench prices it. The goal is costmodel.GoalBackendUSD ($12); this
// design holds $13.72 because single posts are read about twice in their
// life, so most of their reads miss any cache and pay API Gateway's fee
// (docs/cost.md, "What holds it above the floor"). The budget keeps what the
// cache won: a change that sends more reads to the origin, or makes a miss
// dearer, fails here.
const backendBudgetUSD = 14.0

func TestAPIBackendWithinBudget(t *testing.T) {
	t.Parallel()
	m, err := costmodel.LoadMeasurements("../../docs/measurements.json")
	if err != nil {
		t.Fatal(err)
	}
	base, _, cache, err := priceMonths(m, stackFile)
	if err != nil {
		t.Fatal(err)
	}
	_, parts := base.Total()
	if got := parts[costmodel.APIBackend]; got > backendBudgetUSD {
		t.Errorf("API back end $%.2f a month, budget $%.2f (goal $%d; floor $%.2f)", got, backendBudgetUSD, costmodel.GoalBackendUSD, cache.Floor)
	}
	if parts[costmodel.APIBackend] < cache.Floor {
		t.Errorf("API back end $%.2f a month, under the floor no cache lowers ($%.2f): the model bills less than the writes", parts[costmodel.APIBackend], cache.Floor)
	}
}
