package httpapi

import (
	"bytes"
	"encoding/base64"
	"errors"
	"mime"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/eventboard/eventboard/internal/apperr"
)

// MaxBodyBytes is the largest request body the API accepts.
const MaxBodyBytes = 64 << 10

// Body returns the request body as bytes, decoding base64 where API Gateway
// encoded it. A body over MaxBodyBytes is apperr.TooLarge.
func Body(req Request) ([]byte, error) {
	if !req.IsBase64Encoded {
		if len(req.Body) > MaxBodyBytes {
			return nil, errTooLarge
		}
		return []byte(req.Body), nil
	}
	if base64.StdEncoding.DecodedLen(len(req.Body)) > MaxBodyBytes+3 {
		return nil, errTooLarge
	}
	b, err := base64.StdEncoding.DecodeString(req.Body)
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "INVALID_BODY", "The request body could not be decoded.")
	}
	if len(b) > MaxBodyBytes {
		return nil, errTooLarge
	}
	return b, nil
}

var errTooLarge = apperr.Errorf(apperr.TooLarge, "PAYLOAD_TOO_LARGE", "The request body must be at most %d bytes.", MaxBodyBytes)

// DecodeJSON decodes the request body, one JSON object, into dst, strictly:
// the request must say Content-Type: application/json (a browser cannot send
// that cross-site without a CORS preflight, so a form on another site cannot
// post here); the body must be valid UTF-8 (escaped lone surrogates
// included), name every member exactly as dst's json tags do (case
// included), name none twice, hold no unknown member and nothing after the
// object, and every member must have its declared type. Failures are
// apperr.UnsupportedMediaType (UNSUPPORTED_MEDIA_TYPE), apperr.Invalid
// (INVALID_JSON, INVALID_UTF8, INVALID_FIELD_TYPE, UNKNOWN_FIELD,
// DUPLICATE_FIELD) or apperr.TooLarge.
func DecodeJSON(req Request, dst any) error {
	if err := RequireJSON(req); err != nil {
		return err
	}
	b, err := Body(req)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return apperr.New(apperr.Invalid, "INVALID_JSON", "The request body must be a JSON object.")
	}
	if !utf8.Valid(b) || hasLoneSurrogate(b) {
		return apperr.New(apperr.Invalid, "INVALID_UTF8", "The request body must be valid UTF-8.")
	}
	// go-json-experiment is strict where encoding/json is lenient: names
	// match case-sensitively and a duplicate name is an error (encoding/json
	// takes the last and matches "TITLE" to "title").
	if err := json.Unmarshal(b, dst, json.RejectUnknownMembers(true)); err != nil {
		return decodeError(err)
	}
	return nil
}

// ErrUnsupportedMediaType is the answer to a body that is not declared as
// JSON.
var ErrUnsupportedMediaType = apperr.New(apperr.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "The request body must be JSON, sent with Content-Type: application/json.")

// RequireJSON refuses (ErrUnsupportedMediaType) a request whose
// Content-Type is not application/json, optionally with charset=utf-8.
func RequireJSON(req Request) error {
	mt, params, err := mime.ParseMediaType(Header(req, "content-type"))
	if err != nil || mt != "application/json" {
		return ErrUnsupportedMediaType
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return ErrUnsupportedMediaType
		}
	}
	return nil
}

// Header returns the named request header, whatever the case of its name
// in the event (API Gateway sends names in lower case; hand-made events may
// not), or "".
func Header(req Request, name string) string {
	if v, ok := req.Headers[strings.ToLower(name)]; ok {
		return v
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func decodeError(err error) error {
	var semErr *json.SemanticError
	var synErr *jsontext.SyntacticError
	switch {
	case errors.As(err, &synErr) && errors.Is(synErr.Err, jsontext.ErrDuplicateName):
		return apperr.Errorf(apperr.Invalid, "DUPLICATE_FIELD", "Field %q appears more than once.", synErr.JSONPointer.LastToken())
	case errors.As(err, &semErr) && errors.Is(semErr.Err, json.ErrUnknownName):
		return apperr.Errorf(apperr.Invalid, "UNKNOWN_FIELD", "Field %q is not part of this request.", semErr.JSONPointer.LastToken())
	case errors.As(err, &semErr) && semErr.JSONPointer == "" && semErr.GoType != nil:
		return apperr.New(apperr.Invalid, "INVALID_JSON", "The request body must be a JSON object.")
	case errors.As(err, &semErr) && semErr.GoType != nil:
		field := topField(semErr.JSONPointer)
		return apperr.Errorf(apperr.Invalid, "INVALID_FIELD_TYPE", "Field %q must be a JSON %s.", field, jsonType(semErr.GoType))
	default:
		return apperr.New(apperr.Invalid, "INVALID_JSON", "The request body is not valid JSON.")
	}
}

// topField is the first name of a JSON pointer: the request field a nested
// error is in.
func topField(p jsontext.Pointer) string {
	for tok := range p.Tokens() {
		return tok
	}
	return ""
}

func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	default:
		return "value of the documented type"
	}
}

// hasLoneSurrogate reports whether b escapes a UTF-16 surrogate that is not
// half of a pair ("\ud800"): encoding/json would silently turn it into
// U+FFFD, storing text the client never sent.
func hasLoneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 < len(b) && b[i+1] != 'u' {
			i++ // an escape such as \\ or \": skip the escaped character
			continue
		}
		r, ok := hex4(b, i+2)
		if !ok {
			continue // malformed; the JSON decoder reports it
		}
		switch {
		case r >= 0xD800 && r < 0xDC00: // high half: a low half must follow
			lo, ok := hex4(b, i+8)
			if i+7 >= len(b) || b[i+6] != '\\' || b[i+7] != 'u' || !ok || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

func hex4(b []byte, at int) (rune, bool) {
	if at < 0 || at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// ErrInvalidQuery is the answer to a query string that cannot be read
// unambiguously.
var ErrInvalidQuery = apperr.New(apperr.Invalid, "INVALID_QUERY", "The query string is malformed: use name=value pairs joined by &, each name once, percent-encoded.")

// Query returns the request's query parameters, read strictly from the
// query string as the client sent it (rawQueryString): a malformed escape
// ("%zz"), a ";" separator or a name given twice is ErrInvalidQuery, where
// a lenient reader would drop the pair or pick one value and serve a page
// the client did not ask for. Events without a raw query string (made by
// hand) fall back to queryStringParameters.
func Query(req Request) (map[string]string, error) {
	if req.RawQueryString == "" {
		return req.QueryStringParameters, nil
	}
	values, err := url.ParseQuery(req.RawQueryString)
	if err != nil {
		return nil, ErrInvalidQuery
	}
	out := make(map[string]string, len(values))
	for name, vs := range values {
		if len(vs) != 1 {
			return nil, ErrInvalidQuery
		}
		out[name] = vs[0]
	}
	return out, nil
}

// QueryInt returns the named query parameter as an int, or def when absent.
// A present value that is not a decimal integer of at most nine digits is
// the invalid error given.
func QueryInt(query map[string]string, name string, def int, invalid error) (int, error) {
	v, ok := query[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || len(v) > 9 {
		return 0, invalid
	}
	return n, nil
}

// Field is a request field and whether the body held it (not null).
type Field struct {
	name    string
	present bool
}

// Has is the field name, present when the body held it.
func Has(name string, present bool) Field { return Field{name: name, present: present} }

// Require returns MISSING_FIELD (invalid) for the first field that is not
// present, and nil when all are.
func Require(fields ...Field) error {
	for _, f := range fields {
		if !f.present {
			return apperr.Errorf(apperr.Invalid, "MISSING_FIELD", "Field %q is required.", f.name)
		}
	}
	return nil
}
