package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/correlation"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/logging"
)

func request(headers map[string]string) httpapi.Request {
	var req httpapi.Request
	req.Headers = headers
	req.RequestContext.RequestID = "req-1"
	return req
}

func TestLambdaMapsErrorsAndPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		h      httpapi.Handler
		status int
		code   string
	}{
		{"app error", func(context.Context, httpapi.Request) (httpapi.Response, error) {
			return httpapi.Response{}, apperr.New(apperr.Conflict, "VERSION_CONFLICT", "stale")
		}, 409, "VERSION_CONFLICT"},
		{"internal error", func(context.Context, httpapi.Request) (httpapi.Response, error) {
			return httpapi.Response{}, errors.New("dynamodb: ProvisionedThroughputExceeded on table secret-name")
		}, 500, "INTERNAL"},
		{"panic", func(context.Context, httpapi.Request) (httpapi.Response, error) {
			panic("nil map in handler")
		}, 500, "INTERNAL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, err := httpapi.Lambda(slog.New(slog.DiscardHandler), tc.h)(context.Background(), request(nil))
			if err != nil {
				t.Fatalf("function error %v: API Gateway would answer without the error shape", err)
			}
			var body httpapi.ErrorBody
			if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || body.Code != tc.code || body.RequestID != "req-1" {
				t.Errorf("got %d %+v", resp.StatusCode, body)
			}
			if strings.Contains(resp.Body, "secret") || strings.Contains(resp.Body, "nil map") {
				t.Errorf("internal detail leaked: %s", resp.Body)
			}
			if resp.Headers["Content-Type"] == "" || resp.Headers["X-Correlation-Id"] != "req-1" {
				t.Errorf("headers = %v", resp.Headers)
			}
		})
	}
}

// A client that gave up (context canceled) was logged at ERROR as a failed
// request; a deadline that passed still is.
func TestClientThatGaveUpIsNotLoggedAsFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ctx       func() (context.Context, context.CancelFunc)
		wantLevel string
	}{
		{"the client gave up", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, "INFO"},
		{"the deadline passed", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 0)
		}, "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs strings.Builder
			log := slog.New(slog.NewJSONHandler(&logs, nil))
			ctx, cancel := tt.ctx()
			defer cancel()
			h := func(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
				<-ctx.Done()
				return httpapi.Response{}, fmt.Errorf("dynamo.PostStore.Get: operation error DynamoDB: GetItem: %w", ctx.Err())
			}
			resp, err := httpapi.Lambda(log, h)(ctx, request(nil))
			if err != nil || resp.StatusCode != 500 {
				t.Fatalf("got %d, %v; want the 500 error shape", resp.StatusCode, err)
			}
			var line struct{ Level string }
			if err := json.Unmarshal([]byte(logs.String()), &line); err != nil {
				t.Fatalf("log %q: %v", logs.String(), err)
			}
			if line.Level != tt.wantLevel {
				t.Errorf("logged at %s, want %s: %s", line.Level, tt.wantLevel, logs.String())
			}
		})
	}
}

func TestCorrelationID(t *testing.T) {
	t.Parallel()
	var seen string
	h := httpapi.Lambda(slog.New(slog.DiscardHandler), func(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
		seen = correlation.From(ctx)
		return httpapi.NoContent(), nil
	})
	for _, tc := range []struct{ header, want string }{
		{"", "req-1"},
		{"trace-42", "trace-42"},
		{"bad id with spaces", "req-1"},
		{strings.Repeat("x", 200), "req-1"},
	} {
		resp, _ := h(context.Background(), request(map[string]string{"x-correlation-id": tc.header}))
		if seen != tc.want || resp.Headers["X-Correlation-Id"] != tc.want {
			t.Errorf("header %q: context %q, response %q; want %q", tc.header, seen, resp.Headers["X-Correlation-Id"], tc.want)
		}
	}
}

// A 429 from a function (a throttled Cognito call, a lockout) said nothing
// of when to try again, unlike API Gateway's own 429s.
func TestTooManyRequestsSaysWhenToRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  *apperr.Error
		want string
	}{
		{"no wait known", apperr.New(apperr.TooManyRequests, "TOO_MANY_REQUESTS", "slow down"), "1"},
		{"a known wait, rounded up", &apperr.Error{Kind: apperr.TooManyRequests, Code: "TOO_MANY_REQUESTS", Message: "slow down", RetryAfter: 2500 * time.Millisecond}, "3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := func(context.Context, httpapi.Request) (httpapi.Response, error) { return httpapi.Response{}, tc.err }
			resp, _ := httpapi.Lambda(slog.New(slog.DiscardHandler), h)(context.Background(), request(nil))
			if resp.StatusCode != 429 || resp.Headers["Retry-After"] != tc.want {
				t.Errorf("got %d, Retry-After %q; want 429, %q", resp.StatusCode, resp.Headers["Retry-After"], tc.want)
			}
		})
	}
	conflict, _ := httpapi.Lambda(slog.New(slog.DiscardHandler), func(context.Context, httpapi.Request) (httpapi.Response, error) {
		return httpapi.Response{}, apperr.New(apperr.Conflict, "VERSION_CONFLICT", "stale")
	})(context.Background(), request(nil))
	if v, ok := conflict.Headers["Retry-After"]; ok {
		t.Errorf("a 409 carries Retry-After %q", v)
	}
}

// A request's log line names the function, then the request and its route,
// then what happened, then the correlation id: the order a logger made
// With the request's ids wrote, which the lines keep without one.
func TestLambdaLogLineCarriesTheRequestsIDsInOrder(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	log := logging.New(&logs, slog.LevelInfo, "getPost")
	req := request(map[string]string{"x-correlation-id": "corr-1"})
	req.RouteKey = "GET /api/posts/{id}"
	h := func(context.Context, httpapi.Request) (httpapi.Response, error) {
		return httpapi.Response{}, apperr.New(apperr.NotFound, "POST_NOT_FOUND", "no such post")
	}
	if _, err := httpapi.Lambda(log, h)(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(logs.String()))
	var keys []string
	values := map[string]any{}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("log %q", logs.String())
	}
	for dec.More() {
		tok, _ := dec.Token()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("log %q: %v", logs.String(), err)
		}
		keys = append(keys, tok.(string))
		values[tok.(string)] = v
	}
	want := []string{"time", "level", "msg", "function", "requestId", "route", "code", "error", "correlationId"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s\nline %s", diff, logs.String())
	}
	if values["requestId"] != "req-1" || values["route"] != "GET /api/posts/{id}" || values["correlationId"] != "corr-1" || values["code"] != "POST_NOT_FOUND" {
		t.Errorf("line %s", logs.String())
	}
}
