// Package cfn reads the CloudFormation template that `serverless package`
// generates, and answers what a deployment check asks of it: does every
// reference resolve, what may each role do, how does an intrinsic read.
//
// No CloudFormation linter is usable offline, so the repository checks the
// generated template with Go tests built on this package (see deploy_test.go).
package cfn

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

// Template is a CloudFormation template in its JSON form.
type Template struct {
	Parameters map[string]any      `json:"Parameters"`
	Conditions map[string]any      `json:"Conditions"`
	Resources  map[string]Resource `json:"Resources"`
	Outputs    map[string]any      `json:"Outputs"`
}

// Resource is one entry of Resources.
type Resource struct {
	Type                string         `json:"Type"`
	Properties          map[string]any `json:"Properties"`
	DependsOn           any            `json:"DependsOn"` // a logical ID or a list of them
	Condition           string         `json:"Condition"`
	DeletionPolicy      string         `json:"DeletionPolicy"`
	UpdateReplacePolicy string         `json:"UpdateReplacePolicy"`
}

// PseudoParameters are the names Ref resolves without a declaration.
var PseudoParameters = []string{
	"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
	"AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
}

// Load reads a template from a JSON file.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cfn.Load: %w", err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("cfn.Load %s: %w", path, err)
	}
	return t, nil
}

// Parse decodes a template in its JSON form.
func Parse(data []byte) (*Template, error) {
	var t Template
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("cfn.Parse: %w", err)
	}
	if len(t.Resources) == 0 {
		return nil, fmt.Errorf("cfn.Parse: the template has no Resources")
	}
	return &t, nil
}

// ResourcesOfType returns the logical IDs of the resources of type typ, sorted.
func (t *Template) ResourcesOfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Reference is a use of a logical name somewhere in the template.
type Reference struct {
	From   string // where it is, e.g. "Resources.Fn.Properties.Role"
	Kind   string // Ref, Fn::GetAtt, Fn::Sub, DependsOn or Condition
	Target string // the logical ID, parameter, pseudo parameter or condition named
}

// References returns every Ref, Fn::GetAtt, Fn::Sub placeholder, DependsOn
// and condition name in Resources, Outputs and Conditions, sorted.
func (t *Template) References() []Reference {
	var refs []Reference
	for id, r := range t.Resources {
		from := "Resources." + id
		refs = append(refs, collect(from+".Properties", r.Properties, nil)...)
		var deps []string
		switch d := r.DependsOn.(type) {
		case string:
			deps = []string{d}
		case []any:
			for _, x := range d {
				if s, ok := x.(string); ok {
					deps = append(deps, s)
				}
			}
		}
		for _, d := range deps {
			refs = append(refs, Reference{From: from + ".DependsOn", Kind: "DependsOn", Target: d})
		}
		if r.Condition != "" {
			refs = append(refs, Reference{From: from + ".Condition", Kind: "Condition", Target: r.Condition})
		}
	}
	for id, o := range t.Outputs {
		refs = append(refs, collect("Outputs."+id, o, nil)...)
	}
	for id, c := range t.Conditions {
		refs = append(refs, collect("Conditions."+id, c, nil)...)
	}
	sort.Slice(refs, func(i, j int) bool {
		a, b := refs[i], refs[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Target < b.Target
	})
	return refs
}

// Dangling returns the references that name nothing: no resource, parameter
// or pseudo parameter (or, for a condition, no condition).
func (t *Template) Dangling() []Reference {
	var out []Reference
	for _, r := range t.References() {
		if !t.resolves(r) {
			out = append(out, r)
		}
	}
	return out
}

func (t *Template) resolves(r Reference) bool {
	if r.Kind == "Condition" {
		_, ok := t.Conditions[r.Target]
		return ok
	}
	if _, ok := t.Resources[r.Target]; ok {
		return true
	}
	if r.Kind == "Ref" || r.Kind == "Fn::Sub" {
		if _, ok := t.Parameters[r.Target]; ok {
			return true
		}
		return slices.Contains(PseudoParameters, r.Target)
	}
	return false
}

// collect walks v for references; locals are Fn::Sub's own variables.
func collect(from string, v any, locals map[string]any) []Reference {
	var refs []Reference
	switch v := v.(type) {
	case []any:
		for i, x := range v {
			refs = append(refs, collect(fmt.Sprintf("%s[%d]", from, i), x, locals)...)
		}
	case map[string]any:
		if len(v) == 1 {
			for k, arg := range v {
				switch k {
				case "Ref":
					if s, ok := arg.(string); ok {
						return []Reference{{From: from, Kind: k, Target: s}}
					}
				case "Fn::GetAtt":
					if res, _, ok := getAtt(arg); ok {
						return []Reference{{From: from, Kind: k, Target: res}}
					}
				case "Fn::Sub":
					return subReferences(from, arg)
				case "Fn::If":
					if args, ok := arg.([]any); ok && len(args) == 3 {
						if c, ok := args[0].(string); ok {
							refs = append(refs, Reference{From: from, Kind: "Condition", Target: c})
						}
						return append(refs, collect(from+".Fn::If", args[1:], locals)...)
					}
				case "Condition":
					if c, ok := arg.(string); ok {
						return []Reference{{From: from, Kind: "Condition", Target: c}}
					}
				}
			}
		}
		for k, x := range v {
			refs = append(refs, collect(from+"."+k, x, locals)...)
		}
	}
	return refs
}

// getAtt reads Fn::GetAtt's argument: [Resource, Attribute] or
// "Resource.Attribute".
func getAtt(arg any) (resource, attribute string, ok bool) {
	switch a := arg.(type) {
	case []any:
		if len(a) == 2 {
			r, ok1 := a[0].(string)
			at, ok2 := a[1].(string)
			return r, at, ok1 && ok2
		}
	case string:
		return strings.Cut(a, ".")
	}
	return "", "", false
}

// subReferences reads Fn::Sub: "text ${Name} ${Res.Attr} ${!Literal}" or
// [text, {Name: value}].
func subReferences(from string, arg any) []Reference {
	text, locals, ok := subArgs(arg)
	if !ok {
		return nil
	}
	var refs []Reference
	for _, name := range subPlaceholders(text) {
		if _, local := locals[name]; local {
			continue
		}
		target, _, _ := strings.Cut(name, ".")
		refs = append(refs, Reference{From: from, Kind: "Fn::Sub", Target: target})
	}
	for k, v := range locals {
		refs = append(refs, collect(from+".Fn::Sub."+k, v, nil)...)
	}
	return refs
}

func subArgs(arg any) (string, map[string]any, bool) {
	switch a := arg.(type) {
	case string:
		return a, nil, true
	case []any:
		if len(a) == 2 {
			text, ok1 := a[0].(string)
			locals, ok2 := a[1].(map[string]any)
			return text, locals, ok1 && ok2
		}
	}
	return "", nil, false
}

// subPlaceholders returns the names in an Fn::Sub text, skipping ${!…}.
func subPlaceholders(text string) []string {
	var names []string
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			return names
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return names
		}
		name := strings.TrimSpace(text[i+2 : i+j])
		if !strings.HasPrefix(name, "!") {
			names = append(names, name)
		}
		text = text[i+j+1:]
	}
}

// Render writes an intrinsic expression as Fn::Sub-style text, for comparing
// resources in tests: {"Fn::GetAtt": ["T", "Arn"]} reads "${T.Arn}", a Join
// of it with "/index/x" reads "${T.Arn}/index/x".
func Render(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case map[string]any:
		if len(v) != 1 {
			break
		}
		for k, arg := range v {
			switch k {
			case "Ref":
				if s, ok := arg.(string); ok {
					return "${" + s + "}", nil
				}
			case "Fn::GetAtt":
				if r, a, ok := getAtt(arg); ok {
					return "${" + r + "." + a + "}", nil
				}
			case "Fn::Join":
				return renderJoin(arg)
			case "Fn::Sub":
				text, locals, ok := subArgs(arg)
				if !ok {
					break
				}
				for name, val := range locals {
					s, err := Render(val)
					if err != nil {
						return "", err
					}
					text = strings.ReplaceAll(text, "${"+name+"}", s)
				}
				return text, nil
			}
		}
	}
	return "", fmt.Errorf("cfn.Render: cannot render %v", v)
}

func renderJoin(arg any) (string, error) {
	a, ok := arg.([]any)
	if !ok || len(a) != 2 {
		return "", fmt.Errorf("cfn.Render: malformed Fn::Join %v", arg)
	}
	sep, ok1 := a[0].(string)
	parts, ok2 := a[1].([]any)
	if !ok1 || !ok2 {
		return "", fmt.Errorf("cfn.Render: malformed Fn::Join %v", arg)
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		s, err := Render(p)
		if err != nil {
			return "", err
		}
		out[i] = s
	}
	return strings.Join(out, sep), nil
}
