//go:build unix

package lambdatest_test

import (
	"bytes"
	"cmp"
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
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/registry"
)

// moduleRoot is the repository root, seen from this package's directory.
const moduleRoot = "../.."

// buildBootstraps builds the functions' main packages, as the registry
// names them, for the host, as the deployment builds them for arm64, and
// returns the directory holding each one's bootstrap, by function name.
func buildBootstraps(t *testing.T, names ...string) map[string]string {
	t.Helper()
	out := t.TempDir()
	dirs := make(map[string]string, len(names))
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		fn, ok := registry.ByName(name)
		if !ok {
			t.Fatalf("the registry has no function %s", name)
		}
		dir := filepath.Join(out, name)
		dirs[name] = dir
		wg.Go(func() {
			cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w",
				"-o", filepath.Join(dir, "bootstrap"), fn.Main)
			cmd.Dir = moduleRoot
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
			if b, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go build %s: %v\n%s", fn.Main, err, b)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return dirs
}

// tables are the fresh tables a test created: serverless.yml's tables under
// names of their own, so that a test never meets another's items.
type tables struct {
	byName    map[string]string // the name in serverless.yml → the fresh name
	byLogical map[string]string // the logical ID → the fresh name
}

// newTables creates every table serverless.yml declares, with its TTL,
// under fresh names; they are deleted when the test ends.
func newTables(t *testing.T, m *manifest.Manifest, db *dynamodb.Client) tables {
	t.Helper()
	ctx := context.Background()
	ts := tables{byName: map[string]string{}, byLogical: map[string]string{}}
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	for _, table := range m.Tables {
		name := cmp.Or(table.Name, table.LogicalID)
		fresh := name + "-" + suffix
		in := table.CreateTableInput()
		in.TableName = aws.String(fresh)
		if _, err := db.CreateTable(ctx, in); err != nil {
			t.Fatalf("create table %s: %v", table.LogicalID, err)
		}
		t.Cleanup(func() {
			if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: in.TableName}); err != nil {
				t.Errorf("delete table %s: %v", fresh, err)
			}
		})
		if ttl := table.UpdateTimeToLiveInput(); ttl != nil {
			ttl.TableName = in.TableName
			if _, err := db.UpdateTimeToLive(ctx, ttl); err != nil {
				t.Fatalf("table %s: TTL: %v", table.LogicalID, err)
			}
		}
		ts.byName[name], ts.byLogical[table.LogicalID] = fresh, fresh
	}
	if _, ok := ts.byLogical["PostsTable"]; !ok {
		t.Fatal("serverless.yml declares no PostsTable")
	}
	return ts
}

// env returns def's environment in serverless.yml with its tables, named
// or referenced ({"Ref": LogicalID}), replaced by the fresh ones. A Ref to
// any other resource (the user pool client, …), which this test does not
// create, stands as the resource's logical ID.
func (ts tables) env(t *testing.T, def manifest.Function) map[string]string {
	t.Helper()
	env := map[string]string{}
	for k, v := range def.Environment {
		env[k] = cmp.Or(ts.byName[v], v)
	}
	for k, v := range def.EnvironmentIntrinsics {
		intrinsic, _ := v.(map[string]any)
		ref, _ := intrinsic["Ref"].(string)
		if ref == "" || len(intrinsic) != 1 {
			t.Fatalf("function %s: environment %s is %v, which the test cannot resolve", def.Name, k, v)
		}
		env[k] = cmp.Or(ts.byLogical[ref], ref)
	}
	return env
}

func dynamoDBClient(endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(emulator.Config(), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
	})
}

// function is one bootstrap running under its own emulator process.
type function struct {
	name string
	url  string // the Invoke URL
}

// startFunction runs dir/bootstrap under the emulator at rie on free
// loopback ports, with env as the function's whole environment (the emulator
// passes its own environment on). The emulator and the bootstrap it starts
// are killed when the test ends; their output is logged if the test failed.
func startFunction(t *testing.T, rie, name, dir string, env []string) *function {
	t.Helper()
	const attempts = 3 // a free port may be taken before the emulator binds it
	for range attempts {
		if f, err := tryStart(t, rie, name, dir, env); err == nil {
			return f
		} else if !errors.Is(err, errExited) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	t.Fatalf("%s: the emulator exited at start %d times", name, attempts)
	return nil
}

var errExited = errors.New("the emulator exited")

func tryStart(t *testing.T, rie, name, dir string, env []string) (*function, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
	logFile, err := os.CreateTemp(t.TempDir(), name+"-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1])),
		"./bootstrap")
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		stopEmulator(t, cmd.Process, exited)
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("%s: emulator and function output:\n%s", name, b)
		}
	})
	// The emulator starts the bootstrap on the first invoke; it is ready
	// once it accepts connections.
	for deadline := time.Now().Add(10 * time.Second); ; {
		select {
		case <-exited:
			return nil, errExited
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return &function{name: name, url: "http://" + addr + "/2015-03-31/functions/function/invocations"}, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the emulator does not accept connections on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stopEmulator kills the bootstrap the emulator started, then the
// emulator. The emulator starts the bootstrap in a process group of its own,
// so killing the emulator alone would leave it running.
func stopEmulator(t *testing.T, p *os.Process, exited <-chan struct{}) {
	for _, pid := range childPIDs(p.Pid) {
		for _, target := range []int{-pid, pid} { // its group, and itself should it have none
			if err := syscall.Kill(target, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
				t.Errorf("kill bootstrap %d: %v", pid, err)
			}
		}
	}
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill emulator %d: %v", p.Pid, err)
	}
	<-exited
}

// childPIDs returns the children of process pid (Linux /proc; none where
// that is missing).
func childPIDs(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var pids []int
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, field := range bytes.Fields(b) {
			if n, err := strconv.Atoi(string(field)); err == nil {
				pids = append(pids, n)
			}
		}
	}
	return pids
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

var invokeClient = &http.Client{Timeout: 30 * time.Second}

// invoke sends event to the function as the Lambda Invoke API does and
// returns the API Gateway response the handler gave. The handlers never
// return an error, so a function error of any kind fails the test.
func (f *function) invoke(t *testing.T, event []byte) events.APIGatewayV2HTTPResponse {
	t.Helper()
	resp, err := invokeClient.Post(f.url, "application/json", bytes.NewReader(event))
	if err != nil {
		t.Fatalf("invoke %s: %v", f.name, err)
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("invoke %s: read: %v", f.name, err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" {
		t.Fatalf("invoke %s: %s (function error %q): %s", f.name, resp.Status, resp.Header.Get("X-Amz-Function-Error"), payload)
	}
	// The emulator reports a handler error as 200 with errorMessage and no
	// X-Amz-Function-Error header.
	var fnErr struct {
		ErrorMessage *string `json:"errorMessage"`
		ErrorType    string  `json:"errorType"`
	}
	if err := json.Unmarshal(payload, &fnErr); err != nil {
		t.Fatalf("invoke %s: payload %q: %v", f.name, payload, err)
	}
	if fnErr.ErrorMessage != nil {
		t.Fatalf("invoke %s: function error %s: %s", f.name, fnErr.ErrorType, *fnErr.ErrorMessage)
	}
	var out events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(payload, &out); err != nil {
		t.Fatalf("invoke %s: payload %q: %v", f.name, payload, err)
	}
	return out
}
