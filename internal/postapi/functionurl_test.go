package postapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/httpapi/httpapitest"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/post"
	"github.com/eventboard/eventboard/internal/postapi"
)

// The handlers match a function URL's request against the routes
// serverless.yml gives listPosts and getPost: a route renamed there and
// not here would answer every direct read 404.
func TestReadRoutesAreServerlessYMLs(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for fn, want := range map[string]string{"listPosts": postapi.ListRoute, "getPost": postapi.GetRoute} {
		f, ok := m.Function(fn)
		if !ok {
			t.Fatalf("serverless.yml has no function %s", fn)
		}
		var got []string
		for _, r := range f.Routes {
			got = append(got, r.Key())
		}
		if diff := cmp.Diff([]string{want}, got); diff != "" {
			t.Errorf("%s's routes (-postapi +serverless.yml):\n%s", fn, diff)
		}
	}
}

// The function URL fixtures are anonymous reads as CloudFront sends them
// through the origin access control: signed, on the $default route, with
// no path parameters.
func TestFunctionURLFixturesAreFunctionURLEvents(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"get-post-function-url.json", "list-posts-function-url.json"} {
		req := fixture(t, name)
		if !httpapi.FromFunctionURL(req) || req.PathParameters != nil || httpapi.HasCredentials(req) {
			t.Errorf("%s: function URL %v, path parameters %v, credentials %v", name, httpapi.FromFunctionURL(req), req.PathParameters, httpapi.HasCredentials(req))
		}
	}
	for _, name := range []string{"get-post.json", "list-posts.json"} {
		if httpapi.FromFunctionURL(fixture(t, name)) {
			t.Errorf("%s, an API Gateway event, taken for a function URL's", name)
		}
	}
}

// getPost reads the id from a function URL's path, which has no path
// parameters, and serves the post as it does through API Gateway: public,
// from the shared read.
func TestGetThroughTheFunctionURL(t *testing.T) {
	t.Parallel()
	h, store, p := spiedHandlers(t)
	req := fixture(t, "get-post-function-url.json")
	req.RawPath = "/api/posts/" + p.ID
	req.RequestContext.HTTP.Path = req.RawPath
	resp := httpapitest.Invoke(t, h.Get, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
	}
	if diff := cmp.Diff(p, decode[post.Post](t, resp)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if cc := resp.Headers["Cache-Control"]; cc != postapi.PostFreshness.CacheControl() {
		t.Errorf("Cache-Control %q, want %q", cc, postapi.PostFreshness.CacheControl())
	}
	if store.shared != 1 || store.latest != 0 {
		t.Errorf("%d shared and %d consistent reads, want the shared one", store.shared, store.latest)
	}

	// A cookie is the caller's: the consistent read, and private.
	store.shared, store.latest = 0, 0
	req.Cookies = []string{"eventboard_refresh=x"}
	resp = httpapitest.Invoke(t, h.Get, req)
	if resp.StatusCode != http.StatusOK || resp.Headers["Cache-Control"] != httpapi.PrivateNoStore || store.latest != 1 {
		t.Errorf("with a cookie: %d, Cache-Control %q, %d consistent reads", resp.StatusCode, resp.Headers["Cache-Control"], store.latest)
	}
}

// A path that is not one post's, or a method other than GET, is no route
// of getPost: 404 ROUTE_NOT_FOUND as API Gateway answers it (HEAD
// included), never a panic nor a read of another id.
func TestGetThroughTheFunctionURLRefusesOtherPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.create(t, "hello")
	for _, tc := range []struct {
		rawPath string
		status  int
		code    string
		method  string // GET if empty
	}{
		{"/api/posts/" + p.ID, 404, "ROUTE_NOT_FOUND", "HEAD"},
		{"/api/posts/" + p.ID, 404, "ROUTE_NOT_FOUND", "DELETE"},
		{"/api/posts/", 404, "ROUTE_NOT_FOUND", ""},
		{"/api/posts", 404, "ROUTE_NOT_FOUND", ""},
		{"/api/posts/" + p.ID + "/", 404, "ROUTE_NOT_FOUND", ""},
		{"/api/posts/" + p.ID + "/x", 404, "ROUTE_NOT_FOUND", ""},
		{"/api/postsx/" + p.ID, 404, "ROUTE_NOT_FOUND", ""},
		{"/api/stats", 404, "ROUTE_NOT_FOUND", ""},
		{"/", 404, "ROUTE_NOT_FOUND", ""},
		{"", 404, "ROUTE_NOT_FOUND", ""},
		{"/api/posts/%zz", 404, "ROUTE_NOT_FOUND", ""},
		{"/api/posts/not-a-uuid", 400, "INVALID_POST_ID", ""},
		{"/api/posts/" + url.PathEscape("{"+p.ID+"}"), 400, "INVALID_POST_ID", ""},
	} {
		t.Run(tc.method+" "+tc.rawPath, func(t *testing.T) {
			t.Parallel()
			req := fixture(t, "get-post-function-url.json")
			req.RawPath, req.RequestContext.HTTP.Path = tc.rawPath, tc.rawPath
			if tc.method != "" {
				req.RequestContext.HTTP.Method = tc.method
			}
			resp, err := httpapi.Lambda(slog.New(slog.DiscardHandler), e.h.Get)(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, resp, tc.status, tc.code)
			if resp.Headers["Cache-Control"] != httpapi.NoStore {
				t.Errorf("Cache-Control %q, want no-store", resp.Headers["Cache-Control"])
			}
		})
	}
}

// listPosts reads only the query string, which a function URL's event has
// as API Gateway's does: the same pages, public.
func TestListThroughTheFunctionURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var want []string
	for i := range 3 {
		want = append([]string{e.create(t, "post "+string(rune('a'+i))).ID}, want...)
	}
	req := fixture(t, "list-posts-function-url.json")
	got := pageThrough(t, e, req, 3, func(resp httpapi.Response) {
		if cc := resp.Headers["Cache-Control"]; cc != postapi.PageFreshness.CacheControl() {
			t.Errorf("Cache-Control %q, want %q", cc, postapi.PageFreshness.CacheControl())
		}
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	req.RawQueryString = "limit=0"
	wantError(t, httpapitest.Invoke(t, e.h.List, req), 400, "INVALID_LIMIT")

	// Its URL's other methods and paths are no route, as API Gateway
	// answers them.
	for _, other := range []struct{ method, path string }{{"HEAD", "/api/posts"}, {"POST", "/api/posts"}, {"GET", "/api/posts/"}, {"GET", "/"}} {
		req := fixture(t, "list-posts-function-url.json")
		req.RequestContext.HTTP.Method, req.RawPath = other.method, other.path
		resp, err := httpapi.Lambda(slog.New(slog.DiscardHandler), e.h.List)(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, resp, 404, "ROUTE_NOT_FOUND")
	}
}
