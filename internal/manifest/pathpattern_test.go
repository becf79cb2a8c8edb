package manifest_test

import (
	"testing"

	"github.com/eventboard/eventboard/internal/manifest"
)

func TestPathPattern(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"/api/posts", "/api/posts", true},
		{"/api/posts", "/api/posts/x", false},
		{"/api/posts/*", "/api/posts/x", true},
		{"/api/*", "/api/posts/x/y", true},
		{"/api/?", "/api/x", true},
		{"/api/?", "/api/xy", false},
		{"/api.v1/*", "/apixv1/x", false},
	} {
		if got := manifest.PathPattern(tc.pattern).MatchString(tc.path); got != tc.want {
			t.Errorf("PathPattern(%q) matches %q: %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}
