package apigw_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/internal/local/apigw"
)

// The gateway's own work on a request, with a function that answers at
// once: route, build the payload 2.0 event, and write the function's
// answer. A read of one post as the load run
// sends it (internal/local/load_test.go), and the post as getPost answers.

func BenchmarkGatewayRead(b *testing.B) {
	benchmarkGateway(b, "GET", "/api/things/01JEXAMPLE0000000000000000", "")
}

// BenchmarkGatewayAuthorized is a write to an authorized route: the
// claims in the event, and a JSON body.
func BenchmarkGatewayAuthorized(b *testing.B) {
	benchmarkGateway(b, "POST", "/api/things", "Bearer good")
}

func benchmarkGateway(b *testing.B, method, path, authorization string) {
	post, _ := json.Marshal(map[string]any{
		"id": "01JEXAMPLE0000000000000000", "title": "load", "content": strings.Repeat("x", 500),
		"author":    map[string]string{"sub": "f0e1d2c3-b4a5-4697-8877-665544332211", "username": "alice"},
		"createdAt": "2026-12-01T10:00:00Z", "updatedAt": "2026-12-01T10:00:00Z", "version": 1,
	})
	reply := events.APIGatewayV2HTTPResponse{
		StatusCode: 200,
		Headers: map[string]string{
			"Content-Type":     "application/json; charset=utf-8",
			"Cache-Control":    "public, max-age=0, s-maxage=5, stale-while-revalidate=25",
			"X-Correlation-Id": "3f6c2a9e-8d41-4b7a-9c15-2e0f7d6b8a43",
		},
		Body: string(post),
	}
	gw, err := apigw.New(apigw.Config{
		Routes: []apigw.Route{
			{Method: "GET", Path: "/api/things/{id}", Function: "getThing"},
			{Method: "POST", Path: "/api/things", Function: "createThing", Authorized: true, Scopes: []string{"s"}},
		},
		Invoker: invokerFunc(func(_ context.Context, _ string, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			if req.RequestContext.RequestID == "" {
				b.Fatal("no event")
			}
			return reply, nil
		}),
		Authorizer: allowAll{scopes: []string{"s"}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var body io.Reader
		if method == "POST" {
			body = strings.NewReader(`{"title":"load","content":"x"}`)
		}
		req := httptest.NewRequest(method, path, body)
		req.Host = "execute-api.localhost"
		req.RemoteAddr = "127.0.0.1:50000"
		req.Header.Set("User-Agent", "Go-http-client/1.1")
		req.Header.Set("Accept-Encoding", "gzip")
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Cookie", "theme=dark")
		}
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d %s", w.Code, w.Body)
		}
	}
}
