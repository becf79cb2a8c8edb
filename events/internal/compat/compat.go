// Package compat decides whether a revision of a published event schema
// still serves everyone who relies on the published one.
//
// Within a schema version, events of every revision coexist: in queues, in
// the bus archive (and so in replays), and in subscribers built against any
// revision. So a revision must accept every event the published schema
// accepts, and must promise everything it promised. The only change that
// keeps both is additive: a new optional property where the published
// schema leaves the object open. Everything else is breaking:
//
//   - a property removed (or renamed, which is a removal plus an addition);
//   - a property that becomes required, or stops being required;
//   - a changed type, format, const or pattern;
//   - an enum that loses a value (old events no longer valid) or gains one
//     (subscribers meet a value they were never told of);
//   - a length or numeric bound that moves either way (narrowed: old events
//     no longer valid; widened: subscribers sized for the old bound);
//   - an object that stops or starts allowing additional properties, or a
//     property added to an object the published schema closed (the event
//     schemas leave every object open, so that they can grow);
//   - a changed $schema (dialect) or $id.
//
// Annotations (title, description, $comment, examples) may change freely.
//
// Check understands the subset of JSON Schema the event schemas use and
// refuses any other keyword, rather than pass a change it cannot judge.
package compat

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Problem is one breaking change.
type Problem struct {
	Path    string // JSON Pointer to the subschema in the published schema
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// keywords the checker understands; annotation keywords may change freely.
var (
	annotations = []string{"title", "description", "$comment", "examples"}
	// frozen keywords must keep their value exactly.
	frozen     = []string{"$schema", "$id", "type", "format", "const", "pattern"}
	lowerBound = []string{"minLength", "minimum"}
	upperBound = []string{"maxLength", "maximum"}
)

// Check compares the current revision of a schema with the published one
// and returns every breaking change, in a stable order; none means current
// may replace published. It returns an error when either document is not
// JSON or uses a keyword outside the subset Check understands.
func Check(published, current []byte) ([]Problem, error) {
	var pub, cur any
	if err := json.Unmarshal(published, &pub); err != nil {
		return nil, fmt.Errorf("compat.Check: published schema: %w", err)
	}
	if err := json.Unmarshal(current, &cur); err != nil {
		return nil, fmt.Errorf("compat.Check: current schema: %w", err)
	}
	if err := supported("", pub); err != nil {
		return nil, fmt.Errorf("compat.Check: published schema: %w", err)
	}
	if err := supported("", cur); err != nil {
		return nil, fmt.Errorf("compat.Check: current schema: %w", err)
	}
	var c checker
	c.compare("", pub.(map[string]any), cur.(map[string]any))
	return c.problems, nil
}

// supported returns an error for the first thing outside the subset.
func supported(path string, v any) error {
	s, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: a schema must be a JSON object here", pointer(path))
	}
	for _, k := range sortedKeys(s) {
		switch {
		case slices.Contains(annotations, k), slices.Contains(frozen, k),
			slices.Contains(lowerBound, k), slices.Contains(upperBound, k), k == "enum":
		case k == "required":
			if _, ok := stringList(s[k]); !ok {
				return fmt.Errorf("%s: required must be an array of strings", pointer(path+"/required"))
			}
		case k == "additionalProperties":
			if _, ok := s[k].(bool); !ok {
				return fmt.Errorf("%s: only true or false is supported", pointer(path+"/additionalProperties"))
			}
		case k == "properties":
			props, ok := s[k].(map[string]any)
			if !ok {
				return fmt.Errorf("%s: properties must be an object", pointer(path+"/properties"))
			}
			for _, name := range sortedKeys(props) {
				if err := supported(path+"/properties/"+escape(name), props[name]); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("%s: keyword %q is not supported by the compatibility check", pointer(path), k)
		}
	}
	return nil
}

type checker struct{ problems []Problem }

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{pointer(path), fmt.Sprintf(format, args...)})
}

func (c *checker) compare(path string, pub, cur map[string]any) {
	for _, k := range frozen {
		if p, q := pub[k], cur[k]; !reflect.DeepEqual(p, q) {
			c.add(path, "%s changed from %s to %s", k, show(p), show(q))
		}
	}
	for _, k := range lowerBound {
		c.bound(path, k, pub[k], cur[k], true)
	}
	for _, k := range upperBound {
		c.bound(path, k, pub[k], cur[k], false)
	}
	c.enum(path, pub["enum"], cur["enum"])
	c.object(path, pub, cur)
}

// bound reports a moved bound; lower tells a lower bound from an upper one.
func (c *checker) bound(path, k string, p, q any, lower bool) {
	if reflect.DeepEqual(p, q) {
		return
	}
	pn, pok := p.(float64)
	qn, qok := q.(float64)
	narrowed := !pok || (qok && (lower && qn > pn || !lower && qn < pn))
	how := "widened: subscribers may rely on the published bound"
	if narrowed {
		how = "narrowed: events valid under the published schema would be rejected"
	}
	c.add(path, "%s changed from %s to %s (%s)", k, show(p), show(q), how)
}

func (c *checker) enum(path string, p, q any) {
	if reflect.DeepEqual(p, q) {
		return
	}
	pv, _ := p.([]any)
	qv, _ := q.([]any)
	switch {
	case p == nil:
		c.add(path, "enum added: values the published schema allowed would be rejected")
		return
	case q == nil:
		c.add(path, "enum removed: subscribers may meet values they were never told of")
		return
	}
	for _, v := range pv {
		if !slices.ContainsFunc(qv, func(w any) bool { return reflect.DeepEqual(v, w) }) {
			c.add(path, "enum narrowed: %s is no longer allowed", show(v))
		}
	}
	for _, v := range qv {
		if !slices.ContainsFunc(pv, func(w any) bool { return reflect.DeepEqual(v, w) }) {
			c.add(path, "enum widened: %s is new to subscribers", show(v))
		}
	}
}

func (c *checker) object(path string, pub, cur map[string]any) {
	pubOpen := pub["additionalProperties"] != false // absent means true
	curOpen := cur["additionalProperties"] != false
	switch {
	case pubOpen && !curOpen:
		c.add(path, "additional properties are now forbidden: events with properties added within the version would be rejected")
	case !pubOpen && curOpen:
		c.add(path, "additional properties are now allowed: subscribers of the published schema reject properties it does not list")
	}

	pubReq, _ := stringList(pub["required"])
	curReq, _ := stringList(cur["required"])
	for _, name := range curReq {
		if !slices.Contains(pubReq, name) {
			c.add(path, "property %q became required: events without it (older ones, replays) would be rejected", name)
		}
	}
	for _, name := range pubReq {
		if !slices.Contains(curReq, name) {
			c.add(path, "property %q is no longer required: subscribers rely on it being present", name)
		}
	}

	pubProps, _ := pub["properties"].(map[string]any)
	curProps, _ := cur["properties"].(map[string]any)
	for _, name := range sortedKeys(pubProps) {
		sub := path + "/properties/" + escape(name)
		q, ok := curProps[name]
		if !ok {
			c.add(sub, "property %q removed (a rename is a removal): subscribers rely on it", name)
			continue
		}
		c.compare(sub, pubProps[name].(map[string]any), q.(map[string]any))
	}
	for _, name := range sortedKeys(curProps) {
		if _, ok := pubProps[name]; !ok && !pubOpen {
			c.add(path+"/properties/"+escape(name), "property %q added to an object the published schema closes (additionalProperties: false)", name)
		}
	}
}

func stringList(v any) ([]string, bool) {
	if v == nil {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		if out[i], ok = e.(string); !ok {
			return nil, false
		}
	}
	return out, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// show renders a keyword's value for a message; "none" when absent.
func show(v any) string {
	if v == nil {
		return "none"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// escape escapes a property name for a JSON Pointer (RFC 6901).
func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// pointer makes path a JSON Pointer as a URI fragment: "#" is the root.
func pointer(path string) string { return "#" + path }
