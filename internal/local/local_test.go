package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/openapitest"
	"github.com/eventboard/eventboard/internal/post"
)

// client talks to a running stack over HTTP, as curl or the SPA would.
type client struct {
	t     *testing.T
	base  string
	stack *local.Stack
}

// stages keeps the stacks of one test process apart: kumo's state is
// process-wide, so each stack gets tables of its own stage.
var stages atomic.Int64

func startStack(t *testing.T) *client {
	t.Helper()
	return startStackWith(t, local.Options{})
}

// startStackWith starts a stack with opts, filling in the stage (unless
// set), address, data directory and serverless.yml.
func startStackWith(t *testing.T, opts local.Options) *client {
	t.Helper()
	if opts.Stage == "" {
		opts.Stage = fmt.Sprintf("test%d", stages.Add(1))
	}
	opts.Addr = "127.0.0.1:8080"
	opts.DataDir = t.TempDir()
	opts.Manifest = "../../serverless.yml"
	if opts.Log == nil {
		// A function's failure (a 500) says why in the test's output.
		opts.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	stack, err := local.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(stack.Handler())
	t.Cleanup(func() { srv.Close(); stack.Close() })
	return &client{t: t, base: srv.URL, stack: stack}
}

func (c *client) token(user string) string {
	c.t.Helper()
	tok, err := c.stack.Identity().IssueAccessToken(user, time.Hour)
	if err != nil {
		c.t.Fatal(err)
	}
	return tok
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (c *client) do(method, path, token string, body []byte, headers ...string) response {
	c.t.Helper()
	return c.doWith(http.DefaultClient, method, path, token, body, headers...)
}

// doWith is do through hc (one with a source address of its own, say).
func (c *client) doWith(hc *http.Client, method, path, token string, body []byte, headers ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" { // net/http sends req.Host, not a Host header
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	openapitest.Check(c.t, req, body, resp, b)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

func (r response) want(t *testing.T, status int, code string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && status != http.StatusNoContent {
		t.Errorf("Content-Type = %q, want JSON", ct)
	}
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if code == "" {
		return
	}
	var e struct{ Code, Message, RequestID string }
	r.decode(t, &e)
	if e.Code != code || e.Message == "" || e.RequestID == "" {
		t.Errorf("error body = %s, want code %s with a message and request id", r.body, code)
	}
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestPostsLifecycle(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	alice, bob := c.token("alice"), c.token("bob")

	// Create seven posts; list them three at a time.
	var created []post.Post
	for i := range 7 {
		r := c.do("POST", "/api/posts", alice, jsonBody(map[string]string{"title": fmt.Sprintf("post %d", i), "content": "hello"}))
		r.want(t, http.StatusCreated, "")
		var p post.Post
		r.decode(t, &p)
		if loc := r.header.Get("Location"); loc != "/api/posts/"+p.ID {
			t.Errorf("Location = %q", loc)
		}
		created = append(created, p)
	}
	var want []string
	for _, p := range slices.Backward(created) {
		want = append(want, p.ID)
	}
	var got []string
	path, pages := "/api/posts?limit=3", 0
	for {
		r := c.do("GET", path, "", nil)
		r.want(t, http.StatusOK, "")
		var page post.Page
		r.decode(t, &page)
		pages++
		for _, p := range page.Posts {
			got = append(got, p.ID)
		}
		if page.NextCursor == "" || pages > 10 {
			break
		}
		path = "/api/posts?limit=3&cursor=" + page.NextCursor
	}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("listing in %d pages (-want +got):\n%s", pages, diff)
	}

	p := created[0]
	r := c.do("GET", "/api/posts/"+p.ID, "", nil)
	r.want(t, http.StatusOK, "")
	var fetched post.Post
	r.decode(t, &fetched)
	if diff := cmp.Diff(p, fetched); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	edit := map[string]any{"title": "edited", "content": "changed", "version": 1}
	c.do("PUT", "/api/posts/"+p.ID, bob, jsonBody(edit)).want(t, http.StatusForbidden, "NOT_POST_AUTHOR")
	r = c.do("PUT", "/api/posts/"+p.ID, alice, jsonBody(edit))
	r.want(t, http.StatusOK, "")
	var updated post.Post
	r.decode(t, &updated)
	if updated.Version != 2 || updated.Title != "edited" || !updated.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("updated = %+v", updated)
	}
	c.do("PUT", "/api/posts/"+p.ID, alice, jsonBody(edit)).want(t, http.StatusConflict, "VERSION_CONFLICT")

	c.do("DELETE", "/api/posts/"+p.ID, bob, nil).want(t, http.StatusForbidden, "NOT_POST_AUTHOR")
	c.do("DELETE", "/api/posts/"+p.ID, alice, nil).want(t, http.StatusNoContent, "")
	// The author reads with a token, which the edge cache keys apart.
	c.do("GET", "/api/posts/"+p.ID, alice, nil).want(t, http.StatusNotFound, "POST_NOT_FOUND")
	c.do("PUT", "/api/posts/"+p.ID, alice, jsonBody(map[string]any{"title": "x", "content": "y", "version": 2})).want(t, http.StatusNotFound, "POST_NOT_FOUND")
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	alice := c.token("alice")
	expired, err := c.stack.Identity().IssueAccessToken("alice", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)

	for _, tc := range []struct {
		name         string
		method, path string
		token        string
		body         []byte
		status       int
		code         string
	}{
		{"no token", "POST", "/api/posts", "", jsonBody(map[string]string{"title": "a", "content": "b"}), 401, "UNAUTHORIZED"},
		{"garbage token", "POST", "/api/posts", "not.a.jwt", jsonBody(map[string]string{"title": "a", "content": "b"}), 401, "UNAUTHORIZED"},
		{"expired token", "POST", "/api/posts", expired, jsonBody(map[string]string{"title": "a", "content": "b"}), 401, "UNAUTHORIZED"},
		{"tampered token", "POST", "/api/posts", alice[:len(alice)-4] + "AAAA", jsonBody(map[string]string{"title": "a", "content": "b"}), 401, "UNAUTHORIZED"},
		{"malformed JSON", "POST", "/api/posts", alice, []byte(`{"title":`), 400, "INVALID_JSON"},
		{"wrong types", "POST", "/api/posts", alice, []byte(`{"title":true,"content":"b"}`), 400, "INVALID_FIELD_TYPE"},
		{"missing field", "POST", "/api/posts", alice, []byte(`{"title":"a"}`), 400, "MISSING_FIELD"},
		{"blank title", "POST", "/api/posts", alice, []byte(`{"title":"   ","content":"b"}`), 400, "INVALID_TITLE"},
		{"over-long title", "POST", "/api/posts", alice, jsonBody(map[string]string{"title": strings.Repeat("t", 201), "content": "b"}), 400, "INVALID_TITLE"},
		{"body over 64 KiB", "POST", "/api/posts", alice, jsonBody(map[string]string{"title": "a", "content": strings.Repeat("c", 70000)}), 413, "PAYLOAD_TOO_LARGE"},
		{"invalid UTF-8", "POST", "/api/posts", alice, []byte("{\"title\":\"\xc3\x28\",\"content\":\"b\"}"), 400, "INVALID_UTF8"},
		{"limit out of range", "GET", "/api/posts?limit=500", "", nil, 400, "INVALID_LIMIT"},
		{"garbled cursor", "GET", "/api/posts?cursor=garbage", "", nil, 400, "INVALID_CURSOR"},
		{"id not a UUID", "GET", "/api/posts/12", "", nil, 400, "INVALID_POST_ID"},
		{"update id not a UUID", "PUT", "/api/posts/12", alice, []byte(`{"title":"a","content":"b","version":1}`), 400, "INVALID_POST_ID"},
		{"no such route", "GET", "/api/nothing", "", nil, 404, "ROUTE_NOT_FOUND"},
		{"no such method", "PATCH", "/api/posts", "", nil, 404, "ROUTE_NOT_FOUND"},
		{"HEAD is not GET", "HEAD", "/api/posts", "", nil, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.do(tc.method, tc.path, tc.token, tc.body).want(t, tc.status, tc.code)
		})
	}
	var page post.Page
	c.do("GET", "/api/posts", "", nil).decode(t, &page)
	if len(page.Posts) != 0 {
		t.Errorf("bad input created %d posts", len(page.Posts))
	}
}

// CORS is open on the local stage only, for a frontend dev server on its
// own port; deployed stages share one origin and have none.
func TestCORS(t *testing.T) {
	t.Parallel()
	c := startStackWith(t, local.Options{Stage: "local"})
	r := c.do("OPTIONS", "/api/posts", "", nil,
		"Origin", "http://localhost:5173", "Access-Control-Request-Method", "POST")
	if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") ||
		r.header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("allowed preflight: %d %v", r.status, r.header)
	}
	r = c.do("OPTIONS", "/api/posts", "", nil,
		"Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", r.header)
	}
	r = c.do("GET", "/api/stats", "", nil, "Origin", "http://localhost:5173")
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("simple request from allowed origin: %d %v", r.status, r.header)
	}
	// An anonymous read of posts reaches its function through the
	// function URL (apireads.go), past API Gateway and its CORS: the URLs
	// declare none in serverless.yml, as on AWS, where no stage opens
	// CORS. The SPA's dev server proxies /api, so it reads same-origin.
	r = c.do("GET", "/api/posts", "", nil, "Origin", "http://localhost:5173")
	if r.status != 200 || r.header.Get("X-Amzn-Requestid") == "" || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("anonymous read through the function URL: %d %v", r.status, r.header)
	}
}

func TestEveryRouteOfServerlessYMLIsServed(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	for _, fn := range c.stack.Manifest().Functions {
		for _, route := range fn.Routes {
			path := strings.ReplaceAll(route.Path, "{id}", uuid.Must(uuid.NewV7()).String())
			r := c.do(route.Method, path, c.token("alice"), []byte(`{}`))
			var e struct{ Code string }
			_ = json.Unmarshal(r.body, &e)
			if e.Code == "ROUTE_NOT_FOUND" || r.status >= 500 {
				t.Errorf("%s (%s): %d %s", route.Key(), fn.Name, r.status, r.body)
			}
		}
	}
}

func TestJWKSServed(t *testing.T) {
	t.Parallel()
	c := startStack(t)
	r := c.do("GET", "/local/cognito/"+local.PoolID+"/.well-known/jwks.json", "", nil)
	var jwks struct {
		Keys []struct{ Kid, Alg, Kty string }
	}
	r.decode(t, &jwks)
	if r.status != 200 || len(jwks.Keys) != 1 || jwks.Keys[0].Alg != "RS256" {
		t.Errorf("jwks: %d %s", r.status, r.body)
	}
}
