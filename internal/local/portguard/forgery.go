package portguard

import (
	"mime"
	"net/http"
	"strings"
)

// Unforgeable passes only requests a web page on another origin cannot
// send: a JSON Content-Type (which a cross-origin page can send only after
// a CORS preflight, and the stack answers none for these paths) and no
// Origin header other than the stack's own. It guards the dev actions that
// change state, such as firing a schedule; curl and scripts send
// -H 'Content-Type: application/json'.
func Unforgeable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			refuse(w, http.StatusUnsupportedMediaType, "JSON_REQUIRED",
				"This action takes only Content-Type: application/json, which a web page on another origin cannot send without a CORS preflight.")
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r) {
			refuse(w, http.StatusForbidden, "FOREIGN_ORIGIN", "This action takes no requests from another origin.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether origin is the stack's own: the scheme and the
// host:port the request was sent to.
func sameOrigin(origin string, r *http.Request) bool {
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	return strings.EqualFold(origin, scheme+r.Host)
}
