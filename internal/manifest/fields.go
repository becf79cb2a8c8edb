package manifest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Intrinsic reports whether v is a CloudFormation intrinsic function in its
// long form (a mapping with the single key "Ref", "Condition" or "Fn::…"),
// and returns that key.
func Intrinsic(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	for k := range m {
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, true
		}
	}
	return "", false
}

// fields reads typed values out of one resolved mapping of the document,
// naming the value's path in every error. Every getter reports whether the key
// was present; a present value of the wrong type is an error, and so is one
// that depends on a variable only AWS can resolve (ErrNeedsAWS), since these
// are the values the local stack needs.
type fields struct {
	path string
	m    map[string]any
}

func (f fields) at(key string) string {
	if f.path == "" {
		return key
	}
	return f.path + "." + key
}

// value returns the raw value at key, refusing an Unresolved one.
func (f fields) value(key string) (any, bool, error) {
	v, ok := f.m[key]
	if !ok || v == nil {
		return nil, false, nil
	}
	if err := needed(f.at(key), v); err != nil {
		return nil, true, err
	}
	return v, true, nil
}

func (f fields) str(key string) (string, bool, error) {
	v, ok, err := f.value(key)
	if !ok || err != nil {
		return "", ok, err
	}
	s, isScalar := scalarString(v)
	if !isScalar {
		return "", true, fmt.Errorf("%s: is %s, want a string", f.at(key), describe(v))
	}
	return s, true, nil
}

func (f fields) int(key string) (int, bool, error) {
	v, ok, err := f.value(key)
	if !ok || err != nil {
		return 0, ok, err
	}
	n, isInt := toInt(v)
	if !isInt {
		return 0, true, fmt.Errorf("%s: is %s, want an integer", f.at(key), describe(v))
	}
	return n, true, nil
}

func (f fields) bool(key string) (bool, bool, error) {
	v, ok, err := f.value(key)
	if !ok || err != nil {
		return false, ok, err
	}
	switch v := v.(type) {
	case bool:
		return v, true, nil
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b, true, nil
		}
	}
	return false, true, fmt.Errorf("%s: is %s, want a boolean", f.at(key), describe(v))
}

// strings accepts one string or a list of strings.
func (f fields) strings(key string) ([]string, bool, error) {
	v, ok, err := f.value(key)
	if !ok || err != nil {
		return nil, ok, err
	}
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		s, isScalar := scalarString(item)
		if !isScalar {
			return nil, true, fmt.Errorf("%s[%d]: is %s, want a string", f.at(key), i, describe(item))
		}
		out = append(out, s)
	}
	return out, true, nil
}

func (f fields) mapping(key string) (fields, bool, error) {
	v, ok, err := f.value(key)
	if !ok || err != nil {
		return fields{}, ok, err
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return fields{}, true, fmt.Errorf("%s: is %s, want a mapping", f.at(key), describe(v))
	}
	return fields{path: f.at(key), m: m}, true, nil
}

func (f fields) list(key string) ([]any, bool, error) {
	v, ok, err := f.value(key)
	if !ok || err != nil {
		return nil, ok, err
	}
	l, isList := v.([]any)
	if !isList {
		return nil, true, fmt.Errorf("%s: is %s, want a list", f.at(key), describe(v))
	}
	return l, true, nil
}

// needed refuses a value that is, or directly is made of, values only AWS
// can resolve.
func needed(path string, v any) error {
	switch v := v.(type) {
	case Unresolved:
		return fmt.Errorf("%w: %s is %s: %s", ErrNeedsAWS, path, v.Expr, v.Reason)
	case []any:
		for i, item := range v {
			if err := needed(fmt.Sprintf("%s[%d]", path, i), item); err != nil {
				return err
			}
		}
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case uint64:
		if v <= math.MaxInt {
			return int(v), true
		}
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= math.MaxInt32 {
			return int(v), true
		}
	case string:
		if n, err := strconv.Atoi(v); err == nil {
			return n, true
		}
	}
	return 0, false
}
