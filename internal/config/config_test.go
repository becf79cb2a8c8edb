package config_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sethvargo/go-envconfig"

	"github.com/eventboard/eventboard/internal/config"
)

type fnConfig struct {
	config.Runtime
	config.Outbox
	Own string `env:"OWN, required"`
}

func TestLoad(t *testing.T) {
	t.Parallel()
	full := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": "createPost", "LOG_LEVEL": "debug",
		"OUTBOX_TABLE": "outbox", "EVENT_BUS_NAME": "bus", "OWN": "mine",
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    fnConfig
		wantErr string
	}{
		{
			name: "embedded pieces and defaults",
			env:  full,
			want: fnConfig{
				Runtime: config.Runtime{FunctionName: "createPost", LogLevel: slog.LevelDebug},
				Outbox:  config.Outbox{OutboxTable: "outbox", OutboxPendingIndex: "pendingByAge", EventBusName: "bus"},
				Own:     "mine",
			},
		},
		{name: "a shared piece missing", env: without(full, "EVENT_BUS_NAME"), wantErr: "EVENT_BUS_NAME"},
		{name: "its own missing", env: without(full, "OWN"), wantErr: "OWN"},
		{name: "no function name", env: without(full, "AWS_LAMBDA_FUNCTION_NAME"), wantErr: "AWS_LAMBDA_FUNCTION_NAME"},
		{name: "a bad level", env: with(full, "LOG_LEVEL", "loud"), wantErr: "LogLevel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := config.Load[fnConfig](context.Background(), envconfig.MapLookuper(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %+v, %v; want an error naming %s", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
			if got.RuntimeConfig() != tt.want.Runtime {
				t.Errorf("RuntimeConfig = %+v", got.RuntimeConfig())
			}
		})
	}
}

func without(m map[string]string, key string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func with(m map[string]string, key, value string) map[string]string {
	out := without(m, key)
	out[key] = value
	return out
}
