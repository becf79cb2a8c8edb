package post_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/post"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	id := uuid.Must(uuid.NewV7()).String()
	got, err := post.DecodeCursor(post.EncodeCursor(id))
	if err != nil || got != id {
		t.Errorf("DecodeCursor(EncodeCursor(%s)) = %q, %v", id, got, err)
	}
}

func TestParseID(t *testing.T) {
	t.Parallel()
	id := uuid.Must(uuid.NewV7()).String()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{id, id, true},
		{"0193A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B", "0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b", true},
		{"", "", false},
		{"urn:uuid:" + id, "", false},
		{"{" + id + "}", "", false},
		{id + " ", "", false},
		{"0193a1b2c3d47e5f8a6b7c8d9e0f1a2b", "", false},
	} {
		got, err := post.ParseID(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseID(%q) = %q, %v", tc.in, got, err)
		}
		if err != nil && apperr.CodeOf(err) != "INVALID_POST_ID" {
			t.Errorf("ParseID(%q) code %q", tc.in, apperr.CodeOf(err))
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(post.EncodeCursor(uuid.Must(uuid.NewV7()).String()))
	f.Add("eyJ2IjoxLCJhZnRlciI6IngifQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := post.DecodeCursor(s)
		if err != nil {
			if apperr.CodeOf(err) != "INVALID_CURSOR" {
				t.Fatalf("error %v is not INVALID_CURSOR", err)
			}
			return
		}
		if _, err := post.ParseID(id); err != nil {
			t.Fatalf("cursor %q decoded to a non-id %q", s, id)
		}
	})
}
