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

func TestControlBidiAndInvisibleCharactersAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		in       post.Draft
		wantCode string
	}{
		{"NUL in title", post.Draft{Title: "a\x00b", Content: "c"}, "INVALID_TITLE"},
		{"ESC in title", post.Draft{Title: "a\x1b[31mred", Content: "c"}, "INVALID_TITLE"},
		{"newline inside title", post.Draft{Title: "line one\nline two", Content: "c"}, "INVALID_TITLE"},
		{"C1 control in title", post.Draft{Title: "a\u0085b", Content: "c"}, "INVALID_TITLE"},
		{"line separator in title", post.Draft{Title: "a\u2028b", Content: "c"}, "INVALID_TITLE"},
		{"right-to-left override", post.Draft{Title: "abc\u202egnp.exe", Content: "c"}, "INVALID_TITLE"},
		{"bidi isolate", post.Draft{Title: "abc\u2067x\u2069", Content: "c"}, "INVALID_TITLE"},
		{"zero-width spaces only", post.Draft{Title: "\u200b\u200b", Content: "c"}, "INVALID_TITLE"},
		{"braille blank only", post.Draft{Title: "\u2800", Content: "c"}, "INVALID_TITLE"},
		{"hangul filler only", post.Draft{Title: "\u3164\u3164", Content: "c"}, "INVALID_TITLE"},
		{"BOM only", post.Draft{Title: "\ufeff", Content: "c"}, "INVALID_TITLE"},
		{"combining mark only", post.Draft{Title: "\u0301", Content: "c"}, "INVALID_TITLE"},
		{"invisible content", post.Draft{Title: "a", Content: "\u200b\u2800\u3164\ufeff \n"}, "INVALID_CONTENT"},
		{"NUL in content", post.Draft{Title: "a", Content: "b\x00c"}, "INVALID_CONTENT"},
		{"ESC in content", post.Draft{Title: "a", Content: "b\x1bc"}, "INVALID_CONTENT"},
		{"lines and tabs in content", post.Draft{Title: "a", Content: "line one\r\n\tline two"}, ""},
		{"right-to-left text", post.Draft{Title: "שלום עולם", Content: "مرحبا"}, ""},
		{"emoji with joiner", post.Draft{Title: "👩\u200d💻 at work", Content: "ok"}, ""},
		{"accented by a combining mark", post.Draft{Title: "e\u0301te\u0301", Content: "ok"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.in.Normalize()
			if code := apperr.CodeOf(err); code != tc.wantCode {
				t.Errorf("code = %q, want %q (%v)", code, tc.wantCode, err)
			}
		})
	}
}
