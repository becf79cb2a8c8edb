package emulator

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/go-cmp/cmp"
)

func TestWithEnv(t *testing.T) {
	t.Parallel()
	environ := []string{"PATH=/bin", "KUMO_PORT=1", "HOME=/root", "KUMO_PORT=2", "KUMO_HOSTNAME=x"}
	got := withEnv(environ, map[string]string{"KUMO_PORT": "3", "KUMO_HOST": "127.0.0.1"})
	want := []string{"PATH=/bin", "HOME=/root", "KUMO_HOSTNAME=x", "KUMO_HOST=127.0.0.1", "KUMO_PORT=3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("withEnv (-want +got):\n%s", diff)
	}
	if environ[1] != "KUMO_PORT=1" {
		t.Error("withEnv changed its argument")
	}
}

// reexecHelper marks the run of the test binary that TestReexec starts.
const reexecHelper = "EMULATOR_TEST_REEXEC_HELPER"

// TestReexec starts this test binary in a mode that does what a TestMain
// does (KumoDeliveryEnv, then Reexec), with a stale KUMO_HOST in its
// environment; after the restart it reports what it sees.
func TestReexec(t *testing.T) {
	if os.Getenv(reexecHelper) != "" {
		env, err := KumoDeliveryEnv()
		if err == nil {
			err = Reexec(env)
		}
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		hosts := 0
		for _, kv := range os.Environ() {
			if strings.HasPrefix(kv, "KUMO_HOST=") {
				hosts++
			}
		}
		fmt.Printf("pid=%d host=%s port=%s hosts=%d\n", os.Getpid(), os.Getenv("KUMO_HOST"), os.Getenv("KUMO_PORT"), hosts)
		os.Exit(0)
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestReexec$")
	cmd.Env = append(withoutVar(os.Environ(), "KUMO_PORT"), reexecHelper+"=1", "KUMO_HOST=stale.example")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	var pid, hosts int
	var host, port string
	if _, err := fmt.Sscanf(string(out), "pid=%d host=%s port=%s hosts=%d", &pid, &host, &port, &hosts); err != nil {
		t.Fatalf("helper said %q: %v", out, err)
	}
	if pid != cmd.Process.Pid {
		t.Errorf("the helper ran as pid %d, want its own pid %d: Reexec replaces the process", pid, cmd.Process.Pid)
	}
	if n, err := strconv.Atoi(port); host != "127.0.0.1" || hosts != 1 || err != nil || n <= 0 {
		t.Errorf("after Reexec: KUMO_HOST=%s (%d entries) KUMO_PORT=%s, want 127.0.0.1 once and a port", host, hosts, port)
	}
}

func withoutVar(environ []string, name string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func TestReexecChangesNothingWhenSet(t *testing.T) {
	t.Setenv("KUMO_PORT", "4566")
	env, err := KumoDeliveryEnv()
	if err != nil || len(env) != 0 {
		t.Fatalf("KumoDeliveryEnv with KUMO_PORT set = %v, %v; want nothing to set", env, err)
	}
	if err := Reexec(map[string]string{"KUMO_PORT": "4566"}); err != nil {
		t.Fatal(err)
	}
}

func TestServeKumoDelivery(t *testing.T) {
	srv := NewKumo()
	defer srv.Close()

	t.Setenv("KUMO_PORT", "")
	if _, err := ServeKumoDelivery(); err == nil || !strings.Contains(err.Error(), "KUMO_PORT is not set") {
		t.Errorf("ServeKumoDelivery without KUMO_PORT = %v, want an error", err)
	}
	t.Setenv("KUMO_PORT", "4566")
	t.Setenv("KUMO_HOST", "0.0.0.0")
	if _, err := ServeKumoDelivery(); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("ServeKumoDelivery with KUMO_HOST=0.0.0.0 = %v, want an error", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	t.Setenv("KUMO_HOST", "127.0.0.1")
	t.Setenv("KUMO_PORT", port)
	stop, err := ServeKumoDelivery()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := context.Background()
	if _, err := SQS(srv.URL).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("delivery-test")}); err != nil {
		t.Fatal(err)
	}
	got, err := SQS("http://127.0.0.1:"+port).GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("delivery-test")})
	if err != nil {
		t.Fatalf("through the delivery port: %v", err)
	}
	if !strings.HasSuffix(aws.ToString(got.QueueUrl), "/delivery-test") {
		t.Errorf("through the delivery port, the queue's URL is %q", aws.ToString(got.QueueUrl))
	}
}
