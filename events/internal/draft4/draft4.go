// Package draft4 converts the event schemas (JSON Schema draft 2020-12) to
// JSON Schema draft 4, the dialect the EventBridge schema registry reads
// besides OpenAPI 3. The registry then serves them as the events' code
// bindings.
//
// The conversion is exact for the keywords the schemas use and refuses any
// other, so a schema that gains a keyword draft 4 lacks (or reads
// differently) fails the build instead of being published wrong.
package draft4

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// MetaSchema is draft 4's $schema.
const MetaSchema = "http://json-schema.org/draft-04/schema#"

// same are the keywords that mean the same in draft 2020-12 and draft 4.
var same = []string{
	"additionalProperties", "description", "format", "maxLength", "minLength",
	"minimum", "maximum", "pattern", "properties", "required", "title", "type",
	"enum", "items", "maxItems", "minItems",
}

// Convert returns the draft 4 form of a draft 2020-12 schema: $schema is
// draft 4's, $id becomes id, and const becomes a one-value enum. An empty
// "required" is dropped (draft 4 wants at least one name). Any keyword
// outside that set is an error naming where it is.
func Convert(schema []byte) ([]byte, error) {
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(schema))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("draft4.Convert: %w", err)
	}
	out, err := convert(root, "#", true)
	if err != nil {
		return nil, fmt.Errorf("draft4.Convert: %w", err)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("draft4.Convert: %w", err)
	}
	return append(b, '\n'), nil
}

func convert(s map[string]any, at string, root bool) (map[string]any, error) {
	out := map[string]any{}
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s[k]
		switch {
		case k == "$schema" && root:
			out["$schema"] = MetaSchema
		case k == "$id" && root:
			out["id"] = v
		case k == "const":
			out["enum"] = []any{v}
		case k == "required":
			if names, ok := v.([]any); !ok || len(names) > 0 {
				out[k] = v
			}
		case k == "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s/properties is not an object", at)
			}
			converted := map[string]any{}
			for name, p := range props {
				ps, ok := p.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s/properties/%s is not a schema", at, name)
				}
				c, err := convert(ps, at+"/properties/"+name, false)
				if err != nil {
					return nil, err
				}
				converted[name] = c
			}
			out[k] = converted
		case k == "items" || k == "additionalProperties":
			if sub, ok := v.(map[string]any); ok {
				c, err := convert(sub, at+"/"+k, false)
				if err != nil {
					return nil, err
				}
				out[k] = c
				continue
			}
			if _, ok := v.(bool); !ok || k == "items" {
				return nil, fmt.Errorf("%s/%s: only a schema (or, for additionalProperties, a boolean) converts", at, k)
			}
			out[k] = v
		case slices.Contains(same, k):
			out[k] = v
		default:
			return nil, fmt.Errorf("%s: keyword %q has no exact draft 4 form here", at, k)
		}
	}
	return out, nil
}
