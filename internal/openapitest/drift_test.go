package openapitest_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/openapitest"
)

// deployedRoutes reads the HTTP API routes of a serverless.yml.
func deployedRoutes(t *testing.T, path string) []openapitest.Route {
	t.Helper()
	m, err := manifest.Load(path, manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var routes []openapitest.Route
	for _, fn := range m.Functions {
		for _, r := range fn.Routes {
			route := openapitest.Route{Method: r.Method, Path: r.Path, Authorized: r.Authorizer != ""}
			if route.Authorized {
				route.Scopes = slices.Sorted(slices.Values(r.Scopes))
			}
			routes = append(routes, route)
		}
	}
	return routes
}

// TestRoutesMatchServerlessYML holds api/openapi.yaml to serverless.yml:
// the same routes, each with the same auth at the gateway.
func TestRoutesMatchServerlessYML(t *testing.T) {
	t.Parallel()
	root, err := openapitest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	deployed, documented := deployedRoutes(t, filepath.Join(root, "serverless.yml")), openapitest.DocumentedRoutes(t)
	if len(deployed) == 0 {
		t.Fatal("serverless.yml has no routes")
	}
	if drift := openapitest.Drift(deployed, documented); len(drift) > 0 {
		t.Errorf("serverless.yml and %s disagree:\n%s", openapitest.SpecPath, cmp.Diff([]string(nil), drift))
	}
}

// plus is base with the routes of extra it lacks.
func plus(base, extra []openapitest.Route) []openapitest.Route {
	out := slices.Clone(base)
	for _, r := range extra {
		if !slices.ContainsFunc(base, func(b openapitest.Route) bool { return b.Method == r.Method && b.Path == r.Path }) {
			out = append(out, r)
		}
	}
	return out
}

// TestDriftIsReported shows the drift check failing on each way the two
// can part.
func TestDriftIsReported(t *testing.T) {
	t.Parallel()
	root, err := openapitest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	real := deployedRoutes(t, filepath.Join(root, "serverless.yml"))
	without := func(method, path string) []openapitest.Route {
		return slices.DeleteFunc(slices.Clone(real), func(r openapitest.Route) bool { return r.Method == method && r.Path == path })
	}
	made := func(method, path string, edit func(*openapitest.Route)) []openapitest.Route {
		rs := slices.Clone(real)
		for i := range rs {
			if rs[i].Method == method && rs[i].Path == path {
				edit(&rs[i])
			}
		}
		return rs
	}
	tests := []struct {
		name     string
		deployed []openapitest.Route
		want     []string
	}{
		{
			name:     "serverless.yml gains a route",
			deployed: plus(real, deployedRoutes(t, filepath.Join("testdata", "serverless-extra-route.yml"))),
			want:     []string{"serverless.yml has GET /api/export (JWT aws.cognito.signin.user.admin); openapi.yaml lacks it"},
		},
		{
			name:     "serverless.yml loses a route",
			deployed: without("GET", "/api/stats"),
			want:     []string{"openapi.yaml documents GET /api/stats (public); serverless.yml lacks it"},
		},
		{
			name:     "a route loses its authorizer",
			deployed: made("DELETE", "/api/posts/{id}", func(r *openapitest.Route) { r.Authorized, r.Scopes = false, nil }),
			want:     []string{"serverless.yml has DELETE /api/posts/{id} (public); openapi.yaml documents DELETE /api/posts/{id} (JWT aws.cognito.signin.user.admin)"},
		},
		{
			name:     "a route needs another scope",
			deployed: made("GET", "/api/myinfo", func(r *openapitest.Route) { r.Scopes = []string{"openid"} }),
			want:     []string{"serverless.yml has GET /api/myinfo (JWT openid); openapi.yaml documents GET /api/myinfo (JWT aws.cognito.signin.user.admin)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := openapitest.Drift(tt.deployed, openapitest.DocumentedRoutes(t))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("drift (-want +got):\n%s", diff)
			}
		})
	}
}
