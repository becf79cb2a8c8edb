package manifest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Route is one httpApi event: an HTTP API route and what guards it.
type Route struct {
	// Function is the name of the function the route invokes.
	Function string
	// Method is upper case: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or
	// ANY; empty for the catch-all route (Path "*").
	Method string
	// Path is the route's path with its {parameters}, or "*".
	Path string
	// Authorizer names an entry of Manifest.Authorizers; empty for a public
	// route.
	Authorizer string
	// Scopes are the authorization scopes a token must carry (any one of
	// them); empty means the authorizer accepts any valid token.
	Scopes []string
}

// Key returns API Gateway's routeKey for the route: "GET /api/posts/{id}", or
// "$default" for the catch-all route.
func (r Route) Key() string {
	if r.Path == "*" {
		return "$default"
	}
	return r.Method + " " + r.Path
}

// httpMethods are the methods an HTTP API route may have.
var httpMethods = []string{"ANY", "GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE"}

// route reads one httpApi event: "METHOD /path", "*", or a mapping with
// method, path and authorizer.
func route(path, fn string, cfg any, auths map[string]Authorizer) (Route, error) {
	r := Route{Function: fn}
	var authorizer any
	switch c := cfg.(type) {
	case string:
		if c == "*" {
			r.Path = "*"
			break
		}
		method, p, ok := strings.Cut(c, " ")
		if !ok {
			return r, fmt.Errorf(`%s: %q: want "METHOD /path" or "*"`, path, c)
		}
		r.Method, r.Path = method, strings.TrimSpace(p)
	case map[string]any:
		f := fields{path: path, m: c}
		var err error
		if r.Method, _, err = f.str("method"); err != nil {
			return r, err
		}
		if r.Path, _, err = f.str("path"); err != nil {
			return r, err
		}
		if authorizer, _, err = f.value("authorizer"); err != nil {
			return r, err
		}
	default:
		return r, fmt.Errorf("%s: is %s, want a mapping or \"METHOD /path\"", path, describe(cfg))
	}

	switch {
	case r.Path == "":
		return r, fmt.Errorf("%s: missing path", path)
	case r.Path == "*":
		if r.Method != "" && r.Method != "*" {
			return r, fmt.Errorf("%s: the catch-all path * takes no method, got %q", path, r.Method)
		}
		r.Method = ""
	case !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, " \t\n"):
		return r, fmt.Errorf("%s: path %q: want /… without spaces", path, r.Path)
	case r.Method == "":
		return r, fmt.Errorf("%s: missing method", path)
	default:
		r.Method = strings.ToUpper(r.Method)
		if r.Method == "*" {
			r.Method = "ANY"
		}
		if !slices.Contains(httpMethods, r.Method) {
			return r, fmt.Errorf("%s: unknown method %q", path, r.Method)
		}
	}

	if authorizer != nil {
		var err error
		if r.Authorizer, r.Scopes, err = routeAuthorizer(path+".authorizer", authorizer, auths); err != nil {
			return r, err
		}
	}
	return r, nil
}

// routeAuthorizer reads a route's authorizer: a name, or {name, scopes}. The
// local stack can only enforce authorizers declared in
// provider.httpApi.authorizers, so IAM and external authorizers are refused
// rather than run unguarded.
func routeAuthorizer(path string, v any, auths map[string]Authorizer) (string, []string, error) {
	var name string
	var scopes []string
	switch a := v.(type) {
	case string:
		name = a
	case map[string]any:
		f := fields{path: path, m: a}
		if _, ok := a["id"]; ok {
			return "", nil, fmt.Errorf("%s: external authorizers (id) are not supported", path)
		}
		typ, _, err := f.str("type")
		if err != nil {
			return "", nil, err
		}
		if typ == "aws_iam" {
			return "", nil, fmt.Errorf("%s: aws_iam authorization is not supported", path)
		}
		if name, _, err = f.str("name"); err != nil {
			return "", nil, err
		}
		if scopes, _, err = f.strings("scopes"); err != nil {
			return "", nil, err
		}
	default:
		return "", nil, fmt.Errorf("%s: is %s, want a name or a mapping", path, describe(v))
	}
	if name == "" {
		return "", nil, fmt.Errorf("%s: missing name", path)
	}
	if _, ok := auths[name]; !ok {
		return "", nil, fmt.Errorf("%s: authorizer %q is not declared in provider.httpApi.authorizers", path, name)
	}
	return name, scopes, nil
}

// Authorizer is one entry of provider.httpApi.authorizers.
type Authorizer struct {
	// Name is the authorizer's key, which routes refer to.
	Name string
	// Type is "jwt" (the default) or "request" (a Lambda authorizer).
	Type string
	// IdentitySource lists where the token is read from, e.g.
	// "$request.header.Authorization".
	IdentitySource []string
	// IssuerURL is the JWT issuer: a string, or the raw CloudFormation
	// intrinsic that builds it (e.g. from the user pool's Ref), or an
	// Unresolved value. The local stack substitutes its own issuer.
	IssuerURL any
	// Audience are the accepted JWT audiences (app client IDs), each a
	// string, a raw intrinsic or an Unresolved value.
	Audience []any
	// FunctionName is the function of a request authorizer.
	FunctionName string
}

func authorizers(httpAPI fields) (map[string]Authorizer, error) {
	out := map[string]Authorizer{}
	auths, _, err := httpAPI.mapping("authorizers")
	if err != nil {
		return nil, err
	}
	for name, v := range auths.m {
		am, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: is %s, want a mapping", auths.at(name), describe(v))
		}
		a, err := authorizer(fields{path: auths.at(name), m: am}, name)
		if err != nil {
			return nil, err
		}
		out[name] = a
	}
	return out, nil
}

func authorizer(f fields, name string) (Authorizer, error) {
	a := Authorizer{Name: name, Type: "jwt", IssuerURL: f.m["issuerUrl"]}
	var err error
	if typ, ok, err := f.str("type"); err != nil {
		return a, err
	} else if ok {
		a.Type = typ
	}
	if a.IdentitySource, _, err = f.strings("identitySource"); err != nil {
		return a, err
	}
	if a.FunctionName, _, err = f.str("functionName"); err != nil {
		return a, err
	}
	switch aud := f.m["audience"].(type) {
	case nil:
	case []any:
		a.Audience = aud
	default:
		a.Audience = []any{aud}
	}
	switch a.Type {
	case "jwt":
		if len(a.IdentitySource) == 0 {
			return a, fmt.Errorf("%s: missing identitySource", f.path)
		}
		if a.IssuerURL == nil {
			return a, fmt.Errorf("%s: missing issuerUrl", f.path)
		}
		if len(a.Audience) == 0 {
			return a, fmt.Errorf("%s: missing audience", f.path)
		}
	case "request":
		if a.FunctionName == "" {
			return a, fmt.Errorf("%s: a request authorizer needs functionName", f.path)
		}
	default:
		return a, fmt.Errorf("%s: unknown type %q, want jwt or request", f.at("type"), a.Type)
	}
	return a, nil
}

// CORS is the HTTP API's CORS configuration, with the framework's defaults
// applied.
type CORS struct {
	AllowedOrigins         []string
	AllowedHeaders         []string
	AllowedMethods         []string
	ExposedResponseHeaders []string
	AllowCredentials       bool
	MaxAge                 int // seconds; 0 when unset
}

// The framework's defaults for cors: true, or for the fields cors leaves out.
var (
	defaultCORSOrigins = []string{"*"}
	defaultCORSHeaders = []string{
		"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key",
		"X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id",
	}
)

// cors reads provider.httpApi.cors. Without allowedMethods the framework
// allows OPTIONS and every method the routes use.
func cors(httpAPI fields, routes []Route) (*CORS, error) {
	v, ok, err := httpAPI.value("cors")
	if err != nil || !ok {
		return nil, err
	}
	c := &CORS{
		AllowedOrigins: slices.Clone(defaultCORSOrigins),
		AllowedHeaders: slices.Clone(defaultCORSHeaders),
	}
	switch v := v.(type) {
	case bool:
		if !v {
			return nil, nil
		}
	case map[string]any:
		if err := c.read(fields{path: httpAPI.at("cors"), m: v}); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: is %s, want true or a mapping", httpAPI.at("cors"), describe(v))
	}
	if c.AllowedMethods == nil {
		c.AllowedMethods = []string{"OPTIONS"}
		for _, r := range routes {
			methods := []string{r.Method}
			if r.Method == "ANY" || r.Path == "*" {
				methods = httpMethods[1:]
			}
			for _, m := range methods {
				if !slices.Contains(c.AllowedMethods, m) {
					c.AllowedMethods = append(c.AllowedMethods, m)
				}
			}
		}
	}
	return c, nil
}

func (c *CORS) read(f fields) error {
	lists := []struct {
		key string
		dst *[]string
	}{
		{"allowedOrigins", &c.AllowedOrigins},
		{"allowedHeaders", &c.AllowedHeaders},
		{"allowedMethods", &c.AllowedMethods},
		{"exposedResponseHeaders", &c.ExposedResponseHeaders},
	}
	for _, l := range lists {
		v, ok, err := f.strings(l.key)
		if err != nil {
			return err
		}
		if ok {
			*l.dst = v
		}
	}
	var err error
	if c.AllowCredentials, _, err = f.bool("allowCredentials"); err != nil {
		return err
	}
	if c.MaxAge, _, err = f.int("maxAge"); err != nil {
		return err
	}
	if c.AllowCredentials && slices.Contains(c.AllowedOrigins, "*") {
		return errors.New(f.at("allowedOrigins") + `: "*" cannot be combined with allowCredentials`)
	}
	return nil
}
