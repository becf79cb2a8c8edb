package local

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/eventboard/eventboard/internal/manifest"
)

// siteHeaders are the security headers serverless.yml's CloudFront
// response-headers policy adds to every answer of the deployed site, read
// from that policy, so the SPA meets the same Content-Security-Policy on a
// laptop as on AWS. A manifest without such a policy yields none.
func siteHeaders(m *manifest.Manifest) (http.Header, error) {
	h := http.Header{}
	for id, r := range m.Resources {
		if r.Type != "AWS::CloudFront::ResponseHeadersPolicy" {
			continue
		}
		sec, _ := dig(r.Properties, "ResponseHeadersPolicyConfig", "SecurityHeadersConfig").(map[string]any)
		if csp, ok := dig(sec, "ContentSecurityPolicy", "ContentSecurityPolicy").(string); ok {
			h.Set("Content-Security-Policy", csp)
		}
		if _, ok := sec["ContentTypeOptions"]; ok {
			h.Set("X-Content-Type-Options", "nosniff")
		}
		if opt, ok := dig(sec, "FrameOptions", "FrameOption").(string); ok {
			h.Set("X-Frame-Options", strings.ToUpper(opt))
		}
		if p, ok := dig(sec, "ReferrerPolicy", "ReferrerPolicy").(string); ok {
			h.Set("Referrer-Policy", p)
		}
		if age, ok := asInt(dig(sec, "StrictTransportSecurity", "AccessControlMaxAgeSec")); ok {
			v := fmt.Sprintf("max-age=%d", age)
			if sub, _ := dig(sec, "StrictTransportSecurity", "IncludeSubdomains").(bool); sub {
				v += "; includeSubDomains"
			}
			h.Set("Strict-Transport-Security", v)
		}
		if len(h) == 0 {
			return nil, fmt.Errorf("siteHeaders: %s has no security headers the local stack knows", id)
		}
	}
	return h, nil
}

// withSiteHeaders adds h to every answer of next, and the cache header
// deploy-frontend.yml gives everything but the hashed assets: revalidated
// on every load. (spaHandler gives the assets theirs.)
func withSiteHeaders(h http.Header, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}

// APIHost is the API's own host name in the local stack, as
// <api-id>.execute-api.<region>.amazonaws.com is on AWS: the Host every
// function sees on a request to /api.
const APIHost = "execute-api.localhost"

// forwardedAsCloudFront hands /api requests to the API as the deployed
// site's CloudFront distribution does (origin request policy
// Managed-AllViewerExceptHostHeader): every header of the browser, Origin
// and Sec-Fetch-Site included, but Host, which becomes the API's own. So a
// function's same-origin check meets on a laptop what it meets on AWS,
// where the site's origin is never the host it sees.
func forwardedAsCloudFront(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A shallow copy: nothing past here changes the headers, so a deep
		// Clone would copy them for nothing on every request.
		fwd := r.WithContext(r.Context())
		fwd.Host = APIHost
		api.ServeHTTP(w, fwd)
	})
}

// immutableCache is the cache header deploy-frontend.yml gives the files
// of dist/assets, which Vite names by their content's hash: kept a year.
const immutableCache = "public, max-age=31536000, immutable"

// dig walks nested mappings by key; nil when a step is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
