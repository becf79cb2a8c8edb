// Package config reads a function's configuration from its environment: one
// loader for every function, and the pieces several functions share, to
// embed. A function's Config embeds what it shares and declares only what is
// its own:
//
//	type Config struct {
//		config.Runtime
//		config.Outbox
//		PostsTable string `env:"POSTS_TABLE, required"`
//	}
package config

import (
	"fmt"
	"log/slog"
	"reflect"
)

// Function is what every function's Config is: it embeds Runtime.
type Function interface {
	RuntimeConfig() Runtime
}

// Lookup reads an environment variable (os.LookupEnv on AWS).
type Lookup func(name string) (value string, ok bool)

// MapLookup is a Lookup of m, for tests.
func MapLookup(m map[string]string) Lookup {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

// Load reads C from lookup, embedded pieces included, as its `env` tags say
// (see Variables): a variable that is set is used even when empty, one that
// is unset takes its default, or leaves the field zero. A required variable
// that is missing ("missing required value: NAME") or a value that does not
// parse is an error naming the variable and the field.
//
// It reads strings, ints, bools, time.Durations, comma-separated []string
// (each element trimmed), and any type with an EnvDecode(string) error
// method or an UnmarshalText method (slog.Level).
func Load[C any](lookup Lookup) (C, error) {
	var c C
	err := walk(reflect.ValueOf(&c).Elem(), func(v Variable, field reflect.StructField, fv reflect.Value) error {
		value, ok := lookup(v.Name)
		switch {
		case ok:
		case v.Required:
			return fmt.Errorf("missing required value: %s", v.Name)
		case v.Default != "":
			value = v.Default
		default:
			return nil
		}
		if err := set(fv, value); err != nil {
			return fmt.Errorf("%s (%s): %w", v.Name, field.Name, err)
		}
		return nil
	})
	if err != nil {
		var zero C
		return zero, fmt.Errorf("config.Load %T: %w", c, err)
	}
	return c, nil
}

// Runtime is what Lambda and the deployment give every function.
type Runtime struct {
	// FunctionName is set by Lambda; it tags the logs and names the
	// producer of the events the function emits.
	FunctionName string     `env:"AWS_LAMBDA_FUNCTION_NAME, required"`
	LogLevel     slog.Level `env:"LOG_LEVEL, default=info"`
}

// RuntimeConfig implements Function.
func (r Runtime) RuntimeConfig() Runtime { return r }

// Outbox is what a function that emits events needs: it records each event
// in the outbox table, in the transaction of the change, and publishes it on
// the bus.
type Outbox struct {
	OutboxTable        string `env:"OUTBOX_TABLE, required"`
	OutboxPendingIndex string `env:"OUTBOX_PENDING_INDEX, default=pendingByAge"`
	EventBusName       string `env:"EVENT_BUS_NAME, required"`
}

// Revocations is the table of sign-outs: logout writes it, writes check it.
type Revocations struct {
	RevocationsTable string `env:"REVOCATIONS_TABLE, required"`
}

// Counter is the read model the counter worker maintains.
type Counter struct {
	CounterTable string `env:"COUNTER_TABLE, required"`
}
