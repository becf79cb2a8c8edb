package draft4_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/eventboard/eventboard/events/internal/draft4"
)

const (
	schemaDir   = "../../schemas"
	sampleDir   = "../../samples"
	registryDir = "../../registry"
)

func TestConvert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want, err string
	}{
		{
			name: "dialect and id",
			in:   `{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:x","type":"object"}`,
			want: `{"$schema":"http://json-schema.org/draft-04/schema#","id":"urn:x","type":"object"}`,
		},
		{
			name: "const is a one-value enum, at any depth",
			in:   `{"type":"object","properties":{"v":{"type":"string","const":"1"}},"required":["v"]}`,
			want: `{"type":"object","properties":{"v":{"type":"string","enum":["1"]}},"required":["v"]}`,
		},
		{
			name: "an empty required is dropped",
			in:   `{"type":"object","required":[],"additionalProperties":false}`,
			want: `{"type":"object","additionalProperties":false}`,
		},
		{
			name: "numbers keep their form",
			in:   `{"type":"integer","minimum":1,"maximum":9007199254740993}`,
			want: `{"type":"integer","minimum":1,"maximum":9007199254740993}`,
		},
		{name: "exclusiveMinimum reads differently", in: `{"type":"number","exclusiveMinimum":0}`, err: `keyword "exclusiveMinimum"`},
		{name: "a $ref is not followed", in: `{"properties":{"a":{"$ref":"#/$defs/a"}}}`, err: `#/properties/a: keyword "$ref"`},
		{name: "oneOf is not converted", in: `{"oneOf":[{"type":"string"}]}`, err: `keyword "oneOf"`},
		{name: "not JSON", in: `{`, err: "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := draft4.Convert([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one about %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotV, wantV any
			if err := json.Unmarshal(got, &gotV); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &wantV); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantV, gotV); diff != "" {
				t.Errorf("converted (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRegistryFilesAreGenerated fails when events/registry/ is not what
// go generate makes of events/schemas/ now.
func TestRegistryFilesAreGenerated(t *testing.T) {
	t.Parallel()
	want, err := draft4.Files(schemaDir)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(registryDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got[filepath.Base(p)] = string(b)
	}
	wantS := map[string]string{}
	for k, v := range want {
		wantS[k] = string(v)
	}
	if diff := cmp.Diff(wantS, got); diff != "" {
		t.Errorf("events/registry is stale; run go generate ./events (-want +got):\n%s", diff)
	}
}

// TestConversionAcceptsWhatTheSourceAccepts validates, for every schema,
// its sample's detail and many broken variants of it against the source
// schema (draft 2020-12) and its draft 4 form: each is accepted by both or
// refused by both.
func TestConversionAcceptsWhatTheSourceAccepts(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join(schemaDir, "*.v*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no schemas in %s: %v", schemaDir, err)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			converted, err := draft4.Convert(src)
			if err != nil {
				t.Fatal(err)
			}
			source, target := compile(t, src, jsonschema.Draft2020), compile(t, converted, jsonschema.Draft4)
			detail := sampleDetail(t, strings.SplitN(name, ".", 2)[0])
			var accepted, refused int
			for _, v := range variants(detail) {
				srcErr, dstErr := source.Validate(v.value), target.Validate(v.value)
				if (srcErr == nil) != (dstErr == nil) {
					t.Errorf("%s: the source says %v, the draft 4 form %v", v.name, srcErr, dstErr)
				}
				if srcErr == nil {
					accepted++
				} else {
					refused++
				}
			}
			if accepted == 0 || refused < 10 {
				t.Errorf("accepted %d, refused %d variants: the comparison proves little", accepted, refused)
			}
		})
	}
}

func compile(t *testing.T, schema []byte, draft *jsonschema.Draft) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(draft)
	c.AssertFormat()
	if err := c.AddResource("mem:///schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem:///schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sampleDetail(t *testing.T, detailType string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir, detailType+".json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)["detail"].(map[string]any)
}

type variant struct {
	name  string
	value any
}

// variants returns the detail itself, and for every property at every
// depth the detail with that property removed or replaced by a value of
// another type, an empty or overlong string, zero, a negative number, a
// wrong-case id, a time without fractions, or null.
func variants(detail map[string]any) []variant {
	out := []variant{{"the sample", detail}, {"an extra property", with(detail, nil, "extra", "x")}}
	replacements := []any{
		nil, json.Number("0"), json.Number("-1"), json.Number("1.5"), "", strings.Repeat("x", 201),
		"019CEBAB-88DA-7C1A-9E2B-4D07F3A6581C", "2026-03-14T09:26:53Z", "2", true, []any{}, map[string]any{},
	}
	var walk func(obj map[string]any, at []string)
	walk = func(obj map[string]any, at []string) {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			path := strings.Join(append(at, k), ".")
			out = append(out, variant{"without " + path, without(detail, at, k)})
			for _, r := range replacements {
				out = append(out, variant{path + " = " + toJSON(r), with(detail, at, k, r)})
			}
			if sub, ok := obj[k].(map[string]any); ok {
				walk(sub, append(at, k))
			}
		}
	}
	walk(detail, nil)
	return out
}

// with returns a deep copy of v with the property key of the object at
// path set to value.
func with(v map[string]any, path []string, key string, value any) map[string]any {
	c := deepCopy(v).(map[string]any)
	obj := c
	for _, p := range path {
		obj = obj[p].(map[string]any)
	}
	obj[key] = value
	return c
}

func without(v map[string]any, path []string, key string) map[string]any {
	c := deepCopy(v).(map[string]any)
	obj := c
	for _, p := range path {
		obj = obj[p].(map[string]any)
	}
	delete(obj, key)
	return c
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, x := range v {
			c[k] = deepCopy(x)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = deepCopy(x)
		}
		return c
	default:
		return v
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 24 {
		return string(b[:21]) + "…"
	}
	return string(b)
}
