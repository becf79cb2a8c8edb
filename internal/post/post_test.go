package post_test

import (
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/post"
)

func TestDraftNormalize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		in        post.Draft
		wantTitle string
		wantCode  string
	}{
		{"trims the title", post.Draft{Title: "  Hi \n", Content: " body "}, "Hi", ""},
		{"counts characters, not bytes", post.Draft{Title: strings.Repeat("é", post.MaxTitleLen), Content: "b"}, strings.Repeat("é", post.MaxTitleLen), ""},
		{"title too long", post.Draft{Title: strings.Repeat("a", post.MaxTitleLen+1), Content: "b"}, "", "INVALID_TITLE"},
		{"empty title", post.Draft{Title: "", Content: "b"}, "", "INVALID_TITLE"},
		{"blank title", post.Draft{Title: "\t \u00a0", Content: "b"}, "", "INVALID_TITLE"},
		{"blank content", post.Draft{Title: "a", Content: " \n "}, "", "INVALID_CONTENT"},
		{"content at the limit", post.Draft{Title: "a", Content: strings.Repeat("✓", post.MaxContentLen)}, "a", ""},
		{"content too long", post.Draft{Title: "a", Content: strings.Repeat("x", post.MaxContentLen+1)}, "", "INVALID_CONTENT"},
		{"invalid UTF-8", post.Draft{Title: "a\xff", Content: "b"}, "", "INVALID_TITLE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.in.Normalize()
			if code := apperr.CodeOf(err); code != tc.wantCode {
				t.Fatalf("code = %q, want %q (%v)", code, tc.wantCode, err)
			}
			if err == nil && got.Title != tc.wantTitle {
				t.Errorf("title = %q, want %q", got.Title, tc.wantTitle)
			}
			if err == nil && got.Content != tc.in.Content {
				t.Errorf("content changed: %q", got.Content)
			}
		})
	}
}
