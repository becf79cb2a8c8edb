package config

import (
	"fmt"
	"reflect"
	"strings"
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
	var c C
	return variables(reflect.TypeOf(c))
}

func variables(t reflect.Type) []Variable {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []Variable
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("env")
		if !ok {
			if f.Type.Kind() == reflect.Struct {
				out = append(out, variables(f.Type)...)
			}
			continue
		}
		v, err := parseTag(tag)
		if err != nil {
			panic(fmt.Sprintf("config.Variables %s.%s: %v", t, f.Name, err))
		}
		out = append(out, v)
	}
	return out
}

// parseTag reads `env:"NAME, required, default=x"` as go-envconfig does.
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
	return v, nil
}
