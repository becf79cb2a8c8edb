package manifest

import (
	"errors"
	"fmt"
	"os"
	"sort"
)

// Options are the command-line options serverless.yml is read with.
type Options struct {
	// Stage is the --stage option. Empty means none was given: the stage is
	// then provider.stage, or "dev".
	Stage string
	// Region is the --region option. Empty means none was given: the region
	// is then provider.region, or "us-east-1".
	Region string
	// Params are --param="name=value" options; they win over the params
	// section of the file.
	Params map[string]string
	// ParamsStage names the params group ${param:…} reads instead of the
	// stage's own (then params.default still applies). The local stack's
	// tests run stages of their own, for table names, with the params of
	// the local stage.
	ParamsStage string
	// LookupEnv answers ${env:NAME}; nil means os.LookupEnv.
	LookupEnv func(name string) (string, bool)
}

// Manifest is the part of serverless.yml the local stack runs, with every
// variable it needs resolved.
type Manifest struct {
	Service string
	Stage   string // ${sls:stage}
	Region  string // ${aws:region}

	// Environment is provider.environment: variables whose value is a
	// string, number or boolean, formatted as strings.
	Environment map[string]string
	// EnvironmentIntrinsics holds the provider.environment variables whose
	// value is a CloudFormation intrinsic (Ref, Fn::GetAtt, …), raw; the
	// local stack maps them onto its own resources.
	EnvironmentIntrinsics map[string]any

	// CORS is provider.httpApi.cors with the framework's defaults applied;
	// nil when CORS is off.
	CORS *CORS
	// Authorizers are provider.httpApi.authorizers, by name.
	Authorizers map[string]Authorizer

	// Functions are sorted by Name.
	Functions []Function
	// Resources are resources.Resources by logical ID, resolved.
	Resources map[string]Resource
	// Tables are the AWS::DynamoDB::Table resources, sorted by LogicalID.
	Tables []Table

	// Raw is the whole resolved document, for the sections not typed here.
	// Values that cannot be resolved offline are Unresolved.
	Raw map[string]any
}

// Resource is one CloudFormation resource under resources.Resources.
type Resource struct {
	LogicalID  string
	Type       string
	Properties map[string]any
	Raw        map[string]any // the whole resource: Type, Properties, DeletionPolicy, DependsOn, …
}

// Load reads and parses the serverless.yml at path.
func Load(path string, opts Options) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("manifest.Load: %w", err)
	}
	m, err := Parse(data, opts)
	if err != nil {
		return nil, fmt.Errorf("manifest.Load %s: %w", path, err)
	}
	return m, nil
}

// Parse parses a serverless.yml document. Its errors wrap ErrVariable for a
// variable the framework could not resolve either, and ErrNeedsAWS for a
// value the local stack needs that only AWS can resolve; both name the path
// of the value at fault.
func Parse(data []byte, opts Options) (*Manifest, error) {
	root, err := decodeYAML(data)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	r := newResolver(root, opts)
	doc, err := r.document()
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m := &Manifest{Raw: doc}
	if err := m.build(r); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return m, nil
}

// build fills the typed view from the resolved document.
func (m *Manifest) build(r *resolver) error {
	top := fields{m: m.Raw}
	var err error
	if m.Service, err = service(top); err != nil {
		return err
	}
	if m.Stage, err = resolvedString(r.stage, "stage"); err != nil {
		return err
	}
	if m.Region, err = resolvedString(r.region, "region"); err != nil {
		return err
	}
	provider, ok, err := top.mapping("provider")
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("provider: missing")
	}
	if name, _, err := provider.str("name"); err != nil {
		return err
	} else if name != "aws" {
		return fmt.Errorf(`provider.name: is %q, want "aws"`, name)
	}
	if m.Environment, m.EnvironmentIntrinsics, err = environment(provider); err != nil {
		return err
	}
	httpAPI, _, err := provider.mapping("httpApi")
	if err != nil {
		return err
	}
	if m.Authorizers, err = authorizers(httpAPI); err != nil {
		return err
	}
	if m.Functions, err = functions(top, provider, m); err != nil {
		return err
	}
	if m.CORS, err = cors(httpAPI, m.Routes()); err != nil {
		return err
	}
	if m.Resources, err = resources(top); err != nil {
		return err
	}
	return m.buildTables()
}

// Function returns the function called name.
func (m *Manifest) Function(name string) (Function, bool) {
	i := sort.Search(len(m.Functions), func(i int) bool { return m.Functions[i].Name >= name })
	if i < len(m.Functions) && m.Functions[i].Name == name {
		return m.Functions[i], true
	}
	return Function{}, false
}

// Routes returns the HTTP routes of every function, sorted by Key.
func (m *Manifest) Routes() []Route {
	var routes []Route
	for _, f := range m.Functions {
		routes = append(routes, f.Routes...)
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].Key() < routes[j].Key() })
	return routes
}

// Table returns the table with the given logical ID.
func (m *Manifest) Table(logicalID string) (Table, bool) {
	for _, t := range m.Tables {
		if t.LogicalID == logicalID {
			return t, true
		}
	}
	return Table{}, false
}

func service(top fields) (string, error) {
	key := "service"
	if svc, isMap := top.m["service"].(map[string]any); isMap {
		// The old form: service: {name: …}.
		top, key = fields{path: "service", m: svc}, "name"
	}
	name, _, err := top.str(key)
	if err == nil && name == "" {
		err = errors.New(top.at(key) + ": missing")
	}
	return name, err
}

func resolvedString(get func() (any, error), what string) (string, error) {
	v, err := get()
	if err != nil {
		return "", err
	}
	if err := needed(what, v); err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: is %s, want a string", what, describe(v))
	}
	return s, nil
}

// environment reads an environment mapping into plain variables and
// variables whose value is a CloudFormation intrinsic.
func environment(parent fields) (map[string]string, map[string]any, error) {
	env, ok, err := parent.mapping("environment")
	if err != nil || !ok {
		return map[string]string{}, map[string]any{}, err
	}
	plain := make(map[string]string, len(env.m))
	intrinsics := map[string]any{}
	for name, v := range env.m {
		if _, isIntrinsic := Intrinsic(v); isIntrinsic {
			intrinsics[name] = v
			continue
		}
		if v == nil {
			return nil, nil, fmt.Errorf("%s: has no value", env.at(name))
		}
		s, _, err := env.str(name)
		if err != nil {
			return nil, nil, err
		}
		plain[name] = s
	}
	return plain, intrinsics, nil
}

// resources reads resources.Resources; resources may also be a list of
// fragments, each with its own Resources, as the framework allows.
func resources(top fields) (map[string]Resource, error) {
	out := map[string]Resource{}
	v, ok, err := top.value("resources")
	if err != nil || !ok {
		return out, err
	}
	fragments, isList := v.([]any)
	if !isList {
		fragments = []any{v}
	}
	for i, frag := range fragments {
		path := "resources"
		if isList {
			path = fmt.Sprintf("resources[%d]", i)
		}
		fm, isMap := frag.(map[string]any)
		if !isMap {
			return nil, fmt.Errorf("%s: is %s, want a mapping", path, describe(frag))
		}
		res, _, err := fields{path: path, m: fm}.mapping("Resources")
		if err != nil {
			return nil, err
		}
		for id, rv := range res.m {
			r, err := resource(res, id, rv)
			if err != nil {
				return nil, err
			}
			if _, dup := out[id]; dup {
				return nil, fmt.Errorf("%s: defined twice", res.at(id))
			}
			out[id] = r
		}
	}
	return out, nil
}

func resource(parent fields, id string, v any) (Resource, error) {
	rm, ok := v.(map[string]any)
	if !ok {
		return Resource{}, fmt.Errorf("%s: is %s, want a mapping", parent.at(id), describe(v))
	}
	f := fields{path: parent.at(id), m: rm}
	typ, _, err := f.str("Type")
	if err != nil {
		return Resource{}, err
	}
	if typ == "" {
		return Resource{}, fmt.Errorf("%s: missing", f.at("Type"))
	}
	props, _, err := f.mapping("Properties")
	if err != nil {
		return Resource{}, err
	}
	if props.m == nil {
		props.m = map[string]any{}
	}
	return Resource{LogicalID: id, Type: typ, Properties: props.m, Raw: rm}, nil
}
