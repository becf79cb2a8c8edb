package apigw

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// WriteResponse writes a function's payload 2.0 answer as API Gateway
// does, which is also how a Lambda function URL turns its function's
// answer into HTTP (the local stack's function URLs use it). A payload
// that is not such an answer is an error, and nothing is written.
func WriteResponse(w http.ResponseWriter, payload []byte) error {
	resp, err := readResponse(payload)
	if err != nil {
		return fmt.Errorf("not a response: %w", err)
	}
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		return errors.New("no valid statusCode")
	}
	body := resp.Body
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			return fmt.Errorf("body: %w", err)
		}
		body = string(b)
	}
	h := w.Header()
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	w.WriteHeader(resp.StatusCode)
	_, err = io.WriteString(w, body) // without copying the body to bytes
	return err
}

// readResponse reads a function's answer as encoding/json reads it into
// an events.APIGatewayV2HTTPResponse: names in any case, the last of
// duplicates, unknown members ignored, invalid UTF-8 replaced. An answer
// in the shape aws-lambda-go writes (the names as declared, each once,
// values of their types or null, strings of valid UTF-8) is read by
// responseReader without reflection; any other by jsonv1, which is
// encoding/json's behaviour at a fraction of its cost. Tests and a fuzz
// target hold both to encoding/json's results.
func readResponse(payload []byte) (events.APIGatewayV2HTTPResponse, error) {
	r := responseReader{b: payload}
	if resp, ok := r.read(); ok {
		return resp, nil
	}
	var resp events.APIGatewayV2HTTPResponse
	err := jsonv1.Unmarshal(payload, &resp)
	return resp, err
}

// responseReader reads the plain shape of an answer; ok is false as soon
// as the answer is anything else, and readResponse reads it again the
// general way.
type responseReader struct {
	b []byte
	i int
}

func (r *responseReader) read() (resp events.APIGatewayV2HTTPResponse, ok bool) {
	if !r.consume('{') {
		return resp, false
	}
	var seen uint8
	for first := true; ; first = false {
		if r.consume('}') {
			break
		}
		if !first && !r.consume(',') {
			return resp, false
		}
		name, ok := r.name()
		if !ok || !r.consume(':') {
			return resp, false
		}
		var field uint8
		switch string(name) {
		case "statusCode":
			field, ok = 1<<0, r.statusCode(&resp.StatusCode)
		case "headers":
			field, ok = 1<<1, r.headers(&resp.Headers)
		case "multiValueHeaders":
			field, ok = 1<<2, r.multiValueHeaders(&resp.MultiValueHeaders)
		case "body":
			field, ok = 1<<3, r.body(&resp.Body)
		case "isBase64Encoded":
			field, ok = 1<<4, r.bool(&resp.IsBase64Encoded)
		case "cookies":
			field, ok = 1<<5, r.cookies(&resp.Cookies)
		default: // another case or an unknown member: encoding/json's rules
			return resp, false
		}
		if !ok || seen&field != 0 {
			return resp, false
		}
		seen |= field
	}
	r.space()
	return resp, r.i == len(r.b)
}

func (r *responseReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// consume reads c after any white space, if it is next.
func (r *responseReader) consume(c byte) bool {
	r.space()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// null reads a null, if it is next: encoding/json leaves the field as it
// is, here its zero value.
func (r *responseReader) null() bool { return r.literal("null") }

// literal reads the word w after any white space, if it is next.
func (r *responseReader) literal(w string) bool {
	r.space()
	if len(r.b)-r.i >= len(w) && string(r.b[r.i:r.i+len(w)]) == w {
		r.i += len(w)
		return true
	}
	return false
}

func (r *responseReader) statusCode(v *int) bool {
	if r.null() {
		return true
	}
	r.space()
	start := r.i
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	digits := r.i
	for r.i < len(r.b) && '0' <= r.b[r.i] && r.b[r.i] <= '9' {
		r.i++
	}
	if r.i == digits || (r.b[digits] == '0' && r.i > digits+1) {
		return false // not a JSON number
	}
	if r.i < len(r.b) && (r.b[r.i] == '.' || r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		return false // not an integer: encoding/json's error
	}
	n, err := strconv.Atoi(string(r.b[start:r.i]))
	*v = n
	return err == nil
}

func (r *responseReader) bool(v *bool) bool {
	switch {
	case r.null(), r.literal("false"):
		return true
	case r.literal("true"):
		*v = true
		return true
	}
	return false
}

func (r *responseReader) body(v *string) bool {
	if r.null() {
		return true
	}
	s, ok := r.string()
	*v = s
	return ok
}

func (r *responseReader) headers(v *map[string]string) bool {
	return readObject(r, v, r.string)
}

func (r *responseReader) multiValueHeaders(v *map[string][]string) bool {
	return readObject(r, v, r.stringArray)
}

// readObject reads null (leaving *v as it is) or an object whose members'
// values value reads into *v.
func readObject[T any](r *responseReader, v *map[string]T, value func() (T, bool)) bool {
	if r.null() {
		return true
	}
	if !r.consume('{') {
		return false
	}
	m := map[string]T{}
	for first := true; !r.consume('}'); first = false {
		if !first && !r.consume(',') {
			return false
		}
		name, ok := r.string()
		if !ok || !r.consume(':') {
			return false
		}
		if m[name], ok = value(); !ok {
			return false
		}
	}
	*v = m
	return true
}

func (r *responseReader) cookies(v *[]string) bool {
	if r.null() {
		return true
	}
	s, ok := r.stringArray()
	*v = s
	return ok
}

// stringArray reads an array of strings; empty, it is an empty slice, as
// encoding/json makes it.
func (r *responseReader) stringArray() ([]string, bool) {
	if !r.consume('[') {
		return nil, false
	}
	s := []string{}
	for first := true; !r.consume(']'); first = false {
		if !first && !r.consume(',') {
			return nil, false
		}
		v, ok := r.string()
		if !ok {
			return nil, false
		}
		s = append(s, v)
	}
	return s, true
}

// name reads a member's name, if it has no escape: a name with one is
// left to encoding/json's rules.
func (r *responseReader) name() ([]byte, bool) {
	if !r.consume('"') {
		return nil, false
	}
	start := r.i
	for r.i < len(r.b) {
		switch c := r.b[r.i]; {
		case c == '"':
			r.i++
			return r.b[start : r.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		r.i++
	}
	return nil, false
}

// string reads a JSON string of valid UTF-8 whose escapes name no
// surrogate: what encoding/json writes of valid text.
func (r *responseReader) string() (string, bool) {
	if !r.consume('"') {
		return "", false
	}
	start := r.i
	for r.i < len(r.b) {
		switch c := r.b[r.i]; {
		case c == '"':
			s := r.b[start:r.i]
			r.i++
			return string(s), utf8.Valid(s)
		case c == '\\':
			return r.unescape(start)
		case c < 0x20:
			return "", false
		}
		r.i++
	}
	return "", false
}

// unescape reads the rest of a string that started at start and has an
// escape at r.i.
func (r *responseReader) unescape(start int) (string, bool) {
	var s strings.Builder
	s.Grow(len(r.b) - start)
	s.Write(r.b[start:r.i])
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return s.String(), utf8.ValidString(s.String())
		case c < 0x20:
			return "", false
		case c != '\\':
			s.WriteByte(c)
			r.i++
			continue
		}
		if r.i+1 >= len(r.b) {
			return "", false
		}
		switch e := r.b[r.i+1]; e {
		case '"', '\\', '/':
			s.WriteByte(e)
		case 'b':
			s.WriteByte('\b')
		case 'f':
			s.WriteByte('\f')
		case 'n':
			s.WriteByte('\n')
		case 'r':
			s.WriteByte('\r')
		case 't':
			s.WriteByte('\t')
		case 'u':
			if r.i+6 > len(r.b) {
				return "", false
			}
			n, err := strconv.ParseUint(string(r.b[r.i+2:r.i+6]), 16, 16)
			if err != nil || utf8.RuneLen(rune(n)) < 0 { // not hex, or half of a surrogate pair
				return "", false
			}
			s.WriteRune(rune(n))
			r.i += 4
		default:
			return "", false
		}
		r.i += 2
	}
	return "", false
}
