package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/manifest"
)

// kumoURL is the in-process kumo every test of the package uses. kumo's
// state is process-wide, so tests that share it keep apart by stage.
var kumoURL string

// TestMain restarts the test binary with KUMO_HOST and KUMO_PORT set, as
// kumo reads them when the process starts, and serves that port, so that
// kumo's EventBridge delivers to the process's SQS.
func TestMain(m *testing.M) {
	env, err := emulator.KumoDeliveryEnv()
	if err == nil {
		err = emulator.Reexec(env)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := emulator.KumoDelivery(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := emulator.NewKumo()
	kumoURL = srv.URL
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

// runs numbers the stages of tests that leave messages behind, so that
// -count=N runs do not see the previous run's.
var runs atomic.Int64

// fresh returns a stage named after name that no earlier test used.
func fresh(name string) string { return fmt.Sprintf("%s%d", name, runs.Add(1)) }

func clients() pipeline.Clients {
	return pipeline.Clients{SQS: emulator.SQS(kumoURL), EventBridge: emulator.EventBridge(kumoURL)}
}

// load reads the repository's serverless.yml for stage.
func load(t testing.TB, stage string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load("../../../serverless.yml", manifest.Options{Stage: stage, Region: emulator.Region})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// provision provisions serverless.yml for stage in kumo.
func provision(t testing.TB, stage string, opts ...pipeline.ProvisionOption) (*manifest.Manifest, *pipeline.Resources) {
	t.Helper()
	m := load(t, stage)
	res, err := pipeline.Provision(context.Background(), m, clients(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m, res
}
