// Package apigw emulates an API Gateway HTTP API in front of Lambda
// functions: it routes by route key, runs the JWT authorizer a route names,
// builds the payload format 2.0 event (cookies, path parameters, JWT claims),
// invokes the function with it, and turns the function's answer into the
// HTTP response, with CORS as the API configures it.
//
// The event and the answer pass as values (aws-lambda-go's types), not as
// the JSON Lambda carries between API Gateway and the function on AWS: in
// one process, writing the event's JSON only for the function's entry
// point to read it back is work the local stack does not need. The limits
// that depend on the JSON's size are applied to its size all the same,
// and the functions' JSON entry points are tested on API Gateway's own
// events (their testdata) and, built, under AWS's runtime interface
// emulator.
package apigw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/eventboard/eventboard/internal/local/portguard"
)

// Invoker invokes a function with an HTTP API request event and returns
// its answer. A non-nil error is a function error (what Lambda reports as
// X-Amz-Function-Error), which API Gateway answers with a 500.
type Invoker interface {
	InvokeHTTP(ctx context.Context, function string, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
}

// Authorizer verifies the Authorization header of a request to a protected
// route, as API Gateway's JWT authorizer does.
type Authorizer interface {
	// Authorize returns the token's claims rendered as strings and its
	// scopes, or an error: ErrForbidden when a required scope is missing,
	// any other error for a token that is missing or invalid.
	Authorize(header string, requiredScopes []string) (claims map[string]string, scopes []string, err error)
}

// ErrForbidden is returned by an Authorizer for a valid token that lacks a
// required scope; API Gateway answers it with 403 instead of 401.
var ErrForbidden = errors.New("apigw: token lacks a required scope")

// Route is one route of the API.
type Route struct {
	Method   string // GET, POST, …
	Path     string // /api/posts/{id}
	Function string // the function it invokes
	// Authorized routes run the authorizer and require Scopes.
	Authorized bool
	Scopes     []string
	// Throttle is the route's own bucket (RouteSettings); nil: the
	// stage's DefaultThrottle.
	Throttle *Throttle
}

// Key is API Gateway's route key, "GET /api/posts/{id}".
func (r Route) Key() string { return r.Method + " " + r.Path }

// CORS is the API's CORS configuration.
type CORS struct {
	AllowedOrigins   []string
	AllowedHeaders   []string
	AllowedMethods   []string
	ExposedHeaders   []string
	AllowCredentials bool
	MaxAge           int
}

// Config configures a Gateway.
type Config struct {
	Routes     []Route
	Invoker    Invoker
	Authorizer Authorizer // required when a route is Authorized
	CORS       *CORS      // nil: no CORS handling
	Log        *slog.Logger
	// MaxBodyBytes is the largest request body the gateway passes on
	// (API Gateway: 10 MB); larger is a 413 without invoking anything.
	MaxBodyBytes int64
	// MaxPayloadBytes is the integration's limit on an invocation's
	// payload, the event's JSON (Lambda's synchronous limit: 6 MB). A body
	// that cannot fit is a 413 before it is read: a declared length over
	// the limit at once, a streamed body as soon as it passes it, so the
	// gateway holds at most this much per request; a body that fits but
	// whose event's JSON would not is a 413 before the function is invoked.
	MaxPayloadBytes int64
	// MaxHeaderBytes caps the request line and headers together (API
	// Gateway: 10 KB); larger is a 431 without invoking anything.
	MaxHeaderBytes int
	// DefaultThrottle is the stage's DefaultRouteSettings; nil: none.
	DefaultThrottle *Throttle
}

// Gateway is an http.Handler serving the API.
type Gateway struct {
	cfg Config
	mux *http.ServeMux
}

// New returns a Gateway for cfg.
func New(cfg Config) (*Gateway, error) {
	if cfg.Invoker == nil {
		return nil, errors.New("apigw.New: an Invoker is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 10 << 20
	}
	if cfg.MaxPayloadBytes == 0 {
		cfg.MaxPayloadBytes = 6 << 20
	}
	if cfg.MaxHeaderBytes == 0 {
		cfg.MaxHeaderBytes = portguard.MaxHeaderBytes
	}
	g := &Gateway{cfg: cfg, mux: http.NewServeMux()}
	for _, r := range cfg.Routes {
		if r.Authorized && cfg.Authorizer == nil {
			return nil, fmt.Errorf("apigw.New: route %s needs an authorizer", r.Key())
		}
		if err := g.handle(r); err != nil {
			return nil, err
		}
	}
	g.mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		writeError(w, http.StatusNotFound, "ROUTE_NOT_FOUND", "No route matches "+req.Method+" "+req.URL.Path+".", newRequestID())
	})
	return g, nil
}

func (g *Gateway) handle(r Route) (err error) {
	defer func() { // ServeMux panics on a pattern it cannot take
		if p := recover(); p != nil {
			err = fmt.Errorf("apigw.New: route %s: %v", r.Key(), p)
		}
	}()
	t := r.Throttle
	if t == nil {
		t = g.cfg.DefaultThrottle
	}
	g.mux.Handle(muxPattern(r), &routeHandler{gw: g, route: r, key: r.Key(), params: pathParams(r.Path), limiter: t.limiter()})
	return nil
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if g.cfg.CORS != nil && g.cors(w, req) {
		return
	}
	g.mux.ServeHTTP(w, req)
}

type routeHandler struct {
	gw    *Gateway
	route Route
	// key and params are the route's key and the names of its path
	// parameters, worked out once.
	key     string
	params  []string
	limiter *rate.Limiter // nil: not throttled
}

func (h *routeHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	g, route := h.gw, h.route
	requestID := newRequestID()
	// Every answer carries the request id, the function's too.
	w.Header().Set("Apigw-Requestid", requestID)
	if req.Method != route.Method { // ServeMux routes HEAD to GET; API Gateway does not
		writeError(w, http.StatusNotFound, "ROUTE_NOT_FOUND", "No route matches "+req.Method+" "+req.URL.Path+".", requestID)
		return
	}
	if portguard.HeaderBytes(req) > g.cfg.MaxHeaderBytes {
		writeError(w, http.StatusRequestHeaderFieldsTooLarge, "HEADERS_TOO_LARGE", "The request headers are too large.", requestID)
		return
	}
	if throttled(w, h.limiter, requestID) {
		return
	}
	// The authorizer runs before the body is read: an unauthorized caller
	// cannot make the gateway read megabytes.
	var authz *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
	if route.Authorized {
		// Repeated headers reach the function joined by commas, as API
		// Gateway joins them: the authorizer judges what the function sees.
		claims, scopes, err := g.cfg.Authorizer.Authorize(strings.Join(req.Header.Values("Authorization"), ","), route.Scopes)
		switch {
		case errors.Is(err, ErrForbidden):
			g.cfg.Log.Info("authorizer refused", "route", h.key, "requestId", requestID, "reason", err.Error())
			writeError(w, http.StatusForbidden, "INSUFFICIENT_SCOPE", "The access token does not allow this.", requestID)
			return
		case err != nil:
			g.cfg.Log.Info("authorizer refused", "route", h.key, "requestId", requestID, "reason", err.Error())
			w.Header().Set("WWW-Authenticate", `Bearer`)
			writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "A valid access token is required.", requestID)
			return
		}
		authz = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: scopes},
		}
	}
	body, release, err := portguard.ReadBody(req, min(g.cfg.MaxBodyBytes, g.cfg.MaxPayloadBytes))
	if errors.Is(err, portguard.ErrTooLarge) {
		tooLarge(w, requestID)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "The request could not be read.", requestID)
		return
	}
	defer release()
	ev := buildEvent(req, body, h.key, h.params, requestID)
	ev.RequestContext.Authorizer = authz
	if overPayloadLimit(ev, portguard.HeaderBytes(req), g.cfg.MaxPayloadBytes) {
		tooLarge(w, requestID)
		return
	}
	// As on API Gateway, a caller that goes away does not stop the
	// integration: the function runs to its own end (or its timeout), so a
	// reload mid-request never leaves a function's work half done.
	resp, err := g.cfg.Invoker.InvokeHTTP(context.WithoutCancel(req.Context()), route.Function, ev)
	if err != nil {
		g.internalError(w, h.key, requestID, fmt.Errorf("invoke %s: %w", route.Function, err))
		return
	}
	if err := WriteResponse(w, resp); err != nil {
		g.internalError(w, h.key, requestID, fmt.Errorf("function %s answered: %w", route.Function, err))
	}
}

// overPayloadLimit reports whether ev's JSON, the invocation's payload on
// AWS, is over max bytes. Written as JSON, a byte of the body is at most
// six ("\u00XX"), the request line and headers appear in the event at most
// three times over (headers, path and query both raw and parsed, the user
// agent again; a token's claims are shorter than the token), and the rest
// is under a kilobyte: only an event that this bound does not clear is
// written out, to be measured.
func overPayloadLimit(ev events.APIGatewayV2HTTPRequest, headerBytes int, max int64) bool {
	if bound := 6*int64(len(ev.Body)) + 6*4*int64(headerBytes) + 64<<10; bound <= max {
		return false
	}
	b, err := json.Marshal(ev)
	return err != nil || int64(len(b)) > max
}

// tooLarge answers a body the gateway or its integration would not take.
func tooLarge(w http.ResponseWriter, requestID string) {
	writeError(w, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "The request body is too large.", requestID)
}

func (g *Gateway) internalError(w http.ResponseWriter, routeKey, requestID string, err error) {
	g.cfg.Log.Error("integration failed", "route", routeKey, "requestId", requestID, "error", err)
	writeError(w, http.StatusInternalServerError, "INTERNAL", "An internal error occurred.", requestID)
}

// writeError answers in the app's error shape, so a client sees one shape
// whether the gateway or a function refused it.
func writeError(w http.ResponseWriter, status int, code, message, requestID string) {
	b, _ := json.Marshal(map[string]string{"code": code, "message": message, "requestId": requestID})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Apigw-Requestid", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func newRequestID() string { return uuid.NewString() }

// cors answers a preflight and sets the CORS headers of an actual request,
// as API Gateway does for an API with a CORS configuration. It reports
// whether it answered the request.
func (g *Gateway) cors(w http.ResponseWriter, req *http.Request) bool {
	c := g.cfg.CORS
	origin := req.Header.Get("Origin")
	allowed := origin != "" && (contains(c.AllowedOrigins, "*") || contains(c.AllowedOrigins, origin))
	preflight := req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != ""
	if allowed {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		if c.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if len(c.ExposedHeaders) > 0 && !preflight {
			h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposedHeaders, ","))
		}
		if preflight {
			h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowedMethods, ","))
			h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowedHeaders, ","))
			if c.MaxAge > 0 {
				h.Set("Access-Control-Max-Age", fmt.Sprint(c.MaxAge))
			}
		}
	}
	if preflight {
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
