package events

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// timeLayout is the one time format of the contract: RFC 3339, UTC ("Z"),
// exactly three fractional digits. Fixed width, so times sort as strings.
const timeLayout = "2006-01-02T15:04:05.000Z"

// The one reader and writer of every event type. Each type is a plain struct
// whose json tags name its properties; this code is the only place that
// says how a property is written and read:
//
//   - properties are written in the order the struct declares them, so
//     events read in a queue or a log read like the documentation;
//   - a time.Time is a string in timeLayout (UTC, milliseconds), and only
//     that layout is read;
//   - a string is a JSON string, an int a JSON integer, a struct an object;
//   - every property is required and must not be null; its name must match
//     the tag exactly (encoding/json alone would take "PostID" for "postId");
//   - properties the type does not declare are ignored: a schema version
//     may gain optional properties.
//
// Reading checks the JSON shape only; values (UUIDs, ranges) are checked by
// each type's check, after.

var timeType = reflect.TypeFor[time.Time]()

// marshal writes v, a struct, as a JSON object.
func marshal(v any) ([]byte, error) {
	return appendValue(nil, reflect.ValueOf(v))
}

func appendValue(b []byte, v reflect.Value) ([]byte, error) {
	switch {
	case v.Type() == timeType:
		b = append(b, '"')
		b = v.Interface().(time.Time).UTC().AppendFormat(b, timeLayout)
		return append(b, '"'), nil
	case v.Kind() == reflect.Struct:
		b = append(b, '{')
		for i, name := range propertyNames(v.Type()) {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, name) // names are ASCII identifiers
			b = append(b, ':')
			var err error
			if b, err = appendValue(b, v.Field(i)); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case v.Kind() == reflect.String:
		s, err := json.Marshal(v.String())
		return append(b, s...), err
	case v.Kind() == reflect.Int:
		return strconv.AppendInt(b, v.Int(), 10), nil
	default:
		return nil, fmt.Errorf("events: no wire form for %s", v.Type())
	}
}

// unmarshal reads the JSON object b into *v, a struct, and returns an error
// wrapping ErrInvalid that lists every property missing, null or of the
// wrong JSON type; *v is left unchanged then.
func unmarshal[T any](b []byte, v *T) error {
	var p problems
	var out T
	readValue(b, reflect.ValueOf(&out).Elem(), "", &p)
	if err := p.err(); err != nil {
		return err
	}
	*v = out
	return nil
}

func readValue(raw json.RawMessage, v reflect.Value, path string, p *problems) {
	switch {
	case v.Type() == timeType:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			p.add(path, "must be a string")
			return
		}
		t, ok := parseTime(s)
		if !ok {
			p.add(path, "must be a UTC time with milliseconds, as "+quote(timeLayout))
			return
		}
		v.Set(reflect.ValueOf(t))
	case v.Kind() == reflect.Struct:
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
			p.add(path, "must be a JSON object")
			return
		}
		for i, name := range propertyNames(v.Type()) {
			at := name
			if path != "" {
				at = path + "." + name
			}
			switch f, ok := fields[name]; {
			case !ok:
				p.add(at, "is required")
			case string(f) == "null":
				p.add(at, "must not be null")
			default:
				readValue(f, v.Field(i), at, p)
			}
		}
	case v.Kind() == reflect.String:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			p.add(path, "must be a string")
			return
		}
		v.SetString(s)
	case v.Kind() == reflect.Int:
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil || int64(int(n)) != n {
			p.add(path, "must be an integer")
			return
		}
		v.SetInt(n)
	default:
		p.add(path, "has no wire form in "+v.Type().String())
	}
}

// propertyNames are the JSON property names of struct type t, by field.
func propertyNames(t reflect.Type) []string {
	names := make([]string, t.NumField())
	for i := range names {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		names[i] = name
	}
	return names
}

// parseTime parses s in timeLayout, and nothing else: no other offset, no
// other number of fractional digits.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(timeLayout, s)
	if err != nil || t.Format(timeLayout) != s {
		return time.Time{}, false
	}
	return t, true
}

// problem is one way a value breaks the contract, at a property path.
type problem struct{ path, msg string }

func (p problem) String() string {
	if p.path == "" {
		return p.msg
	}
	return p.path + ": " + p.msg
}

// problems collects every problem of a value, so one error reports them all.
type problems []problem

func (p *problems) add(path, msg string) { *p = append(*p, problem{path, msg}) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &invalidError{p}
}

// invalidError is ErrInvalid with the problems found.
type invalidError struct{ problems problems }

func (e *invalidError) Error() string {
	msgs := make([]string, len(e.problems))
	for i, p := range e.problems {
		msgs[i] = p.String()
	}
	return ErrInvalid.Error() + ": " + strings.Join(msgs, "; ")
}

func (e *invalidError) Unwrap() error { return ErrInvalid }

// objectReader reads the properties of one JSON object by their exact names,
// noting each property that is missing or of the wrong JSON type. It reads
// the EventBridge envelope, whose properties are partly optional; the
// events' own types are read by unmarshal.
type objectReader struct {
	fields map[string]json.RawMessage
	p      problems
}

func readObject(b []byte) (*objectReader, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil || fields == nil {
		return nil, problems{{"", "must be a JSON object"}}.err()
	}
	return &objectReader{fields: fields}, nil
}

func (r *objectReader) err() error { return r.p.err() }

// failed reports whether a problem was noted for the property name.
func (r *objectReader) failed(name string) bool {
	for _, q := range r.p {
		if q.path == name {
			return true
		}
	}
	return false
}

// raw returns the property's JSON, or nil (and a problem) when it is
// missing or null.
func (r *objectReader) raw(name string) json.RawMessage {
	raw, ok := r.fields[name]
	switch {
	case !ok:
		r.p.add(name, "is required")
		return nil
	case string(raw) == "null":
		r.p.add(name, "must not be null")
		return nil
	}
	return raw
}

func (r *objectReader) string(name string) string {
	raw := r.raw(name)
	if raw == nil {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		r.p.add(name, "must be a string")
	}
	return s
}

// isUUID reports whether s is a UUID in canonical form, lower case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

// isUUIDv7 reports whether s is a lower-case UUID of version 7 and the RFC
// 9562 variant.
func isUUIDv7(s string) bool {
	return isUUID(s) && s[14] == '7' && strings.IndexByte("89ab", s[19]) >= 0
}

// check appends every problem of v's values, at their property paths: a
// time must be one timeLayout can write, and each field follows the rules
// its check tag names (comma-separated).
func check(v reflect.Value, path string, p *problems) {
	t := v.Type()
	for i, name := range propertyNames(t) {
		f, at := v.Field(i), name
		if path != "" {
			at = path + "." + name
		}
		switch {
		case f.Type() == timeType:
			checkTime(at, f.Interface().(time.Time), p)
		case f.Kind() == reflect.Struct:
			check(f, at, p)
		}
		for rule := range strings.SplitSeq(t.Field(i).Tag.Get("check"), ",") {
			if rule == "" {
				continue
			}
			if r, ok := rules[rule]; ok {
				r(at, f, p)
			} else {
				p.add(at, "has an unknown check "+quote(rule))
			}
		}
	}
}

// rules are the check tags' rules.
var rules = map[string]func(path string, v reflect.Value, p *problems){
	"uuid": func(path string, v reflect.Value, p *problems) {
		if !isUUID(v.String()) {
			p.add(path, "must be a lower-case UUID")
		}
	},
	"uuidv7": func(path string, v reflect.Value, p *problems) {
		if !isUUIDv7(v.String()) {
			p.add(path, "must be a lower-case UUIDv7")
		}
	},
	"notEmpty": func(path string, v reflect.Value, p *problems) {
		if v.String() == "" {
			p.add(path, "must not be empty")
		}
	},
	"schemaVersion": func(path string, v reflect.Value, p *problems) {
		if v.String() != SchemaVersion {
			p.add(path, "must be "+quote(SchemaVersion))
		}
	},
	"title": func(path string, v reflect.Value, p *problems) {
		switch title := v.String(); {
		case !utf8.ValidString(title):
			p.add(path, "must be valid UTF-8")
		case title == "":
			p.add(path, "must not be empty")
		case utf8.RuneCountInString(title) > MaxTitleLen:
			p.add(path, "must be at most "+strconv.Itoa(MaxTitleLen)+" characters")
		}
	},
	"version": func(path string, v reflect.Value, p *problems) {
		if v.Int() < 1 {
			p.add(path, "must be 1 or more")
		}
	},
}

// checkTime rejects the zero time, and times timeLayout cannot write.
func checkTime(field string, t time.Time, p *problems) {
	if y := t.UTC().Year(); t.IsZero() || y < 1 || y > 9999 {
		p.add(field, "must be a time between years 1 and 9999")
	}
}

func quote(s string) string { return strconv.Quote(s) }
