package smoke

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// spa: the page loads, with the headers that keep scripts of other origins
// and framing out.
func (r *run) spa() {
	const name = "SPA and its security headers at /"
	a, err := r.do("GET", "/", nil)
	if err != nil {
		r.fail(name, "%v", err)
		return
	}
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		r.fail(name, "GET / = %d %s, want 200 text/html", a.status, a.header.Get("Content-Type"))
		return
	}
	var missing []string
	csp := a.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src") || !strings.Contains(csp, "frame-ancestors 'none'") {
		missing = append(missing, "Content-Security-Policy (default-src, frame-ancestors 'none')")
	}
	if a.header.Get("X-Content-Type-Options") != "nosniff" {
		missing = append(missing, "X-Content-Type-Options: nosniff")
	}
	if a.header.Get("X-Frame-Options") != "DENY" {
		missing = append(missing, "X-Frame-Options: DENY")
	}
	if !strings.HasPrefix(a.header.Get("Strict-Transport-Security"), "max-age=") {
		missing = append(missing, "Strict-Transport-Security")
	}
	if len(missing) > 0 {
		r.fail(name, "missing %s", strings.Join(missing, ", "))
		return
	}
	r.pass(name)
}

// publicAPI: the posts listing answers JSON.
func (r *run) publicAPI() {
	const name = "GET /api/posts answers JSON"
	a, err := r.do("GET", "/api/posts?limit=1", nil)
	if err != nil {
		r.fail(name, "%v", err)
		return
	}
	var page struct {
		Posts []json.RawMessage `json:"posts"`
	}
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") ||
		json.Unmarshal(a.body, &page) != nil || page.Posts == nil {
		r.fail(name, "%d %s %.200s", a.status, a.header.Get("Content-Type"), a.body)
		return
	}
	r.pass(name)
}

// protectedRoute: no token, no answer.
func (r *run) protectedRoute() {
	const name = "GET /api/myinfo without a token is 401"
	a, err := r.do("GET", "/api/myinfo", nil)
	if err != nil {
		r.fail(name, "%v", err)
		return
	}
	if a.status != http.StatusUnauthorized {
		r.fail(name, "%d %.200s", a.status, a.body)
		return
	}
	r.pass(name)
}

// originCheck: a foreign page's login is refused before the credentials
// are looked at; the site's own is not.
func (r *run) originCheck() {
	creds := map[string]string{"username": "smoke-nobody", "password": "Not-the-password-1"}
	const foreign = "login from a foreign Origin is refused"
	a, err := r.do("POST", "/api/auth/login", creds, "Origin", foreignOrigin, "Sec-Fetch-Site", "cross-site")
	switch {
	case err != nil:
		r.fail(foreign, "%v", err)
	case a.status != http.StatusForbidden || a.code() != "FORBIDDEN_ORIGIN":
		r.fail(foreign, "%d %.200s, want 403 FORBIDDEN_ORIGIN", a.status, a.body)
	default:
		r.pass(foreign)
	}
	const same = "login from the site's own page is not refused"
	a, err = r.do("POST", "/api/auth/login", creds, r.sameOrigin()...)
	switch {
	case err != nil:
		r.fail(same, "%v", err)
	case a.code() == "FORBIDDEN_ORIGIN" || a.status >= 500:
		r.fail(same, "%d %.200s, want the credentials refused (401), not the origin", a.status, a.body)
	default:
		r.pass(same)
	}
}

// cors: no answer lets a foreign page read the API.
func (r *run) cors() {
	const name = "no CORS grant to a foreign origin"
	pre, err := r.do("OPTIONS", "/api/posts", nil, "Origin", foreignOrigin, "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "authorization,content-type")
	if err != nil {
		r.fail(name, "%v", err)
		return
	}
	get, err := r.do("GET", "/api/posts?limit=1", nil, "Origin", foreignOrigin)
	if err != nil {
		r.fail(name, "%v", err)
		return
	}
	for what, a := range map[string]answer{"preflight": pre, "GET": get} {
		if o := a.header.Get("Access-Control-Allow-Origin"); o == "*" || o == foreignOrigin {
			r.fail(name, "%s answers Access-Control-Allow-Origin: %s", what, o)
			return
		}
	}
	r.pass(name)
}

// login logs the test user in from the site's page and checks the refresh
// cookie it sets.
func (r *run) login() (string, bool) {
	const name = "refresh cookie"
	a, err := r.do("POST", "/api/auth/login", map[string]string{"username": r.cfg.Username, "password": r.cfg.Password}, r.sameOrigin()...)
	if err != nil {
		r.fail(name, "%v", err)
		return "", false
	}
	var tokens struct {
		AccessToken string `json:"accessToken"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &tokens) != nil || tokens.AccessToken == "" {
		r.fail(name, "login as %s = %d %.200s", r.cfg.Username, a.status, a.body)
		return "", false
	}
	cookies := (&http.Response{Header: a.header}).Cookies()
	i := slices.IndexFunc(cookies, func(c *http.Cookie) bool { return c.Name == "eventboard_refresh" })
	switch {
	case i < 0:
		r.fail(name, "login set no eventboard_refresh cookie")
	case !cookies[i].HttpOnly || !cookies[i].Secure || cookies[i].SameSite != http.SameSiteStrictMode || cookies[i].Path != "/api/auth":
		r.fail(name, "%q, want HttpOnly; Secure; SameSite=Strict; Path=/api/auth", a.header.Get("Set-Cookie"))
	case strings.Contains(string(a.body), "efreshToken"):
		r.fail(name, "the refresh token is in the body too")
	default:
		r.pass(name)
	}
	return tokens.AccessToken, true
}

// roundTrip creates a post, waits for it in the listing and in the
// counters (the event pipeline), and deletes it.
func (r *run) roundTrip(token string) {
	const name = "post round trip"
	auth := []string{"Authorization", "Bearer " + token}
	before, ok := r.postsCounted(name, auth...)
	if !ok {
		return
	}
	a, err := r.do("POST", "/api/posts", map[string]string{"title": "smoke test", "content": "Written by eventboard smoke; deleted at once."}, auth...)
	var p struct {
		ID string `json:"id"`
	}
	if err != nil || a.status != http.StatusCreated || json.Unmarshal(a.body, &p) != nil || p.ID == "" {
		r.fail(name, "create = %d %.200s %v", a.status, a.body, err)
		return
	}
	defer func() {
		if a, err := r.do("DELETE", "/api/posts/"+p.ID, nil, auth...); err != nil || a.status != http.StatusNoContent {
			r.fail("post deleted", "DELETE /api/posts/%s = %d %.200s %v", p.ID, a.status, a.body, err)
			return
		}
		r.pass("post deleted")
	}()
	listed, counted := false, false
	deadline := time.Now().Add(r.cfg.Within)
	for {
		if !listed {
			l, err := r.do("GET", "/api/posts?limit=100", nil, auth...)
			var page struct {
				Posts []struct {
					ID string `json:"id"`
				} `json:"posts"`
			}
			listed = err == nil && json.Unmarshal(l.body, &page) == nil &&
				slices.ContainsFunc(page.Posts, func(q struct {
					ID string `json:"id"`
				}) bool {
					return q.ID == p.ID
				})
		}
		if !counted {
			n, ok := r.postsCounted("", auth...)
			counted = ok && n > before
		}
		if listed && counted {
			r.pass(name)
			return
		}
		if time.Now().After(deadline) {
			r.fail(name, "within %s: listed %t, counted in /api/stats %t", r.cfg.Within, listed, counted)
			return
		}
		select {
		case <-r.ctx.Done():
			r.fail(name, "%v", r.ctx.Err())
			return
		case <-time.After(r.cfg.Poll):
		}
	}
}

// postsCounted reads totals.posts from /api/stats; a failure is reported
// under name unless name is empty.
//
// The round trip reads as its author, with the token, as the SPA does
// after its own write: such a read passes CloudFront's shared cache, which
// may hold an anonymous answer for the route's freshness (docs/api.md).
func (r *run) postsCounted(name string, headers ...string) (int64, bool) {
	a, err := r.do("GET", "/api/stats", nil, headers...)
	var s struct {
		Totals struct {
			Posts int64 `json:"posts"`
		} `json:"totals"`
	}
	if err != nil || a.status != http.StatusOK || json.Unmarshal(a.body, &s) != nil {
		if name != "" {
			r.fail(name, "GET /api/stats = %d %.200s %v", a.status, a.body, err)
		}
		return 0, false
	}
	return s.Totals.Posts, true
}
