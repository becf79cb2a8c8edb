package local_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/local"
)

func TestAPIReferenceAtLocalDocs(t *testing.T) {
	t.Parallel()
	built := t.TempDir()
	page := "<!DOCTYPE html><title>Eventboard HTTP API</title>"
	if err := os.WriteFile(filepath.Join(built, "index.html"), []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		dir      string
		status   int
		mimeType string
		body     string
	}{
		{"built", built, http.StatusOK, "text/html", page},
		{"not built", filepath.Join(built, "missing"), http.StatusNotFound, "text/plain", "make apidocs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := startStackWith(t, local.Options{DocsDir: tt.dir})
			r := c.do("GET", "/local/docs", "", nil)
			if r.status != tt.status || !strings.HasPrefix(r.header.Get("Content-Type"), tt.mimeType) || !strings.Contains(string(r.body), tt.body) {
				t.Errorf("GET /local/docs = %d %s %q; want %d %s with %q", r.status, r.header.Get("Content-Type"), r.body, tt.status, tt.mimeType, tt.body)
			}
		})
	}
}
