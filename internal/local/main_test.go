package local_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/eventboard/eventboard/internal/local/emulator"
)

// TestMain restarts the test binary with KUMO_HOST and KUMO_PORT set: kumo
// reads them when the process starts, and its EventBridge delivers events
// to SQS at that address. The restart also lowers the user pool's password
// hashing cost: this process runs dozens of stacks at once, often under the
// race detector, where a hash at the real cost takes over a second and the
// bounded hashing turned their sign-ups and logins into 429s.
func TestMain(m *testing.M) {
	env, err := emulator.KumoDeliveryEnv()
	if err == nil {
		env["EVENTBOARD_LOCAL_SCRYPT_LOGN"] = "11"
		err = emulator.Reexec(env)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
