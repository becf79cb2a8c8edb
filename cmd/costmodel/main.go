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
	base, err := costmodel.Price(seed, m, costmodel.USEast1)
	if err != nil {
		return err
	}
	var growth []costmodel.Estimate
	for _, k := range []float64{10, 100} {
		e, err := costmodel.Price(seed.Scaled(k), m, costmodel.USEast1)
		if err != nil {
			return err
		}
		growth = append(growth, e)
	}
	var b bytes.Buffer
	if err := costmodel.WriteMarkdown(&b, m, costmodel.USEast1, base, growth); err != nil {
		return err
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		return err
	}
	total, parts := base.Total()
	fmt.Printf("wrote %s: API back end $%.2f a month (goal < $%d), everything $%.2f\n", *out, parts[costmodel.APIBackend], costmodel.GoalBackendUSD, total)
	return nil
}
