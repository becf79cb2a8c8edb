package manifest

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds how many values a document may expand to through aliases,
// so that a file of nested aliases cannot exhaust memory.
const maxNodes = 1_000_000

// decodeYAML turns a serverless.yml document into plain Go values: maps with
// string keys, slices and scalars. CloudFormation short-form tags (!Ref,
// !GetAtt, !Sub, …) become their long form ({"Ref": …}, {"Fn::GetAtt": […]}),
// as the framework's own YAML schema does; aliases and merge keys (<<) are
// expanded.
func decodeYAML(data []byte) (map[string]any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	if doc.Kind == 0 {
		return nil, errors.New("parse YAML: empty document")
	}
	d := &yamlDecoder{expanding: map[*yaml.Node]bool{}}
	v, err := d.value(&doc)
	if err != nil {
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("parse YAML: top level is %s, want a mapping", describe(v))
	}
	return root, nil
}

type yamlDecoder struct {
	nodes     int
	expanding map[*yaml.Node]bool // aliased nodes being expanded, to refuse a cycle
}

func (d *yamlDecoder) value(n *yaml.Node) (any, error) {
	d.nodes++
	if d.nodes > maxNodes {
		return nil, fmt.Errorf("document expands to more than %d values", maxNodes)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return d.value(n.Content[0])
	case yaml.AliasNode:
		if d.expanding[n.Alias] {
			return nil, fmt.Errorf("line %d: alias *%s refers to itself", n.Line, n.Value)
		}
		d.expanding[n.Alias] = true
		defer delete(d.expanding, n.Alias)
		return d.value(n.Alias)
	}
	if isCustomTag(n.Tag) {
		return d.intrinsic(n)
	}
	switch n.Kind {
	case yaml.MappingNode:
		return d.mapping(n)
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := d.value(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
}

func (d *yamlDecoder) mapping(n *yaml.Node) (map[string]any, error) {
	m := make(map[string]any, len(n.Content)/2)
	var merged []map[string]any
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, vn := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			ms, err := d.mergeSources(vn)
			if err != nil {
				return nil, err
			}
			merged = append(merged, ms...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: mapping key is not a scalar", k.Line)
		}
		if _, dup := m[k.Value]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
		}
		v, err := d.value(vn)
		if err != nil {
			return nil, err
		}
		m[k.Value] = v
	}
	// Explicit keys win over merged ones, and earlier merge sources over later.
	for _, src := range merged {
		for k, v := range src {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
	}
	return m, nil
}

func (d *yamlDecoder) mergeSources(n *yaml.Node) ([]map[string]any, error) {
	nodes := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		nodes = n.Content
	}
	var out []map[string]any
	for _, c := range nodes {
		v, err := d.value(c)
		if err != nil {
			return nil, err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("line %d: merge key (<<) needs a mapping, got %s", c.Line, describe(v))
		}
		out = append(out, m)
	}
	return out, nil
}

// shortTags maps CloudFormation's YAML short forms to their long-form keys.
var shortTags = map[string]string{
	"!Ref":         "Ref",
	"!Condition":   "Condition",
	"!Base64":      "Fn::Base64",
	"!Cidr":        "Fn::Cidr",
	"!FindInMap":   "Fn::FindInMap",
	"!GetAtt":      "Fn::GetAtt",
	"!GetAZs":      "Fn::GetAZs",
	"!ImportValue": "Fn::ImportValue",
	"!Join":        "Fn::Join",
	"!Select":      "Fn::Select",
	"!Split":       "Fn::Split",
	"!Sub":         "Fn::Sub",
	"!Transform":   "Fn::Transform",
	"!And":         "Fn::And",
	"!Equals":      "Fn::Equals",
	"!If":          "Fn::If",
	"!Not":         "Fn::Not",
	"!Or":          "Fn::Or",
}

func isCustomTag(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

// intrinsic decodes a node carrying a short-form tag into its long form.
func (d *yamlDecoder) intrinsic(n *yaml.Node) (any, error) {
	key := shortTags[n.Tag]
	if key == "" {
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	}
	// Decode the node's content without its tag.
	plain := *n
	plain.Tag = ""
	if n.Kind == yaml.ScalarNode {
		plain.Tag = "!!str"
	}
	v, err := d.value(&plain)
	if err != nil {
		return nil, err
	}
	if s, ok := v.(string); ok && key == "Fn::GetAtt" {
		// !GetAtt Resource.Attribute; attributes may themselves contain dots.
		res, attr, found := strings.Cut(s, ".")
		if !found {
			return nil, fmt.Errorf("line %d: !GetAtt %q: want Resource.Attribute", n.Line, s)
		}
		return map[string]any{key: []any{res, attr}}, nil
	}
	return map[string]any{key: v}, nil
}
