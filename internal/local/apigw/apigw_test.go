package apigw_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/local/apigw"
)

// recorder is an Invoker that keeps the last event and answers with reply.
type recorder struct {
	last  events.APIGatewayV2HTTPRequest
	fn    string
	reply events.APIGatewayV2HTTPResponse
	err   error
}

func (r *recorder) InvokeHTTP(_ context.Context, fn string, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	r.fn, r.last = fn, req
	return r.reply, r.err
}

// answer is a function's answer of status with body.
func answer(status int, body string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Body: body}
}

type allowAll struct{ scopes []string }

func (a allowAll) Authorize(header string, required []string) (map[string]string, []string, error) {
	switch header {
	case "Bearer good":
		return map[string]string{"sub": "abc", "token_use": "access"}, a.scopes, nil
	case "Bearer narrow":
		return nil, nil, apigw.ErrForbidden
	}
	return nil, nil, errors.New("bad token")
}

func newGateway(t *testing.T, inv *recorder) *apigw.Gateway {
	t.Helper()
	gw, err := apigw.New(apigw.Config{
		Routes: []apigw.Route{
			{Method: "GET", Path: "/api/things/{id}", Function: "getThing"},
			{Method: "POST", Path: "/api/things", Function: "createThing", Authorized: true, Scopes: []string{"s"}},
			{Method: "GET", Path: "/api/files/{path+}", Function: "files"},
		},
		Invoker:    inv,
		Authorizer: allowAll{scopes: []string{"s"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return gw
}

func TestEventShape(t *testing.T) {
	t.Parallel()
	inv := &recorder{reply: answer(200, "ok")}
	gw := newGateway(t, inv)
	req := httptest.NewRequest("GET", "/api/things/42?a=1&a=2&b=x%20y", nil)
	req.Header.Set("Cookie", "refresh=abc; theme=dark")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	gw.ServeHTTP(httptest.NewRecorder(), req)

	ev := inv.last
	if inv.fn != "getThing" || ev.Version != "2.0" || ev.RouteKey != "GET /api/things/{id}" || ev.RequestContext.RouteKey != ev.RouteKey {
		t.Errorf("routing: fn %s, version %s, routeKey %s", inv.fn, ev.Version, ev.RouteKey)
	}
	if diff := cmp.Diff(map[string]string{"id": "42"}, ev.PathParameters); diff != "" {
		t.Errorf("path parameters (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"a": "1,2", "b": "x y"}, ev.QueryStringParameters); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"refresh=abc", "theme=dark"}, ev.Cookies); diff != "" {
		t.Errorf("cookies (-want +got):\n%s", diff)
	}
	if ev.Headers["x-multi"] != "one,two" || ev.Headers["cookie"] != "" {
		t.Errorf("headers = %v", ev.Headers)
	}
	if ev.RawPath != "/api/things/42" || ev.RawQueryString != "a=1&a=2&b=x%20y" || ev.RequestContext.HTTP.Method != "GET" {
		t.Errorf("raw path %q, query %q", ev.RawPath, ev.RawQueryString)
	}
	if ev.RequestContext.RequestID == "" || ev.RequestContext.Stage != "$default" || ev.RequestContext.Authorizer != nil {
		t.Errorf("request context = %+v", ev.RequestContext)
	}
}

func TestGreedyPath(t *testing.T) {
	t.Parallel()
	inv := &recorder{reply: answer(200, "")}
	gw := newGateway(t, inv)
	gw.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/files/a/b/c.txt", nil))
	if got := inv.last.PathParameters["path"]; got != "a/b/c.txt" {
		t.Errorf("path = %q", got)
	}
}

func TestBodies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, contentType, body string
		wantBase64              bool
	}{
		{"json text", "application/json", `{"a":"é"}`, false},
		{"invalid UTF-8 json", "application/json", "{\"a\":\"\xff\"}", true},
		{"binary", "application/octet-stream", "abc", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv := &recorder{reply: answer(201, "")}
			gw := newGateway(t, inv)
			req := httptest.NewRequest("POST", "/api/things", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			req.Header.Set("Authorization", "Bearer good")
			w := httptest.NewRecorder()
			gw.ServeHTTP(w, req)
			if w.Code != 201 {
				t.Fatalf("status %d %s", w.Code, w.Body)
			}
			got := inv.last.Body
			if inv.last.IsBase64Encoded {
				b, _ := base64.StdEncoding.DecodeString(got)
				got = string(b)
			}
			if inv.last.IsBase64Encoded != tc.wantBase64 || got != tc.body {
				t.Errorf("base64 %v body %q", inv.last.IsBase64Encoded, got)
			}
			if c := inv.last.RequestContext.Authorizer; c == nil || c.JWT.Claims["sub"] != "abc" || len(c.JWT.Scopes) != 1 {
				t.Errorf("authorizer context = %+v", c)
			}
		})
	}
}

func TestResponses(t *testing.T) {
	t.Parallel()
	inv := &recorder{reply: events.APIGatewayV2HTTPResponse{
		StatusCode: 202, Headers: map[string]string{"Content-Type": "text/plain"}, Cookies: []string{"a=1; HttpOnly", "b=2"},
		Body: "aGVsbG8=", IsBase64Encoded: true,
	}}
	gw := newGateway(t, inv)
	w := httptest.NewRecorder()
	gw.ServeHTTP(w, httptest.NewRequest("GET", "/api/things/1", nil))
	if w.Code != 202 || w.Body.String() != "hello" || w.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("got %d %q %v", w.Code, w.Body, w.Header())
	}
	if diff := cmp.Diff([]string{"a=1; HttpOnly", "b=2"}, w.Header().Values("Set-Cookie")); diff != "" {
		t.Errorf("Set-Cookie (-want +got):\n%s", diff)
	}
}

func TestRefusalsUseTheErrorShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		reply  events.APIGatewayV2HTTPResponse
		err    error
		req    *http.Request
		status int
		code   string
	}{
		{"function error", events.APIGatewayV2HTTPResponse{}, errors.New("ResourceNotFoundException: secret table name"), httptest.NewRequest("GET", "/api/things/1", nil), 500, "INTERNAL"},
		{"no status", answer(0, "just a string"), nil, httptest.NewRequest("GET", "/api/things/1", nil), 500, "INTERNAL"},
		{"no token", events.APIGatewayV2HTTPResponse{}, nil, httptest.NewRequest("POST", "/api/things", nil), 401, "UNAUTHORIZED"},
		{"missing scope", events.APIGatewayV2HTTPResponse{}, nil, withAuth(httptest.NewRequest("POST", "/api/things", nil), "Bearer narrow"), 403, "INSUFFICIENT_SCOPE"},
		{"unknown route", events.APIGatewayV2HTTPResponse{}, nil, httptest.NewRequest("GET", "/api/nope", nil), 404, "ROUTE_NOT_FOUND"},
		{"body over the gateway limit", events.APIGatewayV2HTTPResponse{}, nil, withAuth(httptest.NewRequest("POST", "/api/things", strings.NewReader(strings.Repeat("x", 11<<20))), "Bearer good"), 413, "PAYLOAD_TOO_LARGE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv := &recorder{reply: tc.reply, err: tc.err}
			gw := newGateway(t, inv)
			w := httptest.NewRecorder()
			gw.ServeHTTP(w, tc.req)
			body, _ := io.ReadAll(w.Body)
			var e struct{ Code, Message, RequestID string }
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if w.Code != tc.status || e.Code != tc.code || e.RequestID == "" {
				t.Errorf("got %d %s, want %d %s", w.Code, body, tc.status, tc.code)
			}
			if strings.Contains(string(body), "secret") {
				t.Errorf("internal detail leaked: %s", body)
			}
		})
	}
}

func withAuth(r *http.Request, h string) *http.Request {
	r.Header.Set("Authorization", h)
	return r
}

// invokerFunc adapts a function to apigw.Invoker.
type invokerFunc func(ctx context.Context, fn string, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

func (f invokerFunc) InvokeHTTP(ctx context.Context, fn string, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return f(ctx, fn, req)
}

// TestClientThatGoesAwayDoesNotCancelTheFunction guards what API Gateway
// does when a caller disconnects mid-request: the integration runs on to its
// own end. A function cancelled with its caller stops between two writes (a
// refresh token rotated at the user pool but never recorded), which never
// happens on AWS.
func TestClientThatGoesAwayDoesNotCancelTheFunction(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	ended := make(chan error, 1)
	gw, err := apigw.New(apigw.Config{
		Routes: []apigw.Route{{Method: "POST", Path: "/api/slow", Function: "slow"}},
		Invoker: invokerFunc(func(ctx context.Context, _ string, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			close(started)
			select {
			case <-ctx.Done():
				ended <- ctx.Err()
			case <-time.After(3 * time.Second): // the caller has long gone by then
				ended <- nil
			}
			return answer(204, ""), nil
		}),
		Authorizer: allowAll{},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	defer srv.Close()

	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/slow", nil)
	go func() {
		<-started
		cancel() // the caller goes away while the function runs
	}()
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("the abandoned request got an answer")
	}
	if err := <-ended; err != nil {
		t.Fatalf("the function's context ended with its caller: %v", err)
	}
}
