package httpapi

import (
	"strconv"
	"time"
)

// The Cache-Control answers of the API. CloudFront's cache policy for the
// public reads (serverless.yml, PublicReadsCachePolicy) has a default TTL
// of 0: only what a function marks with s-maxage is kept at the edge.
const (
	// NoStore is every answer no cache may keep: writes, the auth routes,
	// the caller's own data, errors. Lambda sets it on every answer that
	// does not say otherwise.
	NoStore = "no-store"
	// PrivateNoStore is a public read's answer to a request that carried
	// credentials: the answer is the same, but a request with an
	// Authorization header or a cookie is never the one that fills, or is
	// kept in, a shared cache.
	PrivateNoStore = "private, no-store"
)

// Freshness is how long a shared cache (CloudFront) may serve a public
// answer: fresh for SharedMaxAge, then stale for up to
// StaleWhileRevalidate while it fetches the next in the background. So
// readers other than the writer see a change within their sum. Browsers
// keep nothing (max-age=0): every read reaches the edge.
type Freshness struct {
	SharedMaxAge         time.Duration
	StaleWhileRevalidate time.Duration
}

// CacheControl is f as a Cache-Control value.
func (f Freshness) CacheControl() string {
	// Appended rather than formatted: every public read's answer asks.
	b := make([]byte, 0, 64)
	b = append(b, "public, max-age=0, s-maxage="...)
	b = strconv.AppendInt(b, int64(f.SharedMaxAge.Seconds()), 10)
	if f.StaleWhileRevalidate > 0 {
		b = append(b, ", stale-while-revalidate="...)
		b = strconv.AppendInt(b, int64(f.StaleWhileRevalidate.Seconds()), 10)
	}
	return string(b)
}

// Within is how long a change may take to reach a reader served from a
// shared cache: the fresh time and the stale one after it.
func (f Freshness) Within() time.Duration { return f.SharedMaxAge + f.StaleWhileRevalidate }

// Shared marks resp, a public read's answer that does not depend on the
// caller, as cacheable for f, unless req carried credentials (see
// HasCredentials): then it is PrivateNoStore, so no shared cache keeps an
// answer that a credentialed request produced.
func Shared(req Request, resp Response, f Freshness) Response {
	v := f.CacheControl()
	if HasCredentials(req) {
		v = PrivateNoStore
	}
	setHeader(&resp, "Cache-Control", v)
	return resp
}

// HasCredentials reports whether req carries an Authorization header or
// any cookie: what could make an answer depend on its caller.
//
// Through a function URL (FromFunctionURL) the Authorization header is
// CloudFront's signature, added by its origin access control to every
// request, and not the caller's: it does not count there. CloudFront sends
// the URL only requests that had none (serverless.yml, ApiReadsRouting).
// Cookies count wherever they come from.
func HasCredentials(req Request) bool {
	if Header(req, "cookie") != "" || len(req.Cookies) > 0 {
		return true
	}
	return Header(req, "authorization") != "" && !FromFunctionURL(req)
}
