package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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

// DecodeJSON decodes the request body, one JSON object, into dst (a pointer
// to a struct), strictly: the body must be valid UTF-8 (escaped lone
// surrogates included), hold no unknown fields (a key must be a field's JSON
// name exactly, case included) and nothing after the object, and every field
// must have its declared type. Failures are apperr.Invalid (INVALID_JSON,
// INVALID_FIELD_TYPE, UNKNOWN_FIELD) or apperr.TooLarge.
func DecodeJSON(req Request, dst any) error {
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
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "INVALID_JSON", "The request body must hold exactly one JSON object.")
	}
	return exactKeys(b, dst)
}

// exactKeys returns UNKNOWN_FIELD for a key of the object in b that is not
// the JSON name of one of dst's fields: encoding/json matches keys to
// fields without regard to case, so it would take {"Content": …} for
// "content", a field the body does not have.
func exactKeys(b []byte, dst any) error {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil // not an object (null): the decoder has accepted it already
	}
	names := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		names[name] = name != "-"
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !names[k] {
			return apperr.Errorf(apperr.Invalid, "UNKNOWN_FIELD", "Field %q is not part of this request.", k)
		}
	}
	return nil
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return apperr.New(apperr.Invalid, "INVALID_JSON", "The request body must be a JSON object.")
	case errors.As(err, &typeErr):
		return apperr.Errorf(apperr.Invalid, "INVALID_FIELD_TYPE", "Field %q must be a JSON %s.", typeErr.Field, jsonType(typeErr.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return apperr.Errorf(apperr.Invalid, "UNKNOWN_FIELD", "Field %q is not part of this request.", field)
	default:
		return apperr.New(apperr.Invalid, "INVALID_JSON", "The request body is not valid JSON.")
	}
}

func jsonType(goKind string) string {
	switch goKind {
	case "string", "ptr":
		return "string"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "number"
	case "bool":
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

// QueryInt returns the named query parameter as an int, or def when absent.
// A present value that is not a decimal integer of at most nine digits is
// the invalid error given.
func QueryInt(req Request, name string, def int, invalid error) (int, error) {
	v, ok := req.QueryStringParameters[name]
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
