package events_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/eventboard/eventboard/events"
)

// asyncAPI is the part of asyncapi.yaml the contract tests read.
type asyncAPI struct {
	Channels map[string]struct {
		Address  string `yaml:"address"`
		Messages map[string]struct {
			Ref string `yaml:"$ref"`
		} `yaml:"messages"`
	} `yaml:"channels"`
	Components struct {
		Messages map[string]struct {
			Name    string `yaml:"name"`
			Payload struct {
				Schema struct {
					AllOf []struct {
						Properties struct {
							Source     struct{ Const string } `yaml:"source"`
							DetailType struct{ Const string } `yaml:"detail-type"`
							Detail     struct {
								Ref string `yaml:"$ref"`
							} `yaml:"detail"`
						} `yaml:"properties"`
					} `yaml:"allOf"`
				} `yaml:"schema"`
			} `yaml:"payload"`
			Examples []struct {
				Payload struct {
					Ref string `yaml:"$ref"`
				} `yaml:"payload"`
			} `yaml:"examples"`
		} `yaml:"messages"`
	} `yaml:"components"`
}

// message is one message of the AsyncAPI document as the tests compare it
// with the package: its channel, source, detail-type, schema and sample.
type message struct {
	Channel, Address, Source, DetailType, Schema, Sample string
}

func readAsyncAPI(t *testing.T) (asyncAPI, []byte) {
	t.Helper()
	raw, err := os.ReadFile("asyncapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc asyncAPI
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

// TestAsyncAPIMatchesTheContract fails when asyncapi.yaml and the package
// disagree: a detail-type without its channel (or the other way round), a
// channel whose message names another source, detail-type, schema or
// sample, or a schema file no message refers to.
func TestAsyncAPIMatchesTheContract(t *testing.T) {
	t.Parallel()
	doc, _ := readAsyncAPI(t)
	var got []message
	for name, ch := range doc.Channels {
		for _, ref := range ch.Messages {
			m, ok := doc.Components.Messages[strings.TrimPrefix(ref.Ref, "#/components/messages/")]
			if !ok {
				t.Errorf("channel %s: message %s is not among the components", name, ref.Ref)
				continue
			}
			msg := message{Channel: name, Address: ch.Address, DetailType: m.Name}
			for _, part := range m.Payload.Schema.AllOf {
				p := part.Properties
				msg.Source = firstOf(msg.Source, p.Source.Const)
				msg.Schema = firstOf(msg.Schema, p.Detail.Ref)
				if p.DetailType.Const != "" && p.DetailType.Const != m.Name {
					t.Errorf("message %s: detail-type const %q", m.Name, p.DetailType.Const)
				}
			}
			for _, ex := range m.Examples {
				msg.Sample = ex.Payload.Ref
			}
			got = append(got, msg)
		}
	}
	var want []message
	for _, dt := range events.DetailTypes() {
		sample, err := events.Sample(dt)
		if err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Source string `json:"source"`
		}
		if err := json.Unmarshal(sample, &ev); err != nil {
			t.Fatal(err)
		}
		want = append(want, message{
			Channel: dt, Address: ev.Source + "/" + dt, Source: ev.Source, DetailType: dt,
			Schema: "./schemas/" + dt + ".v" + events.SchemaVersion + ".json",
			Sample: "./samples/" + dt + ".json",
		})
	}
	byChannel := func(a, b message) int { return strings.Compare(a.Channel+a.Schema, b.Channel+b.Schema) }
	slices.SortFunc(got, byChannel)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("asyncapi.yaml messages (-want +got):\n%s", diff)
	}

	files, err := filepath.Glob(filepath.Join("schemas", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		ref := "./" + filepath.ToSlash(f)
		if !slices.ContainsFunc(got, func(m message) bool { return m.Schema == ref }) {
			t.Errorf("%s has no message in asyncapi.yaml", f)
		}
	}
}

// TestAsyncAPIPayloadsAcceptTheSamples compiles each message's payload
// schema, envelope and detail, from asyncapi.yaml and validates the samples
// against it; a sample changed to break the contract is refused, so the
// document's schemas are not vacuous.
func TestAsyncAPIPayloadsAcceptTheSamples(t *testing.T) {
	t.Parallel()
	doc, raw := readAsyncAPI(t)
	var tree any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	asJSON, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(asJSON))
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("asyncapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := "file://" + filepath.ToSlash(abs)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(base, parsed); err != nil {
		t.Fatal(err)
	}
	breakers := map[string]func(map[string]any){
		"another detail-type": func(ev map[string]any) { ev["detail-type"] = "PostRemoved" },
		"another source":      func(ev map[string]any) { ev["source"] = "eventboard.other" },
		"no metadata":         func(ev map[string]any) { delete(ev["detail"].(map[string]any), "metadata") },
		"no region":           func(ev map[string]any) { delete(ev, "region") },
	}
	for name := range doc.Components.Messages {
		t.Run(name, func(t *testing.T) {
			schema, err := c.Compile(base + "#/components/messages/" + name + "/payload/schema")
			if err != nil {
				t.Fatal(err)
			}
			sample, err := events.Sample(doc.Components.Messages[name].Name)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(decodeJSON(t, sample)); err != nil {
				t.Errorf("sample refused: %v", err)
			}
			for what, breakIt := range breakers {
				ev := decodeJSON(t, sample).(map[string]any)
				breakIt(ev)
				if err := schema.Validate(ev); err == nil {
					t.Errorf("a sample with %s accepted", what)
				}
			}
		})
	}
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(fmt.Errorf("sample: %w", err))
	}
	return v
}

// firstOf returns a unless it is empty, else b.
func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
