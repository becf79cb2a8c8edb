// Package httpapi is what every HTTP API Lambda shares: turning API Gateway
// HTTP API (payload v2) requests into validated input and answers into
// responses, and the one place where an apperr.Kind becomes an HTTP status.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/correlation"
)

// Request is the API Gateway HTTP API payload (format version 2.0).
type Request = events.APIGatewayV2HTTPRequest

// Response is what API Gateway turns into the HTTP response.
type Response = events.APIGatewayV2HTTPResponse

// Handler answers one request. A returned error is mapped to its status and
// error body by Lambda; it never reaches API Gateway as a function error.
type Handler func(ctx context.Context, req Request) (Response, error)

// ErrorBody is the one shape of every error answer.
type ErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

// Status returns the HTTP status for an error kind. This is the only place
// kinds become statuses.
func Status(k apperr.Kind) int {
	switch k {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.TooManyRequests:
		return http.StatusTooManyRequests
	case apperr.UnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	default:
		return http.StatusInternalServerError
	}
}

// Lambda returns the Lambda handler for h: it puts the request's
// correlation id in the context (and echoes it as X-Correlation-Id), logs
// each request with its ids, turns errors and panics into the error body
// (internal detail is logged, never sent), and sets Content-Type on every
// answer, and Cache-Control: NoStore on every answer that does not set its
// own (only a public read's success, marked with Shared, may be cached).
func Lambda(log *slog.Logger, h Handler) func(context.Context, Request) (Response, error) {
	return func(ctx context.Context, req Request) (resp Response, err error) {
		ctx = correlation.With(ctx, CorrelationID(req))
		defer func() {
			if p := recover(); p != nil {
				logRequest(ctx, log, slog.LevelError, "handler panicked", req, slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				resp, err = ErrorResponse(req, apperr.From(fmt.Errorf("panic: %v", p))), nil
			}
			setHeader(&resp, "X-Correlation-Id", correlation.From(ctx))
			if resp.Headers["Cache-Control"] == "" {
				setHeader(&resp, "Cache-Control", NoStore)
			}
		}()
		resp, err = h(ctx, req)
		if err != nil {
			e := apperr.From(err)
			switch {
			case e.Kind == apperr.Internal && clientGaveUp(ctx, err):
				logRequest(ctx, log, slog.LevelInfo, "request abandoned by the client", req, slog.Any("error", err))
			case e.Kind == apperr.Internal:
				logRequest(ctx, log, slog.LevelError, "request failed", req, slog.Any("error", err))
			default:
				logRequest(ctx, log, slog.LevelInfo, "request refused", req, slog.String("code", e.Code), slog.Any("error", err))
			}
			return ErrorResponse(req, e), nil
		}
		return resp, nil
	}
}

// logRequest logs a line about req with its request id and route first,
// the line a logger made With them writes, without making that logger on
// every request: most requests log nothing here. A function URL's route
// is always "$default": its line says the method and path it was asked.
func logRequest(ctx context.Context, log *slog.Logger, level slog.Level, msg string, req Request, attrs ...slog.Attr) {
	if !log.Enabled(ctx, level) {
		return
	}
	ids := []slog.Attr{slog.String("requestId", req.RequestContext.RequestID), slog.String("route", req.RouteKey)}
	if FromFunctionURL(req) {
		ids = append(ids, slog.String("functionUrl", req.RequestContext.HTTP.Method+" "+req.RawPath))
	}
	log.LogAttrs(ctx, level, msg, append(ids, attrs...)...)
}

// clientGaveUp reports whether err is the request's own cancellation: the
// caller went away, nothing failed. A deadline that passed is a failure.
func clientGaveUp(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(ctx.Err(), context.Canceled)
}

// CorrelationID is the request's correlation id: the caller's
// X-Correlation-Id when it is plain and short, else API Gateway's request id.
func CorrelationID(req Request) string {
	if id := req.Headers[correlation.Header]; correlation.Valid(id) {
		return id
	}
	return req.RequestContext.RequestID
}

func setHeader(resp *Response, name, value string) {
	if value == "" {
		return
	}
	if resp.Headers == nil {
		resp.Headers = map[string]string{}
	}
	resp.Headers[name] = value
}

// defaultRetryAfter is the Retry-After of a 429 whose refusal does not say
// how long to wait (a throttled Cognito call, for one).
const defaultRetryAfter = time.Second

// ErrorResponse returns the error answer for e. A 429 always says when to
// try again (Retry-After, in whole seconds), as API Gateway's throttling
// does, so a client backs off instead of guessing.
func ErrorResponse(req Request, e *apperr.Error) Response {
	resp, err := JSON(Status(e.Kind), ErrorBody{Code: e.Code, Message: e.Message, RequestID: req.RequestContext.RequestID})
	if err != nil { // cannot happen for three strings, but never answer without a body
		return Response{StatusCode: http.StatusInternalServerError, Headers: jsonHeaders(), Body: `{"code":"INTERNAL"}`}
	}
	if e.Kind == apperr.TooManyRequests {
		wait := e.RetryAfter
		if wait <= 0 {
			wait = defaultRetryAfter
		}
		setHeader(&resp, "Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	}
	return resp
}

// JSON returns a response with body encoded as JSON.
func JSON(status int, body any) (Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return Response{}, fmt.Errorf("httpapi.JSON: %w", err)
	}
	return Response{StatusCode: status, Headers: jsonHeaders(), Body: string(b)}, nil
}

// NoContent returns a 204 response.
func NoContent() Response {
	return Response{StatusCode: http.StatusNoContent, Headers: jsonHeaders()}
}

func jsonHeaders() map[string]string {
	return map[string]string{"Content-Type": "application/json; charset=utf-8"}
}
