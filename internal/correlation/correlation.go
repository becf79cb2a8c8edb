// Package correlation carries the id that ties together everything one
// request causes: the HTTP request, the events it emits, and every log line
// of every function that handles them.
package correlation

import (
	"context"
	"regexp"
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

var valid = regexp.MustCompile(`^[A-Za-z0-9._:=+/-]{1,128}$`)

// Valid reports whether id may be used as given: a caller's id is logged
// and forwarded, so it must be short and plain.
func Valid(id string) bool { return valid.MatchString(id) }
