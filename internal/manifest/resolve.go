package manifest

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrVariable marks a variable that is malformed, names an unknown source, or
// has no value and no fallback: the framework would refuse the file too.
var ErrVariable = errors.New("unresolvable variable")

// ErrNeedsAWS marks a value the local stack needs that depends on a variable
// only AWS can answer, such as ${aws:accountId} or ${ssm:/path}.
var ErrNeedsAWS = errors.New("value needs AWS to resolve")

// Unresolved stands, in the resolved document, for a value that depends on a
// variable that cannot be resolved offline. A string with such a variable
// embedded is replaced whole.
type Unresolved struct {
	Expr   string // the text as written, e.g. "${aws:accountId}" or "arn:${ssm:/x}"
	Reason string // why it cannot be resolved offline
}

// String returns the text as written.
func (u Unresolved) String() string { return u.Expr }

// sources that exist but cannot be answered offline, with the reason.
var offlineSources = map[string]string{
	"ssm":       "the ssm source reads AWS SSM Parameter Store",
	"cf":        "the cf source reads CloudFormation stack outputs",
	"s3":        "the s3 source reads an S3 object",
	"output":    "the output source reads Serverless Dashboard outputs",
	"file":      "the file source is not supported by this parser",
	"strToBool": "the strToBool source is not supported by this parser",
}

// resolver resolves the variables of one decoded document.
type resolver struct {
	root      map[string]any
	opts      Options
	lookupEnv func(string) (string, bool)
	memo      map[string]any  // resolved values by path key
	active    map[string]bool // paths being resolved, to detect cycles
}

func newResolver(root map[string]any, opts Options) *resolver {
	lookupEnv := opts.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	return &resolver{
		root:      root,
		opts:      opts,
		lookupEnv: lookupEnv,
		memo:      map[string]any{},
		active:    map[string]bool{},
	}
}

// document resolves the whole document.
func (r *resolver) document() (map[string]any, error) {
	out := make(map[string]any, len(r.root))
	for k, v := range r.root {
		rv, err := r.resolveAt([]string{k}, v)
		if err != nil {
			return nil, err
		}
		out[k] = rv
	}
	return out, nil
}

// resolveAt resolves node, found at path, once.
func (r *resolver) resolveAt(path []string, node any) (any, error) {
	key := strings.Join(path, "\x00")
	if v, ok := r.memo[key]; ok {
		return v, nil
	}
	if r.active[key] {
		return nil, fmt.Errorf("%w: %s refers to itself", ErrVariable, pathString(path))
	}
	r.active[key] = true
	defer delete(r.active, key)
	v, err := r.resolveNode(path, node)
	if err != nil {
		return nil, err
	}
	r.memo[key] = v
	return v, nil
}

func (r *resolver) resolveNode(path []string, node any) (any, error) {
	switch n := node.(type) {
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, v := range n {
			rv, err := r.resolveAt(appendPath(path, k), v)
			if err != nil {
				return nil, err
			}
			out[k] = rv
		}
		return out, nil
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			rv, err := r.resolveAt(appendPath(path, strconv.Itoa(i)), v)
			if err != nil {
				return nil, err
			}
			out[i] = rv
		}
		return out, nil
	case string:
		if !hasVariable(n) {
			return n, nil
		}
		return r.resolveString(path, n)
	}
	return node, nil
}

// resolveString resolves the variables in s. A string that is one variable
// takes that variable's value, whatever its type; otherwise every variable
// must be a scalar and the result is a string.
func (r *resolver) resolveString(path []string, s string) (any, error) {
	t, err := parseTemplate(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", pathString(path), ErrVariable, err)
	}
	if len(t) == 1 && t[0].v != nil {
		return r.variable(path, t[0].v)
	}
	v, err := r.concat(path, t)
	if err != nil {
		return nil, err
	}
	if u, ok := v.(Unresolved); ok {
		u.Expr = s
		return u, nil
	}
	return v, nil
}

// concat evaluates a template into a string, or an Unresolved when one of
// its variables cannot be resolved offline.
func (r *resolver) concat(path []string, t template) (any, error) {
	var b strings.Builder
	for _, p := range t {
		if p.v == nil {
			b.WriteString(p.text)
			continue
		}
		v, err := r.variable(path, p.v)
		if err != nil {
			return nil, err
		}
		if u, ok := v.(Unresolved); ok {
			return u, nil
		}
		s, ok := scalarString(v)
		if !ok {
			return nil, fmt.Errorf("%s: %w: %s is %s, which cannot be embedded in a string",
				pathString(path), ErrVariable, p.v.text, describe(v))
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// variable evaluates a variable: its sources in order, the first with a value
// wins. A source that cannot be resolved offline gives way to a later one
// (a local run then takes the fallback); with none left the variable is
// Unresolved.
func (r *resolver) variable(path []string, v *variable) (any, error) {
	var offline *Unresolved
	for _, src := range v.sources {
		val, err := r.source(path, src)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", pathString(path), v.text, err)
		}
		if u, ok := val.(Unresolved); ok {
			if offline == nil {
				offline = &u
			}
			continue
		}
		if val != nil {
			return val, nil
		}
	}
	if offline != nil {
		return Unresolved{Expr: v.text, Reason: offline.Reason}, nil
	}
	return nil, fmt.Errorf("%s: %w: %s has no value", pathString(path), ErrVariable, v.text)
}

// source evaluates one source: nil when it has no value.
func (r *resolver) source(path []string, src source) (any, error) {
	if src.kind == "" {
		return src.literal, nil
	}
	if reason, ok := offlineSources[src.kind]; ok {
		return Unresolved{Reason: reason}, nil
	}
	var addr string
	if src.address != nil {
		a, err := r.concat(path, src.address)
		if err != nil {
			return nil, err
		}
		if u, ok := a.(Unresolved); ok {
			return u, nil
		}
		addr = a.(string)
	}
	switch src.kind {
	case "self":
		v, _, err := r.lookup(splitAddress(addr))
		return v, err
	case "opt":
		return r.option(addr)
	case "sls":
		switch addr {
		case "stage":
			return r.stage()
		case "instanceId":
			return Unresolved{Reason: "sls:instanceId is chosen at deployment"}, nil
		}
		return nil, fmt.Errorf("%w: unsupported address %q of the sls source", ErrVariable, addr)
	case "aws":
		switch addr {
		case "region":
			return r.region()
		case "accountId":
			return Unresolved{Reason: "aws:accountId needs AWS credentials"}, nil
		}
		return nil, fmt.Errorf("%w: unsupported address %q of the aws source", ErrVariable, addr)
	case "param":
		return r.param(addr)
	case "env":
		if addr == "" {
			return nil, fmt.Errorf("%w: the env source needs a variable name", ErrVariable)
		}
		if v, ok := r.lookupEnv(addr); ok {
			return v, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("%w: unknown variable source %q", ErrVariable, src.kind)
}

// lookup finds the resolved value at path in the document: nil and false
// when there is none. Strings met on the way are resolved first, so that
// ${self:a.b} works when a is itself a variable.
func (r *resolver) lookup(path []string) (any, bool, error) {
	var node any = r.root
	for i, key := range path {
		var err error
		if node, err = r.resolveIntermediate(path[:i], node); err != nil {
			return nil, false, err
		}
		switch n := node.(type) {
		case map[string]any:
			var ok bool
			if node, ok = n[key]; !ok {
				return nil, false, nil
			}
		case []any:
			idx, err := strconv.Atoi(key)
			if err != nil || idx < 0 || idx >= len(n) {
				return nil, false, nil
			}
			node = n[idx]
		case Unresolved:
			return n, true, nil
		default:
			return nil, false, nil
		}
	}
	v, err := r.resolveAt(path, node)
	return v, err == nil, err
}

func (r *resolver) resolveIntermediate(path []string, node any) (any, error) {
	if s, ok := node.(string); ok && hasVariable(s) {
		return r.resolveAt(path, s)
	}
	return node, nil
}

func (r *resolver) option(name string) (any, error) {
	switch name {
	case "stage":
		return nonEmpty(r.opts.Stage), nil
	case "region":
		return nonEmpty(r.opts.Region), nil
	case "":
		return nil, fmt.Errorf("%w: the opt source needs an option name", ErrVariable)
	}
	return nil, nil
}

// stage is ${sls:stage}: the stage option, else provider.stage, else "dev".
func (r *resolver) stage() (any, error) {
	return r.optionOrProvider(r.opts.Stage, "stage", "dev")
}

// region is ${aws:region}: the region option, else provider.region, else
// "us-east-1".
func (r *resolver) region() (any, error) {
	return r.optionOrProvider(r.opts.Region, "region", "us-east-1")
}

func (r *resolver) optionOrProvider(option, key, fallback string) (any, error) {
	if option != "" {
		return option, nil
	}
	v, found, err := r.lookup([]string{"provider", key})
	if err != nil || !found || v == nil {
		return fallback, err
	}
	if _, ok := v.(Unresolved); ok {
		return v, nil
	}
	s, ok := scalarString(v)
	if !ok {
		return nil, fmt.Errorf("%w: provider.%s is %s, want a string", ErrVariable, key, describe(v))
	}
	if s == "" {
		return fallback, nil
	}
	return s, nil
}

// param is ${param:name}: Options.Params, then params.<stage> (or
// params.<Options.ParamsStage>), then params.default.
func (r *resolver) param(name string) (any, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: the param source needs a parameter name", ErrVariable)
	}
	if v, ok := r.opts.Params[name]; ok {
		return v, nil
	}
	st := r.opts.ParamsStage
	if st == "" {
		stage, err := r.stage()
		if err != nil {
			return nil, err
		}
		var ok bool
		if st, ok = stage.(string); !ok {
			return nil, fmt.Errorf("%w: the stage is not known offline", ErrNeedsAWS)
		}
	}
	for _, group := range []string{st, "default"} {
		v, found, err := r.lookup([]string{"params", group, name})
		if err != nil {
			return nil, err
		}
		if found && v != nil {
			return v, nil
		}
	}
	return nil, nil
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func splitAddress(addr string) []string {
	if addr == "" {
		return nil
	}
	return strings.Split(addr, ".")
}

func appendPath(path []string, key string) []string {
	out := make([]string, len(path), len(path)+1)
	copy(out, path)
	return append(out, key)
}

func pathString(path []string) string {
	if len(path) == 0 {
		return "(document)"
	}
	return strings.Join(path, ".")
}

// scalarString formats a scalar for embedding in a string.
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// describe names the kind of a decoded value, for messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		if name, ok := Intrinsic(v); ok {
			return "the CloudFormation intrinsic " + name
		}
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, uint64, float64:
		return "a number"
	case Unresolved:
		return v.Expr + " (" + v.Reason + ")"
	}
	return fmt.Sprintf("%T", v)
}
