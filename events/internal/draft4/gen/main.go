// Command gen writes the draft 4 forms of the event schemas for the
// EventBridge schema registry: registry/<DetailType>.v<N>.json, to read,
// and registry/content.json, each schema as one string under the key
// <DetailType>V<N>, which serverless.yml gives AWS::EventSchemas::Schema as
// its Content. Run from events/ by go generate.
package main

import (
	"fmt"
	"os"

	"github.com/eventboard/eventboard/events/internal/draft4"
)

func main() {
	if err := draft4.Generate("schemas", "registry"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
