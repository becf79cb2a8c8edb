package local

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/local/apigw"
	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/manifest"
)

// apiReadsFunction is the logical ID of serverless.yml's CloudFront
// function that sends the anonymous reads of posts to the functions' URLs.
// apiReadsOrigin is its rules in Go; testdata/api-reads-routing.json holds
// both to the same cases.
const apiReadsFunction = "ApiReadsRouting"

// The origins ApiReadsRouting selects, by the distribution's origin ids.
const (
	listURLOrigin = "list-url"
	postURLOrigin = "post-url"
)

// postURI is the uri of one post as ApiReadsRouting matches it.
var postURI = regexp.MustCompile(`^/api/posts/[^/]+$`)

// apiReadsOrigin is ApiReadsRouting's choice for a request: the id of the
// origin it selects, or "" to keep the behaviour's (API Gateway). An
// anonymous request (no Authorization header, even an empty one, and no
// cookie) with method GET goes to the list's function URL when its
// uri is /api/posts, to the post's when it is /api/posts/ and one segment.
// uri is the path without the query string, as CloudFront Functions see it.
func apiReadsOrigin(method, uri string, h http.Header) string {
	_, authorization := h["Authorization"]
	if authorization || hasCookies(h) || method != http.MethodGet {
		return ""
	}
	switch {
	case uri == "/api/posts":
		return listURLOrigin
	case postURI.MatchString(uri):
		return postURLOrigin
	}
	return ""
}

// hasCookies reports whether h carries any cookie, as CloudFront parses
// them into a function's request.cookies.
func hasCookies(h http.Header) bool {
	for _, v := range h["Cookie"] {
		for c := range strings.SplitSeq(v, ";") {
			if strings.TrimSpace(c) != "" {
				return true
			}
		}
	}
	return false
}

// apiReads stands in for ApiReadsRouting, the viewer-request function of
// the distribution's /api/posts behaviours, and for the function URL
// origins it selects. Which function is behind which origin is read from
// serverless.yml: the origins of the distribution whose DomainName is the
// FunctionUrl of a function's <Fn>LambdaFunctionUrl, for a function that
// declares url. On AWS: CloudFront, its origin access control, and
// Lambda's function URLs.
type apiReads struct {
	behaviors []routedBehavior // the distribution's cache behaviours, in order
	origins   map[string]*urlOrigin
	invoker   apigw.Invoker
	region    string
	log       *slog.Logger
}

// routedBehavior is one cache behaviour: its path pattern, and whether it
// runs ApiReadsRouting on viewer requests.
type routedBehavior struct {
	match  *regexp.Regexp
	routed bool
}

// urlOrigin is one function URL origin of the distribution.
type urlOrigin struct {
	ID       string // the distribution's origin id, list-url
	Function string // the function whose URL it is, listPosts
	// Host is the URL's domain, the Host the function sees: on AWS
	// <url-id>.lambda-url.<region>.on.aws.
	Host string
}

// newAPIReads reads the routing of m's distribution; it routes nothing
// when m declares no ApiReadsRouting. A behaviour that runs it while an
// origin it selects is not a function URL of m is an error.
func newAPIReads(m *manifest.Manifest, inv apigw.Invoker, log *slog.Logger) (*apiReads, error) {
	a := &apiReads{origins: map[string]*urlOrigin{}, invoker: inv, region: m.Region, log: log}
	for _, fn := range m.Functions {
		// A URL's own CORS (url.cors) and invoke mode are not emulated:
		// rather than answer otherwise than AWS, the stack refuses them.
		cfg, _ := fn.Raw["url"].(map[string]any)
		for k := range cfg {
			if k != "authorizer" {
				return nil, fmt.Errorf("newAPIReads: function %s: url.%s is not emulated by the local stack", fn.Name, k)
			}
		}
	}
	origins, err := m.FunctionURLOrigins()
	if err != nil {
		return nil, fmt.Errorf("newAPIReads: %w", err)
	}
	for id, fn := range origins {
		a.origins[id] = &urlOrigin{ID: id, Function: fn, Host: strings.ToLower(fn) + ".lambda-url." + m.Region + ".localhost"}
	}
	routed := false
	for _, id := range slices.Sorted(maps.Keys(m.Resources)) {
		r := m.Resources[id]
		if r.Type != "AWS::CloudFront::Distribution" {
			continue
		}
		behaviors, _ := dig(r.Properties, "DistributionConfig", "CacheBehaviors").([]any)
		for _, b := range behaviors {
			pattern, _ := dig(b, "PathPattern").(string)
			rb := routedBehavior{match: manifest.PathPattern(pattern), routed: runsOnViewerRequest(b, apiReadsFunction)}
			routed = routed || rb.routed
			a.behaviors = append(a.behaviors, rb)
		}
	}
	if !routed {
		return a, nil
	}
	for _, id := range []string{listURLOrigin, postURLOrigin} {
		if a.origins[id] == nil {
			return nil, fmt.Errorf("newAPIReads: %s selects the origin %s, which is no function URL of the distribution", apiReadsFunction, id)
		}
	}
	return a, nil
}

// runsOnViewerRequest reports whether the cache behaviour b associates the
// CloudFront function fn with its viewer requests.
func runsOnViewerRequest(b any, fn string) bool {
	list, _ := dig(b, "FunctionAssociations").([]any)
	for _, assoc := range list {
		if dig(assoc, "EventType") != "viewer-request" {
			continue
		}
		if id, ok := manifest.GetAtt(dig(assoc, "FunctionARN"), "FunctionARN"); ok && id == fn {
			return true
		}
	}
	return false
}

// choose is the origin ApiReadsRouting selects for r, or "": it runs only
// when the first cache behaviour r's path matches runs it, as on
// CloudFront.
func (a *apiReads) choose(r *http.Request) string {
	for _, b := range a.behaviors {
		if b.match.MatchString(r.URL.Path) {
			if !b.routed {
				return ""
			}
			return apiReadsOrigin(r.Method, r.URL.EscapedPath(), r.Header)
		}
	}
	return ""
}

type urlOriginKey struct{}

// viewerRequest runs ApiReadsRouting on every request before next (the
// edge cache: on CloudFront the function runs before the cache lookup, and
// the origin is not part of the cache key). The origin it selects goes
// with the request, for origin to send a miss there.
func (a *apiReads) viewerRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := a.choose(r); id != "" {
			r = r.WithContext(context.WithValue(r.Context(), urlOriginKey{}, a.origins[id]))
		}
		next.ServeHTTP(w, r)
	})
}

// origin sends a request to the function URL viewerRequest selected for
// it, else to api, the behaviour's own origin.
func (a *apiReads) origin(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ok := r.Context().Value(urlOriginKey{}).(*urlOrigin)
		if !ok {
			api.ServeHTTP(w, r)
			return
		}
		a.invokeURL(w, r, o)
	})
}

// invokeURL invokes o's function with r as its function URL's event, as
// CloudFront's signed request arrives there, and writes the answer as the
// URL does. The answer carries the URL's X-Amzn-Requestid, not API
// Gateway's Apigw-Requestid, and the invocation is counted as one through
// the URL in GET /local/functions. Only GET comes here
// (apiReadsOrigin): a body is not passed on.
func (a *apiReads) invokeURL(w http.ResponseWriter, r *http.Request, o *urlOrigin) {
	requestID := uuid.NewString()
	w.Header().Set("X-Amzn-Requestid", requestID)
	ev := a.functionURLEvent(r, o, requestID, time.Now().UTC())
	a.log.Debug("function URL invoked", "origin", o.ID, "function", o.Function, "requestId", requestID, "path", r.URL.Path)
	// As through API Gateway, a caller that goes away does not stop the
	// function.
	resp, err := a.invoker.InvokeHTTP(lambdasvc.ThroughURL(context.WithoutCancel(r.Context())), o.Function, ev)
	if err == nil {
		err = apigw.WriteResponse(w, resp)
	}
	if err != nil {
		// A function URL answers a function's error, or an answer it
		// cannot read, with 502.
		a.log.Error("function URL failed", "origin", o.ID, "function", o.Function, "requestId", requestID, "error", err)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		b, _ := json.Marshal(map[string]string{"code": "INTERNAL", "message": "An internal error occurred.", "requestId": requestID})
		_, _ = w.Write(b)
	}
}

// The placeholders of the local origin access control's signature and
// identity.
const (
	localAccessKey  = "LOCAL"
	localCaller     = "LOCAL:OriginAccessControl"
	emptyPayloadSHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// functionURLEvent is r as o's URL receives it from CloudFront: every
// header of the viewer but Host (Managed-AllViewerExceptHostHeader), the
// URL's domain as Host, and the SigV4 headers the origin access control
// adds at now, its Authorization among them. Only GET comes here: no body.
func (a *apiReads) functionURLEvent(r *http.Request, o *urlOrigin, requestID string, now time.Time) events.APIGatewayV2HTTPRequest {
	amzDate := now.Format("20060102T150405Z")
	return apigw.FunctionURLEvent(r, o.Host, apigw.IAMIdentity{
		AccessKey: localAccessKey, AccountID: pipeline.Account, CallerID: localCaller, UserID: localCaller,
		UserARN: "arn:aws:sts::" + pipeline.Account + ":assumed-role/OriginAccessControl/local",
	}, requestID, map[string]string{
		"x-amz-date":           amzDate,
		"x-amz-security-token": localAccessKey,
		"x-amz-content-sha256": emptyPayloadSHA,
		"authorization": "AWS4-HMAC-SHA256 Credential=" + localAccessKey + "/" + amzDate[:8] + "/" + a.region + "/lambda/aws4_request, " +
			"SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=local",
	})
}
