package events

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// timeLayout is the one time format of the contract: RFC 3339, UTC ("Z"),
// exactly three fractional digits. Fixed width, so times sort as strings.
const timeLayout = "2006-01-02T15:04:05.000Z"

// objectWriter writes a JSON object with its properties in the order
// written, which is the order the types declare them: events read in a
// queue or a log read like the documentation.
type objectWriter struct {
	b   []byte
	err error
}

func (w *objectWriter) key(name string) {
	if len(w.b) == 0 {
		w.b = append(w.b, '{')
	} else {
		w.b = append(w.b, ',')
	}
	w.b = strconv.AppendQuote(w.b, name) // names are ASCII identifiers
	w.b = append(w.b, ':')
}

func (w *objectWriter) string(name, s string) {
	w.key(name)
	b, err := json.Marshal(s)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.b = append(w.b, b...)
}

func (w *objectWriter) int(name string, n int) {
	w.key(name)
	w.b = strconv.AppendInt(w.b, int64(n), 10)
}

// time writes t in timeLayout: UTC, truncated to the millisecond.
func (w *objectWriter) time(name string, t time.Time) {
	w.key(name)
	w.b = append(w.b, '"')
	w.b = t.UTC().AppendFormat(w.b, timeLayout)
	w.b = append(w.b, '"')
}

func (w *objectWriter) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if len(w.b) == 0 {
		return []byte("{}"), nil
	}
	return append(w.b, '}'), nil
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

// MarshalJSON encodes the time as the contract says: UTC, milliseconds.
func (m Metadata) MarshalJSON() ([]byte, error) {
	var w objectWriter
	w.string("eventId", m.EventID)
	w.string("schemaVersion", m.SchemaVersion)
	w.time("occurredAt", m.OccurredAt)
	w.string("correlationId", m.CorrelationID)
	w.string("producer", m.Producer)
	return w.bytes()
}

// UnmarshalJSON requires every property, with its exact name and JSON type
// (occurredAt in the contract's format), and ignores properties it does not
// know. It does not check values: decoding does, after.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	r, err := readObject(b)
	if err != nil {
		return err
	}
	v := Metadata{
		EventID:       r.string("eventId"),
		SchemaVersion: r.string("schemaVersion"),
		OccurredAt:    r.time("occurredAt"),
		CorrelationID: r.string("correlationId"),
		Producer:      r.string("producer"),
	}
	if err := r.err(); err != nil {
		return err
	}
	*m = v
	return nil
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

// merge adds err's problems under prefix (a property name).
func (p *problems) merge(prefix string, err error) {
	var ie *invalidError
	if !errors.As(err, &ie) {
		p.add(prefix, err.Error())
		return
	}
	for _, q := range ie.problems {
		if q.path != "" {
			q.path = prefix + "." + q.path
		} else {
			q.path = prefix
		}
		*p = append(*p, q)
	}
}

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

// objectReader reads the properties of one JSON object by their exact names
// (encoding/json alone would also take "PostID" for "postId"), noting each
// property that is missing or of the wrong JSON type.
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

func (r *objectReader) int(name string) int {
	raw := r.raw(name)
	if raw == nil {
		return 0
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil || int64(int(n)) != n {
		r.p.add(name, "must be an integer")
		return 0
	}
	return int(n)
}

func (r *objectReader) time(name string) time.Time {
	raw := r.raw(name)
	if raw == nil {
		return time.Time{}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		r.p.add(name, "must be a string")
		return time.Time{}
	}
	t, ok := parseTime(s)
	if !ok {
		r.p.add(name, "must be a UTC time with milliseconds, as "+quote(timeLayout))
	}
	return t
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

func checkID(field, id string, p *problems) {
	if !isUUID(id) {
		p.add(field, "must be a lower-case UUID")
	}
}

func checkNotEmpty(field, s string, p *problems) {
	if s == "" {
		p.add(field, "must not be empty")
	}
}

// checkTime rejects the zero time, and times timeLayout cannot write.
func checkTime(field string, t time.Time, p *problems) {
	if y := t.UTC().Year(); t.IsZero() || y < 1 || y > 9999 {
		p.add(field, "must be a time between years 1 and 9999")
	}
}

func quote(s string) string { return strconv.Quote(s) }
