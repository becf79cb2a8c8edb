package smoke_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/eventboard/eventboard/internal/local/emulator"
)

// TestMain restarts the test binary with KUMO_HOST and KUMO_PORT set, as
// the local stack's own tests do: kumo reads them when the process starts,
// and its EventBridge delivers events to SQS at that address (without them
// the post round trip would never be counted).
func TestMain(m *testing.M) {
	env, err := emulator.KumoDeliveryEnv()
	if err == nil {
		err = emulator.Reexec(env)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
