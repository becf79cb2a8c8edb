// Package logging builds the JSON slog logger every function writes to
// stdout, where Lambda sends it to CloudWatch Logs.
package logging

import (
	"io"
	"log/slog"
)

// New returns a JSON logger at level, tagged with the function's name.
func New(w io.Writer, level slog.Level, function string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})).With("function", function)
}
