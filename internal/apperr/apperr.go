// Package apperr is Eventboard's one error vocabulary.
//
// Every error that can reach a client is an *Error with a Kind (what went
// wrong, in terms a transport can map to a status), a stable machine-readable
// Code and a Message that is safe to show to a user. Anything else is an
// internal error: it is logged with its detail and shown to clients only as a
// generic message. The mapping from Kind to an HTTP status lives in package
// httpapi, and nowhere else.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error by who must act on it.
type Kind int

// The kinds of error. The zero value is Internal, so an error that was never
// classified is never mistaken for the client's fault.
const (
	Internal             Kind = iota // a fault of ours; the detail is logged, never shown
	Invalid                          // the request is malformed or fails validation
	TooLarge                         // the request body is larger than allowed
	Unauthorized                     // the caller is not authenticated
	Forbidden                        // the caller is authenticated but may not do this
	NotFound                         // the thing asked for does not exist
	Conflict                         // the request conflicts with the current state
	TooManyRequests                  // the caller must slow down
	UnsupportedMediaType             // the request body is not in a format the API reads
)

// String names the kind, for logs.
func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case TooLarge:
		return "too_large"
	case Unauthorized:
		return "unauthorized"
	case Forbidden:
		return "forbidden"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case TooManyRequests:
		return "too_many_requests"
	case UnsupportedMediaType:
		return "unsupported_media_type"
	default:
		return "internal"
	}
}

// Error is an error a client may see: Code and Message are part of the API.
type Error struct {
	Kind    Kind
	Code    string // stable, SCREAMING_SNAKE_CASE, e.g. POST_NOT_FOUND
	Message string // safe to show to a user
	Err     error  // optional cause, for logs only
	// RetryAfter is how long a TooManyRequests caller should wait before
	// trying again, when the refusal knows; zero means a short default.
	RetryAfter time.Duration
}

// New returns an *Error of the given kind.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Errorf returns an *Error whose message is formatted.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Internal code and message, used for every error that is not an *Error.
const (
	InternalCode    = "INTERNAL"
	InternalMessage = "An internal error occurred."
)

// From returns the *Error in err's chain, or an Internal *Error wrapping err
// when there is none. From(nil) is nil.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Code: InternalCode, Message: InternalMessage, Err: err}
}

// KindOf returns the kind of err: Internal unless err's chain holds an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// CodeOf returns the code of err, or "" for nil.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	return From(err).Code
}
