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
	"context"
	"fmt"
	"log/slog"

	"github.com/sethvargo/go-envconfig"
)

// Function is what every function's Config is: it embeds Runtime.
type Function interface {
	RuntimeConfig() Runtime
}

// Load reads C from lookup (envconfig.OsLookuper on AWS), embedded pieces
// included. A required variable that is missing or a value that does not
// parse is an error naming it.
func Load[C any](ctx context.Context, lookup envconfig.Lookuper) (C, error) {
	var c C
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{Target: &c, Lookuper: lookup}); err != nil {
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
