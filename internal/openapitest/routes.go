package openapitest

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Route is one route as the gateway sees it: method, path and the auth API
// Gateway enforces before the function runs.
type Route struct {
	Method string
	Path   string
	// Scopes are the JWT authorizer's required scopes, sorted; nil for a
	// route the gateway lets through without a token (the refresh cookie
	// and an optional bearer token are the function's business).
	Scopes []string
	// Authorized is whether the gateway requires a valid bearer token.
	Authorized bool
}

// String renders the route for a diff: "POST /api/posts (JWT
// aws.cognito.signin.user.admin)" or "GET /api/stats (public)".
func (r Route) String() string {
	if !r.Authorized {
		return r.Method + " " + r.Path + " (public)"
	}
	return r.Method + " " + r.Path + " (JWT " + strings.Join(r.Scopes, " ") + ")"
}

// BearerScheme is the security scheme of the gateway's JWT authorizer in
// the contract.
const BearerScheme = "bearer"

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options"}

// SpecRoutes lists the operations of an OpenAPI document as routes. An
// operation is Authorized when every one of its security alternatives needs
// the bearer scheme; its Scopes are then that scheme's scopes (which must
// be the same in every alternative).
func SpecRoutes(spec []byte) ([]Route, error) {
	var doc struct {
		Security []map[string][]string           `yaml:"security"`
		Paths    map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("openapitest.SpecRoutes: %w", err)
	}
	var routes []Route
	for path, item := range doc.Paths {
		for method, node := range item {
			if !slices.Contains(methods, method) {
				continue // parameters, summary, …
			}
			var op struct {
				Security *[]map[string][]string `yaml:"security"`
			}
			if err := node.Decode(&op); err != nil {
				return nil, fmt.Errorf("openapitest.SpecRoutes: %s %s: %w", method, path, err)
			}
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			r := Route{Method: strings.ToUpper(method), Path: path, Authorized: len(security) > 0}
			for _, alt := range security {
				scopes, ok := alt[BearerScheme]
				if !ok {
					r.Authorized = false
					break
				}
				scopes = sorted(scopes)
				if r.Scopes != nil && !slices.Equal(r.Scopes, scopes) {
					return nil, fmt.Errorf("openapitest.SpecRoutes: %s %s: the bearer scopes differ between security alternatives", r.Method, path)
				}
				r.Scopes = scopes
			}
			if !r.Authorized {
				r.Scopes = nil
			}
			routes = append(routes, r)
		}
	}
	sortRoutes(routes)
	return routes, nil
}

// Drift compares the routes the deployment has with the routes the
// contract documents and describes every difference; none when they are
// the same set, auth included.
func Drift(deployed, documented []Route) []string {
	key := func(r Route) string { return r.Method + " " + r.Path }
	byKey := map[string]Route{}
	for _, r := range documented {
		byKey[key(r)] = r
	}
	var out []string
	for _, r := range deployed {
		doc, ok := byKey[key(r)]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("serverless.yml has %s; openapi.yaml lacks it", r))
		case doc.String() != r.String():
			out = append(out, fmt.Sprintf("serverless.yml has %s; openapi.yaml documents %s", r, doc))
		}
		delete(byKey, key(r))
	}
	var rest []string
	for _, r := range byKey {
		rest = append(rest, fmt.Sprintf("openapi.yaml documents %s; serverless.yml lacks it", r))
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	if s == nil {
		s = []string{}
	}
	return s
}

func sortRoutes(rs []Route) {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Path != rs[j].Path {
			return rs[i].Path < rs[j].Path
		}
		return rs[i].Method < rs[j].Method
	})
}
