package smoke_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/smoke"
)

var stages atomic.Int32

const password = "Smoke-Test-Passw0rd!"

// startSite starts `eventboard local` in-process with a built SPA and a
// confirmed test user, behind wrap (which may break what a check looks
// at), and returns the site's URL.
func startSite(t *testing.T, user string, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	dist := t.TempDir()
	if err := os.WriteFile(filepath.Join(dist, "index.html"), []byte("<!doctype html><title>Eventboard</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	stack, err := local.Start(context.Background(), local.Options{
		Stage:       fmt.Sprintf("smoke%d", stages.Add(1)),
		Addr:        "127.0.0.1:0",
		DataDir:     t.TempDir(),
		Manifest:    "../../serverless.yml",
		FrontendDir: dist,
		// Warnings and errors show why a check failed (a function's 500).
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wrap(stack.Handler()))
	t.Cleanup(func() { srv.Close(); stack.Close() })

	post := func(path string, body map[string]string) {
		b, _ := json.Marshal(body)
		resp, err := http.Post(srv.URL+path, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s = %d", path, resp.StatusCode)
		}
	}
	post("/api/auth/signup", map[string]string{"username": user, "email": user + "@example.com", "password": password})
	resp, err := http.Get(srv.URL + "/local/mailbox?username=" + user)
	if err != nil {
		t.Fatal(err)
	}
	var box struct{ Messages []struct{ Code string } }
	err = json.NewDecoder(resp.Body).Decode(&box)
	resp.Body.Close()
	if err != nil || len(box.Messages) == 0 {
		t.Fatalf("no confirmation code for %s: %v", user, err)
	}
	post("/api/auth/confirm", map[string]string{"username": user, "code": box.Messages[0].Code})
	return srv.URL
}

func TestSmokeAgainstTheLocalStack(t *testing.T) {
	t.Parallel()
	site := startSite(t, "smoke", func(h http.Handler) http.Handler { return h })
	report, err := smoke.Run(t.Context(), smoke.Config{SiteURL: site, Username: "smoke", Password: password, Within: 30 * time.Second, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_, _ = report.WriteTo(&out)
	if report.Failed() || strings.Contains(out.String(), "SKIP") {
		t.Errorf("smoke against eventboard local:\n%s", out.String())
	}
	t.Logf("\n%s", out.String())
}

// Each check fails when what it checks is broken: the stack is wrapped so
// that one condition no longer holds.
func TestSmokeFailsWhenACheckBreaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, check string
		wrap        func(http.Handler) http.Handler
	}{
		{"the SPA without its security headers", "SPA and its security headers at /", func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.ServeHTTP(headerDropper{w, "Content-Security-Policy"}, r)
			})
		}},
		{"CORS granted to any origin", "no CORS grant to a foreign origin", func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if o := r.Header.Get("Origin"); o != "" {
					w.Header().Set("Access-Control-Allow-Origin", o)
				}
				h.ServeHTTP(w, r)
			})
		}},
		{"the origin check gone", "login from a foreign Origin is refused", func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Header.Del("Origin")
				r.Header.Del("Sec-Fetch-Site")
				h.ServeHTTP(w, r)
			})
		}},
	}
	// One stack at a time: with the race detector on a busy machine, four
	// stacks at once can slow a function past its timeout.
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user := fmt.Sprintf("broken%d", i)
			site := startSite(t, user, tt.wrap)
			report, err := smoke.Run(t.Context(), smoke.Config{SiteURL: site, Username: user, Password: password, Within: 30 * time.Second, Poll: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			_, _ = report.WriteTo(&out)
			if !report.Failed() || !strings.Contains(out.String(), "FAIL "+tt.check) {
				t.Errorf("smoke did not fail %q:\n%s", tt.check, out.String())
			}
		})
	}
}

// headerDropper removes one header from what it writes.
type headerDropper struct {
	http.ResponseWriter
	header string
}

func (d headerDropper) WriteHeader(code int) {
	d.ResponseWriter.Header().Del(d.header)
	d.ResponseWriter.WriteHeader(code)
}

func (d headerDropper) Write(b []byte) (int, error) {
	d.ResponseWriter.Header().Del(d.header)
	return d.ResponseWriter.Write(b)
}

func TestRunRefusesWhatIsNotASiteURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "ftp://x", "https://x/path", "not a url"} {
		if _, err := smoke.Run(t.Context(), smoke.Config{SiteURL: u}); err == nil {
			t.Errorf("Run(%q): no error", u)
		}
	}
}

// The smoke test runs against deployed stages: it must not link the local
// stack.
func TestSmokeDoesNotLinkTheLocalStack(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/eventboard/eventboard/internal/local") {
			t.Errorf("package smoke links %s", dep)
		}
	}
}
