package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/eventboard/eventboard/internal/local/emulator"
)

// TestLocalKeepsDataAcrossRestarts runs the real command: start the stack,
// write a post with a token from 'eventboard token', stop it with SIGINT
// (as Ctrl-C does), start it again on the same data directory, read the post.
func TestLocalKeepsDataAcrossRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := eventboardBinary(t)
	data := t.TempDir()
	addr := freeAddr(t)

	stop := startLocal(t, bin, addr, data)
	checkAWSEndpoint(t, data)
	tok, err := exec.Command(bin, "token", "--user", "alice", "--addr", addr, "--data", data).Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	body := `{"title":"survives restarts","content":"hello"}`
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/posts", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	created, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, created)
	}
	var p struct{ ID string }
	if err := json.Unmarshal(created, &p); err != nil {
		t.Fatal(err)
	}
	stop()
	if _, err := os.Stat(filepath.Join(data, endpointFile)); !os.IsNotExist(err) {
		t.Errorf("%s outlives the stack: %v", endpointFile, err)
	}

	stop = startLocal(t, bin, addr, data)
	defer stop()
	resp, err = http.Get("http://" + addr + "/api/posts/" + p.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, created) {
		t.Errorf("after restart: %d %s, want 200 %s", resp.StatusCode, got, created)
	}
}

// built is the command, built once for the tests that run it.
var built struct {
	once sync.Once
	path string
	err  error
}

// eventboardBinary builds the command once per test run and returns its
// path; TestMain removes it.
func eventboardBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "eventboard-test-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "eventboard")
		if out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
	os.Exit(code)
}

// startLocal starts 'eventboard local' and waits until it serves; the
// returned func stops it with SIGINT and waits for it to exit.
func startLocal(t *testing.T, bin, addr, data string) func() {
	t.Helper()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "local", "--addr", addr, "--data", data, "--config", "../../serverless.yml", "--frontend", "")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Env = append(os.Environ(), "KUMO_DATA_DIR=") // the command sets its own
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("local exited with %v\n%s", err, logs.String())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("local did not stop on SIGINT\n%s", logs.String())
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(20 * time.Second)
	for {
		// The endpoint file is written once the stack has started, just
		// before it listens: an answer before then is another process's,
		// which took the port freeAddr found free.
		if _, err := os.Stat(filepath.Join(data, endpointFile)); err == nil {
			resp, err := http.Get("http://" + addr + "/api/posts")
			if err == nil {
				resp.Body.Close()
				return stop
			}
		}
		select {
		case err := <-done:
			t.Fatalf("local exited early: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("local did not start\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestUsage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := realMain(t.Context(), []string{"nonsense"}, &out, &errOut); err == nil {
		t.Error("unknown command accepted")
	}
	if err := realMain(t.Context(), []string{"token"}, &out, &errOut); err == nil || !strings.Contains(fmt.Sprint(err), "--user") {
		t.Errorf("token without --user: %v", err)
	}
}

// checkAWSEndpoint checks that the running stack wrote the URL of its AWS
// services to the data directory, and that SQS answers there with the
// queues of serverless.yml.
func checkAWSEndpoint(t *testing.T, data string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, endpointFile))
	if err != nil {
		t.Fatal(err)
	}
	out, err := emulator.SQS(strings.TrimSpace(string(b))).ListQueues(context.Background(), &sqs.ListQueuesInput{QueueNamePrefix: aws.String("eventboard-local-counter-dlq")})
	if err != nil {
		t.Fatalf("SQS at the endpoint %s: %v", b, err)
	}
	if len(out.QueueUrls) != 1 {
		t.Errorf("SQS at the endpoint lists %v, want the counter DLQ", out.QueueUrls)
	}
}

func TestSmokeUsage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	for _, args := range [][]string{{"smoke"}, {"smoke", "--url", "ftp://example.com"}} {
		err := realMain(t.Context(), args, &out, &errOut)
		var exit *exitError
		if !errors.As(err, &exit) || exit.code != 2 {
			t.Errorf("%v: %v, want exit status 2", args, err)
		}
	}
}
