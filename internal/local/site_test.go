package local_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/local"
)

// TestSiteServesTheSPAWithTheDeployedHeaders: the SPA gets the security
// headers of serverless.yml's CloudFront policy, its client-side routes get
// index.html, and the cache headers match what the deploy uploads.
func TestSiteServesTheSPAWithTheDeployedHeaders(t *testing.T) {
	t.Parallel()
	dist := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dist, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"index.html":         "<!doctype html><title>Eventboard</title>",
		"assets/index-1.js":  "console.log(1)",
		"assets/index-1.css": "body{}",
	} {
		if err := os.WriteFile(filepath.Join(dist, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := startStackWith(t, local.Options{FrontendDir: dist})

	tests := []struct {
		path, wantBody, wantCache string
	}{
		{"/", "<!doctype html><title>Eventboard</title>", "no-cache"},
		{"/posts/019abf10-8a2e-7c41-9d0e-3f6a1b2c3d4e/edit", "<!doctype html><title>Eventboard</title>", "no-cache"},
		{"/assets/index-1.js", "console.log(1)", "public, max-age=31536000, immutable"},
	}
	for _, tt := range tests {
		r := c.do("GET", tt.path, "", nil)
		got := map[string]string{
			"status":        http.StatusText(r.status),
			"body":          string(r.body),
			"Cache-Control": r.header.Get("Cache-Control"),
			"CSP":           r.header.Get("Content-Security-Policy"),
			"nosniff":       r.header.Get("X-Content-Type-Options"),
			"frame":         r.header.Get("X-Frame-Options"),
			"HSTS":          r.header.Get("Strict-Transport-Security"),
		}
		want := map[string]string{
			"status":        "OK",
			"body":          tt.wantBody,
			"Cache-Control": tt.wantCache,
			"CSP":           "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
			"nosniff":       "nosniff",
			"frame":         "DENY",
			"HSTS":          "max-age=63072000; includeSubDomains",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
		}
	}
	// The API keeps its own answers: JSON errors, not index.html.
	if r := c.do("GET", "/api/nothing", "", nil); r.status != http.StatusNotFound || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("GET /api/nothing = %d %s, want the API's JSON 404", r.status, r.header.Get("Content-Type"))
	}
}

// A missing asset answered index.html with a one-year immutable cache
// header: a browser would keep that page as the script for a year.
func TestMissingAssetIsNotFoundAndNotCached(t *testing.T) {
	t.Parallel()
	dist := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dist, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"index.html": "<!doctype html>", "assets/index-BxK3f9aQ.js": "console.log(1)"} {
		if err := os.WriteFile(filepath.Join(dist, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := startStackWith(t, local.Options{FrontendDir: dist})
	for _, path := range []string{"/assets/missing.js", "/assets/", "/assets/sub/index-BxK3f9aQ.js", "/assets"} {
		r := c.do("GET", path, "", nil)
		if r.status != http.StatusNotFound || strings.Contains(r.header.Get("Cache-Control"), "immutable") || strings.Contains(string(r.body), "<!doctype html>") {
			t.Errorf("GET %s: %d, Cache-Control %q, body %.40q; want a 404 that is not cached and not index.html", path, r.status, r.header.Get("Cache-Control"), r.body)
		}
	}
	if r := c.do("GET", "/assets/index-BxK3f9aQ.js", "", nil); r.status != http.StatusOK || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("a real asset: %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
	}
}
