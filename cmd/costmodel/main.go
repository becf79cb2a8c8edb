// Command costmodel prices Eventboard on AWS from measured capacity units
// and durations and writes docs/cost.md; `make bench` runs it after
// measuring. What CloudFront caches, and through which origin, it reads
// from serverless.yml; how long, from the functions' own freshness. See
// package costmodel.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/eventboard/eventboard/internal/costmodel"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/postapi"
	"github.com/eventboard/eventboard/internal/statsapi"
)

func main() {
	if err := realMain(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "costmodel:", err)
		os.Exit(1)
	}
}

func realMain(args []string) error {
	fs := flag.NewFlagSet("costmodel", flag.ContinueOnError)
	in := fs.String("measurements", "docs/measurements.json", "the measured units and durations")
	config := fs.String("config", "serverless.yml", "the stack, for its cache behaviours and Origin Shield")
	out := fs.String("out", "docs/cost.md", "where to write the priced month")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := costmodel.LoadMeasurements(*in)
	if err != nil {
		return err
	}
	base, growth, cache, err := priceMonths(m, *config, 10, 100)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := costmodel.WriteMarkdown(&b, m, costmodel.USEast1, base, growth, &cache); err != nil {
		return err
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		return err
	}
	total, parts := base.Total()
	fmt.Printf("wrote %s: API back end $%.2f a month (goal ≤ $%d), everything $%.2f\n", *out, parts[costmodel.APIBackend], costmodel.GoalBackendUSD, total)
	return nil
}

// priceMonths prices the seed's month with the edge cache as the stack at
// config declares it, and the seed's traffic times each of growth.
func priceMonths(m costmodel.Measurements, config string, growth ...float64) (costmodel.Estimate, []costmodel.Estimate, costmodel.Cache, error) {
	stack, err := manifest.Load(config, manifest.Options{Stage: "prod"})
	if err != nil {
		return costmodel.Estimate{}, nil, costmodel.Cache{}, err
	}
	seed := costmodel.Seed()
	var names []string
	for _, sh := range seed.Mix {
		names = append(names, sh.Route)
	}
	edge, err := readEdge(stack, names)
	if err != nil {
		return costmodel.Estimate{}, nil, costmodel.Cache{}, err
	}
	seed.Shielded, seed.Direct, seed.ViewerFunction = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, name := range names {
		if strings.HasPrefix(name, "GET ") {
			seed.Shielded[name] = edge[name].Shielded
			seed.Direct[name] = edge[name].Direct
		}
		seed.ViewerFunction[name] = edge[name].ViewerFunction
	}
	routes := cachedRoutes(edge)
	seed, cache, err := costmodel.PriceCache(seed, m, costmodel.USEast1, costmodel.SeedReaders(), routes, 1)
	if err != nil {
		return costmodel.Estimate{}, nil, cache, err
	}
	base, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		return costmodel.Estimate{}, nil, cache, err
	}
	var grown []costmodel.Estimate
	for _, k := range growth {
		scaled := seed.Scaled(k)
		scaled.Edge = costmodel.SimulateHits(scaled, cache.Readers, routes, 1)
		e, err := costmodel.Price(scaled, m, costmodel.USEast1)
		if err != nil {
			return costmodel.Estimate{}, nil, cache, err
		}
		grown = append(grown, e)
	}
	return base, grown, cache, nil
}

// cachedRoutes are the public reads with the freshness their handlers
// give them, as the edge keeps them: no longer than their behaviour's
// cache policy allows, through Origin Shield where their origin has it.
// The model prices what the code and the template do.
func cachedRoutes(edge map[string]edgeRoute) []costmodel.CachedRoute {
	route := func(name string, f httpapi.Freshness) costmodel.CachedRoute {
		e := edge[name]
		return costmodel.CachedRoute{
			Route:      name,
			SharedTTL:  min(f.SharedMaxAge.Seconds(), e.MaxTTL),
			StaleWhile: f.StaleWhileRevalidate.Seconds(),
			Shielded:   e.Shielded,
		}
	}
	return []costmodel.CachedRoute{
		route("GET /api/posts", postapi.PageFreshness),
		route("GET /api/posts/{id}", postapi.PostFreshness),
		route("GET /api/stats", statsapi.Freshness),
	}
}
