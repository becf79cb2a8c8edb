package local_test

import (
	"net/http"
	"strings"
	"testing"
)

// way says which origin answered r: the function URL (its
// X-Amzn-Requestid) or API Gateway (its Apigw-Requestid).
func way(r response) string {
	url, gw := r.header.Get("X-Amzn-Requestid") != "", r.header.Get("Apigw-Requestid") != ""
	switch {
	case url && !gw:
		return "function URL"
	case gw && !url:
		return "API Gateway"
	}
	return "both or neither"
}

// TestAnonymousReadsGoThroughTheFunctionURLs: the local stack routes as
// serverless.yml's CloudFront does. An anonymous GET of a post or of the
// list reaches its function through the function URL and is public; the
// same read with a token, or a cookie, and every write, go through API
// Gateway, and a credentialed read is private. GET /local/functions counts
// the invocations that came through the URLs.
func TestAnonymousReadsGoThroughTheFunctionURLs(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	token := c.token("alice")
	created := c.do("POST", "/api/posts", token, jsonBody(map[string]string{"title": "T", "content": "C"}))
	created.want(t, http.StatusCreated, "")
	if got := way(created); got != "API Gateway" {
		t.Errorf("POST answered through %s, want API Gateway", got)
	}
	var p struct{ ID string }
	created.decode(t, &p)
	before := c.functionStatus(t)

	for _, tc := range []struct {
		name, path, token string
		headers           []string
		way, cacheControl string
	}{
		// First: cookies are not in the cache key, so once the post is
		// cached a cookie's read is answered from the edge.
		{"a post with a cookie", "/api/posts/" + p.ID, "", []string{"Cookie", "theme=dark"}, "API Gateway", "private, no-store"},
		{"an anonymous post", "/api/posts/" + p.ID, "", nil, "function URL", "public"},
		{"the anonymous list", "/api/posts?limit=5", "", nil, "function URL", "public"},
		{"a post with a token", "/api/posts/" + p.ID, token, nil, "API Gateway", "private, no-store"},
		{"the list with a token", "/api/posts?limit=5", token, nil, "API Gateway", "private, no-store"},
		{"the stats, never routed", "/api/stats", "", nil, "API Gateway", "public"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do("GET", tc.path, tc.token, nil, tc.headers...)
			r.want(t, http.StatusOK, "")
			if got := way(r); got != tc.way {
				t.Errorf("answered through %s, want %s", got, tc.way)
			}
			cc := r.header.Get("Cache-Control")
			if tc.cacheControl == "public" && !strings.HasPrefix(cc, "public, max-age=0, s-maxage=") || tc.cacheControl != "public" && cc != tc.cacheControl {
				t.Errorf("Cache-Control %q, want %s", cc, tc.cacheControl)
			}
			if !strings.Contains(string(r.body), p.ID) && !strings.HasPrefix(tc.path, "/api/stats") {
				t.Errorf("body %s lacks the post", r.body)
			}
		})
	}
	// The public answers are the edge's now: asked again, the cache
	// answers, and no function runs.
	again := c.do("GET", "/api/posts/"+p.ID, "", nil)
	if again.header.Get("X-Cache") != "Hit from cloudfront" {
		t.Errorf("the post asked again: X-Cache %q, want a hit", again.header.Get("X-Cache"))
	}
	after := c.functionStatus(t)
	for fn, want := range map[string]int{"getPost": 1, "listPosts": 1, "createPost": 0, "getStats": 0} {
		if got := after[fn].URLInvocations - before[fn].URLInvocations; got != want {
			t.Errorf("%s: %d invocations through its URL, want %d", fn, got, want)
		}
	}
	for fn, want := range map[string]int{"getPost": 3, "listPosts": 2} {
		if got := after[fn].Invocations - before[fn].Invocations; got != want {
			t.Errorf("%s: %d invocations, want %d (one through its URL, the others through API Gateway)", fn, got, want)
		}
	}

	// Writes keep going through API Gateway and its authorizer.
	del := c.do("DELETE", "/api/posts/"+p.ID, "", nil)
	del.want(t, http.StatusUnauthorized, "UNAUTHORIZED")
	if got := way(del); got != "API Gateway" {
		t.Errorf("DELETE answered through %s, want API Gateway", got)
	}
}
