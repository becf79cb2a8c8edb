package events_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/eventboard/eventboard/events"
)

// schemas caches compiled schemas by "<detail-type>.v<version>" plus
// "/strict" for the closed variant.
var schemas sync.Map

// validator returns the compiled schema of detailType at version. A strict
// validator closes every object (additionalProperties: false), so that what
// the Go code emits is held to exactly what the schema documents: nothing
// undocumented slips out, which the published open schema would let pass.
func validator(tb testing.TB, detailType, version string, strict bool) *jsonschema.Schema {
	tb.Helper()
	key := detailType + ".v" + version
	if strict {
		key += "/strict"
	}
	if s, ok := schemas.Load(key); ok {
		return s.(*jsonschema.Schema)
	}
	raw, err := events.Schema(detailType, version)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := compile(raw, strict)
	if err != nil {
		tb.Fatalf("%s: %v", key, err)
	}
	schemas.Store(key, s)
	return s
}

func compile(raw []byte, strict bool) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if strict {
		closeObjects(doc)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // draft 2020-12 only annotates formats unless told to assert them
	const url = "mem:///schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// closeObjects sets additionalProperties to false in every object schema.
func closeObjects(v any) {
	s, ok := v.(map[string]any)
	if !ok {
		return
	}
	if s["type"] == "object" {
		s["additionalProperties"] = false
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for _, p := range props {
			closeObjects(p)
		}
	}
}

// validate checks detail against the schema of detailType at version.
func validate(tb testing.TB, detailType, version string, strict bool, detail []byte) error {
	tb.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(detail))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return validator(tb, detailType, version, strict).Validate(inst)
}

// sampleEvent returns the sample of detailType, parsed.
func sampleEvent(tb testing.TB, detailType string) events.EventBridgeEvent {
	tb.Helper()
	body, err := events.Sample(detailType)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := events.ParseEventBridgeEvent(body)
	if err != nil {
		tb.Fatalf("sample %s: %v", detailType, err)
	}
	return e
}

// jsonValue decodes b for comparisons that ignore formatting and key order.
func jsonValue(tb testing.TB, b []byte) any {
	tb.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatalf("%v in %s", err, b)
	}
	return v
}

// Values the tests build events from.
const (
	eventID  = "019cebab-88e9-73b7-a9e1-f2a4c6e8091a" // a UUIDv7
	postID   = "019cebab-88da-7c1a-9e2b-4d07f3a6581c" // a UUIDv7
	authorID = "8f14e45f-ceea-467f-a0e6-2d4b8c9a1f37" // a UUIDv4, as Cognito's subs are
)

var created = time.Date(2026, 3, 14, 9, 26, 53, 402_000_000, time.UTC)

func meta(producer string) events.Metadata {
	return events.Metadata{
		EventID:       eventID,
		SchemaVersion: events.SchemaVersion,
		OccurredAt:    created,
		CorrelationID: "Jk3sWgB7IAMEPxw=",
		Producer:      producer,
	}
}
