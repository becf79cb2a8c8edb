package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/auth"
	"github.com/eventboard/eventboard/internal/correlation"
	"github.com/eventboard/eventboard/internal/httpapi"
	"github.com/eventboard/eventboard/internal/logging"
)

// cloudFrontSignature is the Authorization header CloudFront's origin
// access control puts on every request it sends a function URL.
const cloudFrontSignature = "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY/20261207/us-east-1/lambda/aws4_request, " +
	"SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=0123456789abcdef"

// functionURLRequest is a function URL's event for method and rawPath, as
// CloudFront's signed request produces it: routeKey $default, no path
// parameters, the signing identity in authorizer.iam.
func functionURLRequest(method, rawPath string, headers map[string]string) httpapi.Request {
	h := map[string]string{
		"authorization":        cloudFrontSignature,
		"x-amz-date":           "20261207T040000Z",
		"x-amz-security-token": "IQoJb3JpZ2luX2VjEXAMPLE",
		"x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"host":                 "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
	}
	for k, v := range headers {
		h[k] = v
	}
	req := request(h)
	req.RouteKey = "$default"
	req.RawPath = rawPath
	req.RequestContext.RouteKey = "$default"
	req.RequestContext.HTTP.Method = method
	req.RequestContext.HTTP.Path = rawPath
	req.RequestContext.DomainName = h["host"]
	req.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
			AccessKey: "ASIAEXAMPLEKEY", AccountID: "123456789012", CallerID: "AROAEXAMPLEID:OriginAccessSession",
			UserARN: "arn:aws:sts::123456789012:assumed-role/OriginAccessControlRole/OriginAccessSession", UserID: "AROAEXAMPLEID:OriginAccessSession",
		},
	}
	return req
}

func sharedCacheControl(req httpapi.Request) string {
	f := httpapi.Freshness{SharedMaxAge: 10 * time.Second}
	return httpapi.Shared(req, httpapi.Response{StatusCode: 200}, f).Headers["Cache-Control"]
}

// Through a function URL every request carries CloudFront's SigV4
// Authorization header; counted as the caller's, no anonymous read would
// ever be cached again.
func TestFunctionURLSignatureIsNotACallerCredential(t *testing.T) {
	t.Parallel()
	req := functionURLRequest("GET", "/api/posts", nil)
	if !httpapi.FromFunctionURL(req) {
		t.Fatal("a function URL's event is not recognised as one")
	}
	if httpapi.HasCredentials(req) {
		t.Error("CloudFront's signature counts as the caller's credentials")
	}
	if got := sharedCacheControl(req); got != "public, max-age=0, s-maxage=10" {
		t.Errorf("Cache-Control = %q, want the public one", got)
	}
}

// A cookie is the caller's wherever the request came from: its answer is
// never shared.
func TestFunctionURLReadWithCookieIsPrivate(t *testing.T) {
	t.Parallel()
	withHeader := functionURLRequest("GET", "/api/posts", map[string]string{"cookie": "eventboard_refresh=x"})
	withCookies := functionURLRequest("GET", "/api/posts", nil)
	withCookies.Cookies = []string{"eventboard_refresh=x"}
	for name, req := range map[string]httpapi.Request{"a cookie header": withHeader, "payload 2.0 cookies": withCookies} {
		if !httpapi.HasCredentials(req) {
			t.Errorf("%s: not credentials through a function URL", name)
		}
		if got := sharedCacheControl(req); got != httpapi.PrivateNoStore {
			t.Errorf("%s: Cache-Control = %q, want %q", name, got, httpapi.PrivateNoStore)
		}
	}
}

// Only the IAM-authorised function URL context makes a SigV4 header
// CloudFront's: through API Gateway, or in a context that only looks
// like a function URL's, it is the caller's, and the answer private.
func TestSigV4AuthorizationOutsideAFunctionURLIsACredential(t *testing.T) {
	t.Parallel()
	apiGateway := request(map[string]string{"authorization": cloudFrontSignature})
	apiGateway.RouteKey = "GET /api/posts"
	iamOnARoute := functionURLRequest("GET", "/api/posts", nil)
	iamOnARoute.RouteKey = "GET /api/posts"
	jwtToo := functionURLRequest("GET", "/api/posts", nil)
	jwtToo.RequestContext.Authorizer.JWT = &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": "s"}}
	noAuthorizer := functionURLRequest("GET", "/api/posts", nil)
	noAuthorizer.RequestContext.Authorizer = nil
	emptyAuthorizer := functionURLRequest("GET", "/api/posts", nil)
	emptyAuthorizer.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{}
	for name, req := range map[string]httpapi.Request{
		"API Gateway":                       apiGateway,
		"an IAM context on an API route":    iamOnARoute,
		"an IAM context with a JWT":         jwtToo,
		"$default without an authorizer":    noAuthorizer,
		"$default with an empty authorizer": emptyAuthorizer,
	} {
		if httpapi.FromFunctionURL(req) {
			t.Errorf("%s: taken for a function URL's event", name)
		}
		if got := sharedCacheControl(req); got != httpapi.PrivateNoStore {
			t.Errorf("%s: Cache-Control = %q, want %q", name, got, httpapi.PrivateNoStore)
		}
	}
}

// A function URL's event has an IAM identity and no JWT: the routes that
// need a caller refuse it however its headers look.
func TestFunctionURLEventHasNoCaller(t *testing.T) {
	t.Parallel()
	req := functionURLRequest("GET", "/api/posts", map[string]string{"authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdWItMSJ9.c2ln"})
	if _, err := httpapi.CallerFrom(req); code(t, err) != "UNAUTHORIZED" {
		t.Errorf("CallerFrom error %v, want UNAUTHORIZED", err)
	}
	if _, err := httpapi.Authenticate(context.Background(), req, notRevoked{}); code(t, err) != "UNAUTHORIZED" {
		t.Errorf("Authenticate error %v, want UNAUTHORIZED", err)
	}
}

// A function URL has no routes: its method and path are matched against
// the route's own, one segment per parameter, and anything else matches
// nothing.
func TestRouteParametersOfAFunctionURL(t *testing.T) {
	t.Parallel()
	const route = "GET /api/posts/{id}"
	for _, tc := range []struct {
		method, rawPath string
		want            map[string]string // nil: no match
	}{
		{"GET", "/api/posts/0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b", map[string]string{"id": "0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"}},
		{"GET", "/api/posts/a%20b", map[string]string{"id": "a b"}},
		{"GET", "/api/posts/", nil},
		{"GET", "/api/posts", nil},
		{"GET", "/api/posts/a/b", nil},
		{"GET", "/api/posts/a/", nil},
		{"GET", "/api/postsx/a", nil},
		{"GET", "/api/stats/a", nil},
		{"GET", "api/posts/a", nil},
		{"GET", "//posts/a", nil},
		{"GET", "/api/posts/%zz", nil},
		{"GET", "", nil},
		{"HEAD", "/api/posts/a", nil},
		{"POST", "/api/posts/a", nil},
		{"get", "/api/posts/a", nil},
	} {
		got, ok := httpapi.RouteParameters(functionURLRequest(tc.method, tc.rawPath, nil), route)
		if ok != (tc.want != nil) || !cmp.Equal(got, tc.want) {
			t.Errorf("%s %q: %v, %v; want %v", tc.method, tc.rawPath, got, ok, tc.want)
		}
	}
	if got, ok := httpapi.RouteParameters(functionURLRequest("GET", "/api/posts", nil), "GET /api/posts"); !ok || len(got) != 0 {
		t.Errorf("a route without parameters: %v, %v", got, ok)
	}
	// API Gateway's own are taken as they are: it routed the request.
	gw := request(nil)
	gw.RawPath = "/api/posts/x"
	gw.PathParameters = map[string]string{"id": "x"}
	if got, ok := httpapi.RouteParameters(gw, route); !ok || got["id"] != "x" {
		t.Errorf("API Gateway's: %v, %v", got, ok)
	}
}

// A function URL's event is logged and correlated as API Gateway's is:
// its request id, and the method and path it was asked (its route is
// always $default).
func TestFunctionURLRequestIsLoggedAndCorrelated(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	var seen string
	log := logging.New(&logs, slog.LevelInfo, "getPost")
	h := func(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
		seen = correlation.From(ctx)
		return httpapi.Response{}, apperr.New(apperr.NotFound, "POST_NOT_FOUND", "no such post")
	}
	resp, err := httpapi.Lambda(log, h)(context.Background(), functionURLRequest("GET", "/api/posts/p-1", nil))
	if err != nil {
		t.Fatal(err)
	}
	if seen != "req-1" || resp.Headers["X-Correlation-Id"] != "req-1" {
		t.Errorf("correlation id %q, answered %q; want the request id", seen, resp.Headers["X-Correlation-Id"])
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(logs.String()), &line); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	if line["requestId"] != "req-1" || line["route"] != "$default" || line["functionUrl"] != "GET /api/posts/p-1" || line["correlationId"] != "req-1" {
		t.Errorf("line %s", logs.String())
	}
}

// notRevoked is a session checker for which no session was signed out.
type notRevoked struct{}

func (notRevoked) IsRevoked(context.Context, auth.Session) (bool, error) { return false, nil }
