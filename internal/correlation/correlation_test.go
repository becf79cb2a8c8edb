package correlation_test

import (
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/correlation"
)

func TestValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want bool
	}{
		{"Root=1-6743a0f1-1c2d3e4f5a6b7c8d9e0f1a2b", true},
		{"a", true},
		{"9b2c/._:=+-Z", true},
		{strings.Repeat("x", 128), true},
		{strings.Repeat("x", 129), false},
		{"", false},
		{"has space", false},
		{"new\nline", false},
		{"quote\"", false},
		{"ünïcode", false},
		{"semi;colon", false},
	}
	for _, tt := range tests {
		if got := correlation.Valid(tt.id); got != tt.want {
			t.Errorf("Valid(%q) = %t, want %t", tt.id, got, tt.want)
		}
	}
}

func FuzzValid(f *testing.F) {
	f.Add("Root=1-abc")
	f.Fuzz(func(t *testing.T, id string) {
		if !correlation.Valid(id) {
			return
		}
		if len(id) > 128 || strings.ContainsAny(id, " \t\n\"'<>;") {
			t.Errorf("Valid(%q) accepted an id that is not short and plain", id)
		}
	})
}
