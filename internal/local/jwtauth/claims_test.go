package jwtauth

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRenderClaim(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
		want string
	}{
		{"string", `"alice"`, "alice"},
		{"empty string", `""`, ""},
		{"epoch seconds", `1777636800`, "1777636800"},
		{"negative", `-3`, "-3"},
		{"fraction", `1.5`, "1.5"},
		{"beyond float64 precision", `9007199254740993`, "9007199254740993"},
		{"true", `true`, "true"},
		{"false", `false`, "false"},
		{"string array", `["admin","ops"]`, "[admin ops]"},
		{"one-element array", `["admin"]`, "[admin]"},
		{"empty array", `[]`, "[]"},
		{"mixed array", `["a",1,true,null]`, "[a 1 true null]"},
		{"nested array", `[["a","b"],"c"]`, "[[a b] c]"},
		{"object", `{"b":2,"a":"x"}`, `{"a":"x","b":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dec := json.NewDecoder(strings.NewReader(tt.json))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, renderClaim(v)); diff != "" {
				t.Errorf("renderClaim(%s) mismatch (-want +got):\n%s", tt.json, diff)
			}
		})
	}
}

func TestRenderClaimsLeavesOutNull(t *testing.T) {
	t.Parallel()
	got := renderClaims(map[string]any{"sub": "x", "gone": nil, "n": json.Number("1")})
	if diff := cmp.Diff(map[string]string{"sub": "x", "n": "1"}, got); diff != "" {
		t.Errorf("renderClaims mismatch (-want +got):\n%s", diff)
	}
}
