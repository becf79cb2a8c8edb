package config_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
			got, err := config.Load[fnConfig](config.MapLookup(tt.env))
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

// kinds has a field of every kind Load reads.
type kinds struct {
	Wait    time.Duration `env:"WAIT, default=1m"`
	Count   int           `env:"COUNT"`
	On      bool          `env:"ON"`
	Origins []string      `env:"ORIGINS"`
	Level   slog.Level    `env:"LEVEL"`
	Upper   upper         `env:"UPPER"`
}

type upper string

func (u *upper) EnvDecode(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	*u = upper(strings.ToUpper(s))
	return nil
}

func TestLoadKinds(t *testing.T) {
	t.Parallel()
	env := map[string]string{"COUNT": "3", "ON": "true", "ORIGINS": "https://a, https://b", "LEVEL": "warn", "UPPER": "x"}
	got, err := config.Load[kinds](config.MapLookup(env))
	if err != nil {
		t.Fatal(err)
	}
	want := kinds{Wait: time.Minute, Count: 3, On: true, Origins: []string{"https://a", "https://b"}, Level: slog.LevelWarn, Upper: "X"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	for name, value := range map[string]string{"WAIT": "soon", "COUNT": "three", "ON": "maybe", "UPPER": ""} {
		if _, err := config.Load[kinds](config.MapLookup(with(env, name, value))); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Load with %s=%q: %v, want an error naming it", name, value, err)
		}
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

// recorder is a lookup that remembers every name asked for and answers a
// plausible value for each, so Load reads every field.
type recorder map[string]bool

func (r recorder) Lookup(key string) (string, bool) {
	r[key] = true
	if key == "LOG_LEVEL" {
		return "info", true
	}
	return "1", true
}

func TestVariablesAreWhatLoadReads(t *testing.T) {
	t.Parallel()
	type withDefaults struct {
		config.Runtime
		config.Outbox
		config.Revocations
		List   []string `env:"LIST, default=a,b"`
		Nested struct {
			Inner string `env:"INNER"`
		}
	}
	want := []config.Variable{
		{Name: "AWS_LAMBDA_FUNCTION_NAME", Required: true},
		{Name: "LOG_LEVEL", Default: "info"},
		{Name: "OUTBOX_TABLE", Required: true},
		{Name: "OUTBOX_PENDING_INDEX", Default: "pendingByAge"},
		{Name: "EVENT_BUS_NAME", Required: true},
		{Name: "REVOCATIONS_TABLE", Required: true},
		{Name: "LIST", Default: "a,b"},
		{Name: "INNER"},
	}
	got := config.Variables[withDefaults]()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Variables (-want +got):\n%s", diff)
	}
	asked := recorder{}
	if _, err := config.Load[withDefaults](asked.Lookup); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, v := range got {
		listed[v.Name] = true
	}
	if diff := cmp.Diff(map[string]bool(asked), listed); diff != "" {
		t.Errorf("Variables and what Load asks for differ (-asked +listed):\n%s", diff)
	}
}
