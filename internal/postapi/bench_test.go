package postapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/eventboard/eventboard/internal/httpapi"
)

// The in-process cost of a request through the Lambda entry point: decode
// the API Gateway event, run the handler on the in-memory store, encode the
// answer. The target for GET is 50 µs/op (docs/performance.md).

func BenchmarkGetPost(b *testing.B) {
	e := newEnv(b)
	p := e.create(b, "benchmark")
	req := fixture(b, "get-post.json")
	req.PathParameters["id"] = p.ID
	payload, _ := json.Marshal(req)
	h := lambda.NewHandler(httpapi.Lambda(slog.New(slog.DiscardHandler), e.h.Get))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreatePost(b *testing.B) {
	e := newEnv(b)
	payload, _ := json.Marshal(fixture(b, "create-post.json"))
	h := lambda.NewHandler(httpapi.Lambda(slog.New(slog.DiscardHandler), e.h.Create))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListPosts(b *testing.B) {
	e := newEnv(b)
	for range 50 {
		e.create(b, "benchmark")
	}
	req := fixture(b, "list-posts.json")
	req.RawQueryString = "limit=20"
	payload, _ := json.Marshal(req)
	h := lambda.NewHandler(httpapi.Lambda(slog.New(slog.DiscardHandler), e.h.List))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}
