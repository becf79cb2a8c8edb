package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/eventboard/eventboard/internal/manifest"
)

// edgeRoute is how serverless.yml's distribution serves one route: the
// path pattern of its cache behaviour, the longest its cache policy keeps
// an answer (0 under a managed policy: the API's is CachingDisabled),
// whether its reads' origin has Origin Shield, whether its behaviour runs
// a viewer-request function, and whether its anonymous reads go to its
// function's URL (an origin of the distribution) rather than to API
// Gateway.
type edgeRoute struct {
	Behavior       string
	MaxTTL         float64
	Shielded       bool
	ViewerFunction bool
	Direct         bool
}

// readEdge finds, for each of routes ("GET /api/posts/{id}"), the cache
// behaviour of the stack's one CloudFront distribution that CloudFront
// would pick for the route's path (the first whose pattern matches, else
// the default), its cache policy's MaxTTL and its origin's Origin Shield.
//
// A GET route whose behaviour runs a viewer-request function, and whose
// function has a URL that is an origin of the distribution, is read
// through that URL (serverless.yml's ApiReadsRouting picks it for the
// anonymous reads, which internal/local's tests check against the
// function's code): its origin, and so its shield, is the URL's.
func readEdge(m *manifest.Manifest, routes []string) (map[string]edgeRoute, error) {
	var dist map[string]any
	for _, r := range m.Resources {
		if r.Type == "AWS::CloudFront::Distribution" {
			if dist != nil {
				return nil, fmt.Errorf("readEdge: more than one CloudFront distribution")
			}
			dist, _ = r.Properties["DistributionConfig"].(map[string]any)
		}
	}
	if dist == nil {
		return nil, fmt.Errorf("readEdge: no CloudFront distribution")
	}
	shielded := map[string]bool{}
	origins, _ := dist["Origins"].([]any)
	for _, o := range origins {
		om, _ := o.(map[string]any)
		sh, _ := om["OriginShield"].(map[string]any)
		shielded[fmt.Sprint(om["Id"])] = sh["Enabled"] == true
	}
	urlOrigins, err := m.FunctionURLOrigins()
	if err != nil {
		return nil, fmt.Errorf("readEdge: %w", err)
	}
	urlOrigin := map[string]string{} // function: the origin that is its URL
	for id, fn := range urlOrigins {
		urlOrigin[fn] = id
	}
	routeFunction := map[string]string{}
	for _, r := range m.Routes() {
		routeFunction[r.Method+" "+r.Path] = r.Function
	}
	behaviors, _ := dist["CacheBehaviors"].([]any)
	out := map[string]edgeRoute{}
	for _, route := range routes {
		_, path, ok := strings.Cut(route, " ")
		if !ok {
			return nil, fmt.Errorf("readEdge: %q is not METHOD /path", route)
		}
		path = regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(path, "x")
		chosen, pattern := dist["DefaultCacheBehavior"], "the default"
		for _, b := range behaviors {
			bm, _ := b.(map[string]any)
			if p := fmt.Sprint(bm["PathPattern"]); manifest.PathPattern(p).MatchString(path) {
				chosen, pattern = bm, p
				break
			}
		}
		bm, _ := chosen.(map[string]any)
		e := edgeRoute{Behavior: pattern, Shielded: shielded[fmt.Sprint(bm["TargetOriginId"])]}
		assoc, _ := bm["FunctionAssociations"].([]any)
		for _, a := range assoc {
			if am, _ := a.(map[string]any); am["EventType"] == "viewer-request" {
				e.ViewerFunction = true
			}
		}
		if fn, ok := routeFunction[route]; ok && e.ViewerFunction && strings.HasPrefix(route, "GET ") {
			if id, ok := urlOrigin[fn]; ok {
				e.Direct, e.Shielded = true, shielded[id]
			}
		}
		if ref, ok := bm["CachePolicyId"].(map[string]any); ok {
			res, ok := m.Resources[fmt.Sprint(ref["Ref"])]
			if !ok || res.Type != "AWS::CloudFront::CachePolicy" {
				return nil, fmt.Errorf("readEdge: %s's CachePolicyId names %v, not a cache policy of the file", pattern, ref["Ref"])
			}
			cfg, _ := res.Properties["CachePolicyConfig"].(map[string]any)
			ttl, err := strconv.ParseFloat(fmt.Sprint(cfg["MaxTTL"]), 64)
			if err != nil {
				return nil, fmt.Errorf("readEdge: %s's MaxTTL %v: %w", res.LogicalID, cfg["MaxTTL"], err)
			}
			e.MaxTTL = ttl
		}
		out[route] = e
	}
	return out, nil
}
