package httpapi_test

import (
	"testing"

	"github.com/eventboard/eventboard/internal/httpapi"
)

// A cross-site page could log a victim in to an attacker's account (login
// CSRF) or log them out: no route looked at Origin.
func TestForeignOriginIsRefused(t *testing.T) {
	t.Parallel()
	trusted := []string{"https://board.example.com"}
	for _, tc := range []struct {
		name    string
		headers map[string]string
		code    string
	}{
		{"no Origin: not a browser", map[string]string{"host": "api.example.com"}, ""},
		{"same host", map[string]string{"host": "127.0.0.1:8080", "origin": "http://127.0.0.1:8080"}, ""},
		{"trusted site origin", map[string]string{"host": "abc.execute-api.us-east-1.amazonaws.com", "origin": "https://board.example.com"}, ""},
		{"same-origin fetch", map[string]string{"host": "127.0.0.1:8080", "origin": "http://127.0.0.1:8080", "sec-fetch-site": "same-origin"}, ""},
		{"same-origin fetch through CloudFront", map[string]string{"host": "abc.execute-api.us-east-1.amazonaws.com", "origin": "https://d111.cloudfront.net", "sec-fetch-site": "same-origin"}, ""},
		{"site origin through CloudFront, browser without fetch metadata", map[string]string{"host": "abc.execute-api.us-east-1.amazonaws.com", "origin": "https://d111.cloudfront.net"}, "FORBIDDEN_ORIGIN"},
		{"same-site is not same-origin", map[string]string{"host": "abc.execute-api.us-east-1.amazonaws.com", "origin": "https://blog.board.example.com", "sec-fetch-site": "same-site"}, "FORBIDDEN_ORIGIN"},
		{"other site", map[string]string{"host": "127.0.0.1:8080", "origin": "https://evil.example"}, "FORBIDDEN_ORIGIN"},
		{"other port", map[string]string{"host": "127.0.0.1:8080", "origin": "http://127.0.0.1:9999"}, "FORBIDDEN_ORIGIN"},
		{"opaque origin", map[string]string{"host": "127.0.0.1:8080", "origin": "null"}, "FORBIDDEN_ORIGIN"},
		{"trusted origin with a path", map[string]string{"host": "x", "origin": "https://board.example.com/"}, "FORBIDDEN_ORIGIN"},
		{"cross-site fetch without Origin", map[string]string{"host": "127.0.0.1:8080", "sec-fetch-site": "cross-site"}, "FORBIDDEN_ORIGIN"},
		{"host prefix is not the host", map[string]string{"host": "127.0.0.1:8080", "origin": "http://127.0.0.1:8080.evil.example"}, "FORBIDDEN_ORIGIN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := httpapi.CheckOrigin(request(tc.headers), trusted)
			if got := code(t, err); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
		})
	}
}
