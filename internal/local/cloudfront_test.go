package local_test

import (
	"testing"

	"github.com/eventboard/eventboard/internal/local"
)

// TestLoginThroughTheSiteOriginAsCloudFrontForwards: the browser's page is
// on the site's origin, and the functions see the API's own Host, as behind
// CloudFront. With no site origins configured (a fresh stage), a browser's
// same-origin login succeeds, a foreign page's is refused, and the site's
// Origin alone is not mistaken for the API's host.
func TestLoginThroughTheSiteOriginAsCloudFrontForwards(t *testing.T) {
	t.Parallel()
	noSiteOrigins := map[string]map[string]string{}
	for _, fn := range []string{"signUp", "confirmSignUp", "login", "logout", "refresh"} {
		noSiteOrigins[fn] = map[string]string{"SITE_ORIGINS": ""}
	}
	c := startStackWith(t, local.Options{Environment: noSiteOrigins})
	c.signUpAndConfirm(t, "carol")
	creds := jsonBody(map[string]string{"username": "carol", "password": password})

	tests := []struct {
		name     string
		headers  []string
		wantCode int
		wantErr  string
	}{
		{"a page of the site, as a browser sends it", []string{"Origin", c.base, "Sec-Fetch-Site", "same-origin"}, 200, ""},
		{"a foreign page", []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, 403, "FORBIDDEN_ORIGIN"},
		{"a foreign Origin without fetch metadata", []string{"Origin", "https://evil.example"}, 403, "FORBIDDEN_ORIGIN"},
		// The function sees the API's host, not the site's: an Origin
		// naming the site is not, alone, the host the request went to.
		{"the site's Origin without fetch metadata", []string{"Origin", c.base}, 403, "FORBIDDEN_ORIGIN"},
		{"the API's own origin", []string{"Origin", "http://" + local.APIHost}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.do("POST", "/api/auth/login", "", creds, tt.headers...).want(t, tt.wantCode, tt.wantErr)
		})
	}
}
