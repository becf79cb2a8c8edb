package local_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/openapitest"
)

// TestNoCredentialedOrPrivateAnswerIsShared walks every operation of
// api/openapi.yaml through the stack's front door, which caches /api as
// serverless.yml's distribution does. Routes with security, the auth
// routes and every write answer no-store whoever asks. A public read is
// cacheable only when asked without credentials: asked with an
// Authorization header or a cookie it answers the same body but private,
// no-store, so a credentialed request neither fills the shared entry nor
// (with a token, which is in the cache key) is served from it.
func TestNoCredentialedOrPrivateAnswerIsShared(t *testing.T) {
	t.Parallel()
	routes := openapitest.DocumentedRoutes(t)
	c := startStack(t)
	token := c.token("alice")
	newPost := func() string {
		var p struct{ ID string }
		c.do("POST", "/api/posts", token, jsonBody(map[string]string{"title": "T", "content": "C"})).decode(t, &p)
		return p.ID
	}
	const cookie = "eventboard_refresh=not-a-token; theme=dark"
	credentials := []struct {
		name    string
		token   string
		headers []string
	}{
		{"no credentials", "", nil},
		{"a bearer token", token, nil},
		{"a cookie", "", []string{"Cookie", cookie}},
		{"a bearer token and a cookie", token, []string{"Cookie", cookie}},
	}
	// Every post is written first and the counters settled, so a public
	// read's body (stats above all) is the same however it is asked.
	paths := make([]string, len(routes))
	for i, route := range routes {
		paths[i] = route.Path
		if strings.Contains(route.Path, "{id}") {
			paths[i] = strings.ReplaceAll(route.Path, "{id}", newPost())
		}
	}
	c.settle(t)
	public := func(r openapitest.Route) bool {
		return r.Method == "GET" && !r.Authorized && !strings.HasPrefix(r.Path, "/api/auth/")
	}
	// The public reads first: the writes below change what they answer.
	for i, route := range routes {
		if !public(route) {
			continue
		}
		path := paths[i]
		if route.Path == "/api/posts" {
			path += "?limit=7"
		}
		t.Run(route.String(), func(t *testing.T) { checkPublicRead(t, c, path, token, cookie) })
	}
	for i, route := range routes {
		path := paths[i]
		if public(route) {
			continue
		}
		t.Run(route.String(), func(t *testing.T) {
			body := []byte(`{}`)
			switch route.Method + " " + route.Path {
			case "POST /api/posts":
				body = jsonBody(map[string]string{"title": "T", "content": "C"})
			case "PUT /api/posts/{id}":
				body = jsonBody(map[string]any{"title": "T2", "content": "C2", "version": 1})
			}
			if route.Method == "GET" || route.Method == "DELETE" {
				body = nil
			}
			for _, cred := range credentials {
				r := c.do(route.Method, path, cred.token, body, cred.headers...)
				cc := r.header.Get("Cache-Control")
				// API Gateway's own refusals (the authorizer's 401) carry
				// no Cache-Control; the distribution keeps no error.
				if cc == "" && r.status >= 400 {
					continue
				}
				if cc != "no-store" {
					t.Errorf("with %s: %d with Cache-Control %q, want no-store", cred.name, r.status, cc)
				}
			}
		})
	}
}

// checkPublicRead asks path in the order that would expose a shared
// credentialed answer or a credentialed request served a shared one.
func checkPublicRead(t *testing.T, c *client, path, token, cookie string) {
	t.Helper()
	step := func(name, tok string, wantCache, wantXCache string, headers ...string) response {
		t.Helper()
		r := c.do("GET", path, tok, nil, headers...)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
		cc := r.header.Get("Cache-Control")
		if wantCache == "public" && !strings.HasPrefix(cc, "public, max-age=0, s-maxage=") || wantCache != "public" && cc != wantCache {
			t.Errorf("%s: Cache-Control %q, want %s", name, cc, wantCache)
		}
		if got := r.header.Get("X-Cache"); got != wantXCache {
			t.Errorf("%s: X-Cache %q, want %q", name, got, wantXCache)
		}
		return r
	}
	// A cookie's answer, asked first, is not kept for the next reader.
	withCookie := step("a cookie on an empty cache", "", "private, no-store", "Miss from cloudfront", "Cookie", cookie)
	anon := step("no credentials", "", "public", "Miss from cloudfront")
	step("no credentials again", "", "public", "Hit from cloudfront")
	// A token is in the key: never served the shared copy, never kept.
	withToken := step("a bearer token", token, "private, no-store", "Miss from cloudfront")
	step("the same token again", token, "private, no-store", "Miss from cloudfront")
	// The answer does not depend on the caller, so the copy a cookie may
	// be served (cookies are not in the key) is the one it would get.
	for name, r := range map[string]response{"a cookie": withCookie, "a bearer token": withToken} {
		if !sameJSON(r.body, anon.body) {
			t.Errorf("with %s the body differs from the public one:\n%s\n%s", name, r.body, anon.body)
		}
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}
