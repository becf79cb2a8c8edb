package config

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Variable is one environment variable a Config reads.
type Variable struct {
	Name string
	// Required: Load fails without it.
	Required bool
	// Default is the value used when it is unset (empty: none).
	Default string
}

// SetByLambda are the variables Lambda itself gives every function; a
// deployment must not set them.
var SetByLambda = map[string]bool{"AWS_LAMBDA_FUNCTION_NAME": true}

// Variables lists the environment variables C reads, embedded pieces
// included, in field order: what a function's deployment must give it
// (the required ones, less SetByLambda) and all it may give it. It reads
// the same `env` tags Load does; it panics on a tag it cannot read, which is
// a programming error caught by any test that declares the function.
func Variables[C any]() []Variable {
	t := reflect.TypeFor[C]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []Variable
	if err := walk(reflect.New(t).Elem(), func(v Variable, _ reflect.StructField, _ reflect.Value) error {
		out = append(out, v)
		return nil
	}); err != nil {
		panic(fmt.Sprintf("config.Variables: %v", err))
	}
	return out
}

// walk calls visit for each field of the struct s that has an `env` tag, in
// field order, descending into untagged struct fields (the embedded
// pieces). It stops at the first error, visit's or a tag's.
func walk(s reflect.Value, visit func(v Variable, field reflect.StructField, fv reflect.Value) error) error {
	t := s.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("env")
		if !ok {
			if f.Type.Kind() == reflect.Struct {
				if err := walk(s.Field(i), visit); err != nil {
					return err
				}
			}
			continue
		}
		v, err := parseTag(tag)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", t, f.Name, err)
		}
		if err := visit(v, f, s.Field(i)); err != nil {
			return err
		}
	}
	return nil
}

// decoder is a type that reads itself from a variable's value.
type decoder interface{ EnvDecode(string) error }

var durationType = reflect.TypeFor[time.Duration]()

// set parses value into the field fv.
func set(fv reflect.Value, value string) error {
	if !fv.CanSet() {
		return errors.New("the field is not exported")
	}
	switch p := fv.Addr().Interface().(type) {
	case decoder:
		return p.EnvDecode(value)
	case encoding.TextUnmarshaler:
		return p.UnmarshalText([]byte(value))
	}
	if fv.Type() == durationType {
		d, err := time.ParseDuration(value)
		fv.SetInt(int64(d))
		return err
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(value)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(value, 10, fv.Type().Bits())
		fv.SetInt(n)
		return err
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		fv.SetBool(b)
		return err
	case reflect.Slice:
		if fv.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("config.Load cannot read a %s", fv.Type())
		}
		parts := strings.Split(value, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		fv.Set(reflect.ValueOf(parts).Convert(fv.Type()))
	default:
		return fmt.Errorf("config.Load cannot read a %s", fv.Type())
	}
	return nil
}

// parseTag reads `env:"NAME, required, default=x"`. A default is taken as
// written (no $VAR expansion).
func parseTag(tag string) (Variable, error) {
	name, opts, _ := strings.Cut(tag, ",")
	v := Variable{Name: strings.TrimSpace(name)}
	if v.Name == "" {
		return v, fmt.Errorf("env tag %q names no variable", tag)
	}
	for opts != "" {
		var opt string
		opt, opts, _ = strings.Cut(opts, ",")
		opt = strings.TrimSpace(opt)
		switch {
		case opt == "required":
			v.Required = true
		case strings.HasPrefix(opt, "default="):
			// A default runs to the end of the tag: it may hold commas.
			v.Default = strings.TrimPrefix(opt, "default=")
			if opts != "" {
				v.Default += "," + opts
			}
			opts = ""
		case opt == "":
		default:
			return v, fmt.Errorf("env tag %q: option %q is not one config.Variables knows", tag, opt)
		}
	}
	if v.Required && v.Default != "" {
		return v, fmt.Errorf("env tag %q: a required variable has no default", tag)
	}
	return v, nil
}
