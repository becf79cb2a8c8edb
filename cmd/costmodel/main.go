// Command costmodel prices Eventboard on AWS from measured capacity units
// and durations and writes docs/cost.md; `make bench` runs it after
// measuring. See package costmodel.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/eventboard/eventboard/internal/costmodel"
	"github.com/eventboard/eventboard/internal/httpapi"
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
	out := fs.String("out", "docs/cost.md", "where to write the priced month")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := costmodel.LoadMeasurements(*in)
	if err != nil {
		return err
	}
	seed := costmodel.Seed()
	cache := costmodel.Cache{Readers: costmodel.SeedReaders(), Routes: cachedRoutes()}
	seed.Edge = costmodel.SimulateHits(seed, cache.Readers, cache.Routes, 1)
	base, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		return err
	}
	if cache.Sensitivity, err = costmodel.PriceSensitivity(seed, m, costmodel.USEast1, cache.Routes, []float64{0, 0.5, 0.8, 0.9, 0.95, 1}); err != nil {
		return err
	}
	var growth []costmodel.Estimate
	for _, k := range []float64{10, 100} {
		scaled := seed.Scaled(k)
		scaled.Edge = costmodel.SimulateHits(scaled, cache.Readers, cache.Routes, 1)
		e, err := costmodel.Price(scaled, m, costmodel.USEast1)
		if err != nil {
			return err
		}
		growth = append(growth, e)
	}
	var b bytes.Buffer
	if err := costmodel.WriteMarkdown(&b, m, costmodel.USEast1, base, growth, &cache); err != nil {
		return err
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		return err
	}
	total, parts := base.Total()
	fmt.Printf("wrote %s: API back end $%.2f a month (goal < $%d), everything $%.2f\n", *out, parts[costmodel.APIBackend], costmodel.GoalBackendUSD, total)
	return nil
}

// cachedRoutes are the public reads with the freshness their handlers
// give them: the model prices what the code does.
func cachedRoutes() []costmodel.CachedRoute {
	route := func(name string, f httpapi.Freshness) costmodel.CachedRoute {
		return costmodel.CachedRoute{Route: name, SharedTTL: f.SharedMaxAge.Seconds(), StaleWhile: f.StaleWhileRevalidate.Seconds()}
	}
	return []costmodel.CachedRoute{
		route("GET /api/posts", postapi.PageFreshness),
		route("GET /api/posts/{id}", postapi.PostFreshness),
		route("GET /api/stats", statsapi.Freshness),
	}
}
