//go:build unix

package lambdatest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/registry"
	"github.com/eventboard/eventboard/internal/warmping"
)

// The cold-start measurement behind docs/performance.md (make bench): every
// function's bootstrap (every entry of the registry), built as make build
// builds it (for the host), and a minimal aws-lambda-go "hello" built the same way, each
// started coldStarts times (EVENTBOARD_COLDSTARTS overrides) under AWS's runtime interface emulator, round
// robin so that the machine's noise falls on all alike. A start is timed
// from the first Invoke, which makes the emulator start the bootstrap, to
// its answer: process start, the runtime's and the function's init, and the
// first response. Functions get a warm-up ping, which they answer before any
// other work, so the time is theirs and not DynamoDB's.
//
//	LAMBDA_RIE=path/to/aws-lambda-rie EVENTBOARD_COLDSTART_OUT=path.json
const (
	coldStartOutEnv = "EVENTBOARD_COLDSTART_OUT"
	coldStarts      = 25
	helloName       = "hello (aws-lambda-go)"
)

type coldStartStats struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	Ratio float64 `json:"ratio_p50"`
}

func TestColdStarts(t *testing.T) {
	out, rie := os.Getenv(coldStartOutEnv), os.Getenv("LAMBDA_RIE")
	if out == "" || rie == "" {
		t.Skipf("%s and LAMBDA_RIE not both set; make bench runs this", coldStartOutEnv)
	}
	m, err := manifest.Load(filepath.Join(moduleRoot, "serverless.yml"), manifest.Options{Stage: "test"})
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]string{}
	for _, e := range registry.All {
		pkgs[e.Name] = e.Main
	}
	pkgs[helloName] = "./internal/lambdatest/testdata/hello"
	names := make([]string, 0, len(pkgs))
	for name := range pkgs {
		names = append(names, name)
	}
	slices.Sort(names)
	dirs := buildPackages(t, pkgs)

	envs := map[string][]string{}
	for _, name := range names {
		def, ok := m.Function(name)
		if name == helloName {
			def = manifest.Function{Name: "hello", FunctionName: "hello", Timeout: 3, MemorySize: 128}
		} else if !ok {
			t.Fatalf("the registry has %s, which serverless.yml lacks", name)
		}
		env := map[string]string{}
		for k, v := range def.Environment {
			env[k] = v
		}
		for k := range def.EnvironmentIntrinsics {
			env[k] = "resolved-" + k // a Ref's value, which init only reads
		}
		// Nothing listens there: init must not call AWS.
		env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
		envs[name] = functionEnv(def, env, dirs[name], "http://127.0.0.1:9")
	}

	n := coldStarts
	if v, err := strconv.Atoi(os.Getenv("EVENTBOARD_COLDSTARTS")); err == nil && v > 0 {
		n = v
	}
	times := map[string][]float64{} // ms
	ping := warmping.Payload(1, 0)
	for range n {
		for _, name := range names {
			d, err := timeColdStart(t, rie, dirs[name], envs[name], ping)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			times[name] = append(times[name], ms(d))
		}
	}
	hello := percentile(times[helloName], 50)
	var stats []coldStartStats
	for _, name := range names {
		p50, p95 := percentile(times[name], 50), percentile(times[name], 95)
		stats = append(stats, coldStartStats{Name: name, Count: len(times[name]), P50: p50, P95: p95, Ratio: p50 / hello})
		t.Logf("%-24s p50 %6.1f ms  p95 %6.1f ms  %.2fx hello", name, p50, p95, p50/hello)
	}
	b, _ := json.MarshalIndent(map[string]any{"starts": n, "functions": stats}, "", "  ")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildPackages builds each package as a bootstrap for the host, as
// make build builds for arm64, and returns each one's
// directory.
func buildPackages(t *testing.T, pkgs map[string]string) map[string]string {
	t.Helper()
	root := t.TempDir()
	dirs := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for name, pkg := range pkgs {
		dir := filepath.Join(root, strconv.Itoa(len(dirs)))
		dirs[name] = dir
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w",
				"-o", filepath.Join(dir, "bootstrap"), pkg)
			cmd.Dir = moduleRoot
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
			if b, err := cmd.CombinedOutput(); err != nil {
				mu.Lock()
				defer mu.Unlock()
				t.Errorf("go build %s: %v\n%s", pkg, err, b)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return dirs
}

// timeColdStart starts dir/bootstrap under the emulator, times its first
// invocation with payload, and stops both.
func timeColdStart(t *testing.T, rie, dir string, env []string, payload []byte) (time.Duration, error) {
	ports, err := freePorts(2)
	if err != nil {
		return 0, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
	var logs bytes.Buffer
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1])),
		"./bootstrap")
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, &logs, &logs
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer stopEmulator(t, cmd.Process, exited)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("the emulator does not accept connections on %s:\n%s", addr, logs.String())
		}
	}
	start := time.Now()
	resp, err := invokeClient.Post("http://"+addr+"/2015-03-31/functions/function/invocations", "application/json", bytes.NewReader(payload))
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("first invoke: %s %s %v\n%s", resp.Status, body, err, logs.String())
	}
	var fnErr struct {
		ErrorMessage *string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &fnErr) == nil && fnErr.ErrorMessage != nil {
		return 0, fmt.Errorf("first invoke: function error %s\n%s", *fnErr.ErrorMessage, logs.String())
	}
	return elapsed, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
