// Package eventstest lets producers' tests check what they emit against the
// published JSON Schemas of the event contract, with the schema library
// subscribers are likely to use, not the Go types that produced the events.
package eventstest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/eventboard/eventboard/events"
)

var schemas sync.Map // detailType → *jsonschema.Schema

// Validate fails tb unless detail is valid against the version 1 schema of
// its detail type.
func Validate(tb testing.TB, detailType string, detail []byte) {
	tb.Helper()
	s, err := schema(detailType)
	if err != nil {
		tb.Fatalf("schema of %s: %v", detailType, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(detail))
	if err != nil {
		tb.Fatalf("%s detail is not JSON: %v", detailType, err)
	}
	if err := s.Validate(doc); err != nil {
		tb.Errorf("%s detail breaks its schema: %v\n%s", detailType, err, detail)
	}
}

func schema(detailType string) (*jsonschema.Schema, error) {
	if s, ok := schemas.Load(detailType); ok {
		return s.(*jsonschema.Schema), nil
	}
	raw, err := events.Schema(detailType, events.SchemaVersion)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := fmt.Sprintf("mem:///%s.json", detailType)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, err
	}
	schemas.Store(detailType, s)
	return s, nil
}
