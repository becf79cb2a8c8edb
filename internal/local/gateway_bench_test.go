package local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/post"
)

// The stack's side of TestLoadGetPost, one request at a time and without
// the network between client and server, so that what the stack adds to a
// request is the difference between BenchmarkGatewayGetPost and
// BenchmarkMinimalGetPost: both read the same post from the same kumo with
// a consistent GetItem over loopback. Each also reports the process's CPU
// time per request (cpu-µs/op), which other work on a shared machine
// disturbs less than the time per request.

// BenchmarkGatewayGetPost serves GET /api/posts/{id} through the stack's
// handler: the gateway, the function's Lambda entry point, its handler and
// kumo's GetItem.
func BenchmarkGatewayGetPost(b *testing.B) {
	stack, id := benchStack(b)
	h := stack.Handler()
	b.ReportAllocs()
	cpu := cpuTime(b)
	for b.Loop() {
		serveGet(b, h, "/api/posts/"+id)
	}
	reportCPU(b, cpu)
}

// BenchmarkMinimalGetPost serves the same request from the load run's
// minimal net/http server.
func BenchmarkMinimalGetPost(b *testing.B) {
	stack, id := benchStack(b)
	getPost, _ := stack.Manifest().Function("getPost")
	h := minimalGetServer(emulator.DynamoDB(stack.AWSEndpoint()), getPost.Environment["POSTS_TABLE"])
	b.ReportAllocs()
	cpu := cpuTime(b)
	for b.Loop() {
		serveGet(b, h, "/api/posts/"+id)
	}
	reportCPU(b, cpu)
}

// benchStack starts a stack as the load run does and creates one post in
// it.
func benchStack(b *testing.B) (*local.Stack, string) {
	b.Helper()
	stack, err := local.Start(context.Background(), local.Options{
		Stage:       fmt.Sprintf("bench%d", stages.Add(1)),
		Addr:        "127.0.0.1:8080",
		DataDir:     b.TempDir(),
		Manifest:    "../../serverless.yml",
		Log:         slog.New(slog.DiscardHandler),
		Unthrottled: true,
		NoEdgeCache: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(stack.Close)
	token, err := stack.Identity().IssueAccessToken("alice", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"title": "load", "content": strings.Repeat("x", 500)})
	req := httptest.NewRequest("POST", "/api/posts", strings.NewReader(string(body)))
	req.Host = "127.0.0.1:8080"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	stack.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		b.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var p post.Post
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		b.Fatal(err)
	}
	return stack, p.ID
}

// serveGet sends h a GET of path as the load run's Go client does, from a
// loopback address, and fails on any answer but 200.
func serveGet(b *testing.B, h http.Handler, path string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Host = "127.0.0.1:8080"
	req.RemoteAddr = "127.0.0.1:50000"
	req.Header.Set("User-Agent", "Go-http-client/1.1")
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
}

// reportCPU reports the CPU time used since start per op, as cpu-µs/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime(b)-start).Microseconds())/float64(b.N), "cpu-µs/op")
}
