package httpapi

import (
	"net/url"
	"strings"

	"github.com/eventboard/eventboard/internal/apperr"
)

// ErrRouteNotFound is the answer to a path no route of the function
// matches, in the code the API answers for a path it has no route for.
var ErrRouteNotFound = apperr.New(apperr.NotFound, "ROUTE_NOT_FOUND", "No route matches this method and path.")

// FromFunctionURL reports whether req reached the function through its
// Lambda function URL (serverless.yml: url with authorizer aws_iam, which
// only the site's CloudFront distribution may call) rather than through
// API Gateway. Such an event is payload 2.0 too, but its routeKey is
// "$default", it has no pathParameters, and its authorizer context is the
// IAM identity that signed the request: CloudFront's origin access
// control, never the viewer. So its Authorization header is CloudFront's
// SigV4 signature, not a caller's credential.
//
// Only the IAM context without a JWT on the "$default" route counts: no
// route of the HTTP API uses an IAM authorizer, so an API Gateway event
// never has one, and anything else is read as API Gateway's.
func FromFunctionURL(req Request) bool {
	a := req.RequestContext.Authorizer
	return a != nil && a.IAM != nil && a.JWT == nil && req.RouteKey == "$default"
}

// RouteParameters returns the path parameters of req for the route
// routeKey, as serverless.yml declares it ("GET /api/posts/{id}"). API
// Gateway invoked the function for that route: they are its
// pathParameters, and ok is true. A function URL has no routes
// (FromFunctionURL): req's method must be the route's, and its rawPath
// must match the route's path, each {name} exactly one non-empty segment
// (percent-decoded, as API Gateway decodes it) and every other segment
// itself; ok is false when they do not, for ErrRouteNotFound, as API
// Gateway answers a request no route matches (HEAD included).
func RouteParameters(req Request, routeKey string) (params map[string]string, ok bool) {
	if !FromFunctionURL(req) {
		return req.PathParameters, true
	}
	method, template, _ := strings.Cut(routeKey, " ")
	if req.RequestContext.HTTP.Method != method {
		return nil, false
	}
	want := strings.Split(template, "/")
	got := strings.Split(req.RawPath, "/")
	if len(got) != len(want) {
		return nil, false
	}
	params = map[string]string{}
	for i, w := range want {
		if name, isParam := strings.CutPrefix(w, "{"); isParam && strings.HasSuffix(name, "}") {
			v, err := url.PathUnescape(got[i])
			if err != nil || v == "" {
				return nil, false
			}
			params[strings.TrimSuffix(name, "}")] = v
			continue
		}
		if got[i] != w {
			return nil, false
		}
	}
	return params, true
}
