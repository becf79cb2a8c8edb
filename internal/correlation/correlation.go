// Package correlation carries the id that ties together everything one
// request causes: the HTTP request, the events it emits, and every log line
// of every function that handles them.
package correlation

import (
	"context"
	"strings"
)

type key struct{}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// From returns the id ctx carries, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// Header is the request header a caller may set to pass its own id on.
const Header = "x-correlation-id"

// Valid reports whether id may be used as given: a caller's id is logged
// and forwarded, so it must be short and plain: 1 to 128 of the characters
// A-Z a-z 0-9 . _ : = + / -. (A loop, not a regexp: a package-level regexp
// of this shape costs every function half a millisecond of init.)
func Valid(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := range len(id) {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("._:=+/-", c) >= 0:
		default:
			return false
		}
	}
	return true
}
