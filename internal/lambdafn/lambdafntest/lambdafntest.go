// Package lambdafntest builds declared functions in tests as their main
// packages build them on AWS (lambdafn.Function.Build), so a test of a
// function wired on an emulator or a fake runs the wiring production runs,
// through the same entry point.
//
// Only tests import it; it is never linked into a Lambda.
package lambdafntest

import (
	"context"
	"log/slog"
	"maps"
	"testing"

	"github.com/aws/smithy-go/middleware"

	"github.com/eventboard/eventboard/internal/lambdafn"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// Build builds fn from env, a function's environment as serverless.yml
// gives it plus the AWS_ENDPOINT_URL* variables of the emulators or fakes it
// is to call. Build adds what Lambda sets and env lacks: the function's
// name, and the region and placeholder credentials of package emulator's
// clients, so the function sees what the test made with them (DynamoDB Local
// keeps a database per access key and region). options are added to every
// SDK client the function builds; its logs are discarded. A build that
// fails fails tb.
func Build(tb testing.TB, fn lambdafn.Function, env map[string]string, options ...func(*middleware.Stack) error) lambdafn.EntryPoints {
	tb.Helper()
	full := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": fn.Name,
		"AWS_REGION":               emulator.Region,
		"AWS_ACCESS_KEY_ID":        "local",
		"AWS_SECRET_ACCESS_KEY":    "local",
	}
	maps.Copy(full, env)
	entry, err := fn.Build(context.Background(), lambdafn.Env{
		Lookup:     func(k string) (string, bool) { v, ok := full[k]; return v, ok },
		Logs:       slog.DiscardHandler,
		APIOptions: options,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return entry
}
