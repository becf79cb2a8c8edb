package manifest

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// The framework's defaults for a function that sets nothing.
const (
	defaultTimeout      = 6
	defaultMemorySize   = 1024
	defaultArchitecture = "x86_64"
)

// Function is one entry of functions, with the provider's settings applied.
type Function struct {
	// Name is the function's key in serverless.yml.
	Name string
	// FunctionName is the deployed Lambda name: its name setting, or
	// <service>-<stage>-<Name>.
	FunctionName string
	Handler      string
	Runtime      string
	Architecture string // arm64 or x86_64
	// Artifact is package.artifact of the function (else of the service):
	// the zip holding the bootstrap binary, relative to serverless.yml.
	Artifact   string
	Timeout    int // seconds
	MemorySize int // MB
	// Role is the function's role setting when it is a string: the logical
	// ID of an AWS::IAM::Role under resources, or a role ARN. Empty when the
	// function uses the provider's role or an intrinsic (see Raw).
	Role string
	// Environment is provider.environment merged with the function's own
	// (which wins), as plain strings; EnvironmentIntrinsics holds the
	// variables whose value is a CloudFormation intrinsic, raw.
	Environment           map[string]string
	EnvironmentIntrinsics map[string]any
	// Routes are the function's httpApi events, in the order written.
	Routes []Route
	// Events are all the function's events in the order written, raw, so
	// that event types not typed here (sqs, eventBridge, schedule,
	// cognitoUserPool, …) can be read.
	Events []Event
	// Raw is the function's resolved definition.
	Raw map[string]any
}

// Event is one entry of a function's events: its type (the single key of the
// entry, e.g. "httpApi" or "sqs") and its resolved configuration, a mapping or
// the short string form.
type Event struct {
	Type   string
	Config any
}

func functions(top, provider fields, m *Manifest) ([]Function, error) {
	fns, _, err := top.mapping("functions")
	if err != nil {
		return nil, err
	}
	d, err := providerDefaults(top, provider)
	if err != nil {
		return nil, err
	}
	d.service, d.stage = m.Service, m.Stage
	d.env, d.envIntrinsics = m.Environment, m.EnvironmentIntrinsics
	out := make([]Function, 0, len(fns.m))
	routeOwner := map[string]string{}
	// In name order, so errors (a duplicate route names the first owner)
	// are the same on every run.
	for _, name := range slices.Sorted(maps.Keys(fns.m)) {
		v := fns.m[name]
		fm, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: is %s, want a mapping", fns.at(name), describe(v))
		}
		f, err := function(fields{path: fns.at(name), m: fm}, name, d, m.Authorizers)
		if err != nil {
			return nil, err
		}
		for _, r := range f.Routes {
			if other, dup := routeOwner[r.Key()]; dup {
				return nil, fmt.Errorf("%s: route %q is also defined by function %s", fns.at(name), r.Key(), other)
			}
			routeOwner[r.Key()] = name
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// defaults are the provider-level settings a function inherits.
type defaults struct {
	service, stage        string
	runtime, architecture string
	artifact              string
	timeout, memorySize   int
	env                   map[string]string
	envIntrinsics         map[string]any
}

func providerDefaults(top, provider fields) (defaults, error) {
	d := defaults{architecture: defaultArchitecture, timeout: defaultTimeout, memorySize: defaultMemorySize}
	var err error
	if d.runtime, _, err = provider.str("runtime"); err != nil {
		return d, err
	}
	if arch, ok, err := provider.str("architecture"); err != nil {
		return d, err
	} else if ok {
		d.architecture = arch
	}
	if n, ok, err := provider.int("timeout"); err != nil {
		return d, err
	} else if ok {
		d.timeout = n
	}
	if n, ok, err := provider.int("memorySize"); err != nil {
		return d, err
	} else if ok {
		d.memorySize = n
	}
	pkg, _, err := top.mapping("package")
	if err != nil {
		return d, err
	}
	d.artifact, _, err = pkg.str("artifact")
	return d, err
}

func function(f fields, name string, d defaults, auths map[string]Authorizer) (Function, error) {
	fn := Function{
		Name:         name,
		FunctionName: d.service + "-" + d.stage + "-" + name,
		Runtime:      d.runtime,
		Architecture: d.architecture,
		Artifact:     d.artifact,
		Timeout:      d.timeout,
		MemorySize:   d.memorySize,
		Raw:          f.m,
	}
	strs := []struct {
		key string
		dst *string
	}{
		{"name", &fn.FunctionName},
		{"handler", &fn.Handler},
		{"runtime", &fn.Runtime},
		{"architecture", &fn.Architecture},
	}
	for _, s := range strs {
		if v, ok, err := f.str(s.key); err != nil {
			return fn, err
		} else if ok {
			*s.dst = v
		}
	}
	if v, ok := f.m["role"].(string); ok {
		fn.Role = v
	}
	for _, n := range []struct {
		key string
		dst *int
	}{{"timeout", &fn.Timeout}, {"memorySize", &fn.MemorySize}} {
		if v, ok, err := f.int(n.key); err != nil {
			return fn, err
		} else if ok {
			*n.dst = v
		}
	}
	pkg, _, err := f.mapping("package")
	if err != nil {
		return fn, err
	}
	if v, ok, err := pkg.str("artifact"); err != nil {
		return fn, err
	} else if ok {
		fn.Artifact = v
	}

	env, envIntrinsics, err := environment(f)
	if err != nil {
		return fn, err
	}
	fn.Environment = maps.Clone(d.env)
	fn.EnvironmentIntrinsics = maps.Clone(d.envIntrinsics)
	for k, v := range env {
		fn.Environment[k] = v
		delete(fn.EnvironmentIntrinsics, k)
	}
	for k, v := range envIntrinsics {
		fn.EnvironmentIntrinsics[k] = v
		delete(fn.Environment, k)
	}

	if fn.Events, err = events(f); err != nil {
		return fn, err
	}
	for i, e := range fn.Events {
		if e.Type != "httpApi" {
			continue
		}
		r, err := route(fmt.Sprintf("%s.events[%d].httpApi", f.path, i), name, e.Config, auths)
		if err != nil {
			return fn, err
		}
		fn.Routes = append(fn.Routes, r)
	}
	return fn, nil
}

func events(f fields) ([]Event, error) {
	list, _, err := f.list("events")
	if err != nil {
		return nil, err
	}
	out := make([]Event, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok || len(m) != 1 {
			return nil, fmt.Errorf("%s[%d]: is %s, want a mapping with one key, the event type",
				f.at("events"), i, describe(item))
		}
		for typ, cfg := range m {
			out = append(out, Event{Type: typ, Config: cfg})
		}
	}
	return out, nil
}
