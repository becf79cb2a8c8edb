// Package logging builds the JSON slog logger every function writes to
// stdout, where Lambda sends it to CloudWatch Logs. Every line logged with a
// context carries that context's correlation id.
package logging

import (
	"context"
	"io"
	"log/slog"

	"github.com/eventboard/eventboard/internal/correlation"
)

// New returns a JSON logger at level, tagged with the function's name.
func New(w io.Writer, level slog.Level, function string) *slog.Logger {
	return slog.New(WithCorrelation(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))).With("function", function)
}

// WithCorrelation wraps h so records logged with a context carrying a
// correlation id get a correlationId attribute.
func WithCorrelation(h slog.Handler) slog.Handler { return correlationHandler{h} }

type correlationHandler struct{ slog.Handler }

func (h correlationHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := correlation.From(ctx); id != "" {
		r.AddAttrs(slog.String("correlationId", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h correlationHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return correlationHandler{h.Handler.WithAttrs(attrs)}
}

func (h correlationHandler) WithGroup(name string) slog.Handler {
	return correlationHandler{h.Handler.WithGroup(name)}
}
