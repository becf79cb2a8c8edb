package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/eventboard/eventboard/internal/registry"
)

// runFunctions prints each function of the registry and its main package,
// one "name package" line each, for scripts/build-functions.sh.
func runFunctions(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("functions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, e := range registry.All {
		if _, err := fmt.Fprintf(stdout, "%s %s\n", e.Name, e.Main); err != nil {
			return err
		}
	}
	return nil
}
