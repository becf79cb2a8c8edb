//go:build unix

package lambdatest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
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
// first response. Functions get a warm-up ping, which they answer before
// any other work, so the time is theirs and not DynamoDB's. Before the
// first start, each bootstrap is cached as a file read from disk is
// (recache), however the linker happened to write it.
//
// Beside the times it records each bootstrap's size and what its package
// initialisation costs (GODEBUG=inittrace=1), and the machine's load
// average before and after. It fails when a function's p50 is over
// maxColdStartRatio times hello's: absolute times depend on the machine,
// the ratio to hello built and run alongside much less.
//
//	LAMBDA_RIE=path/to/aws-lambda-rie EVENTBOARD_COLDSTART_OUT=path.json
const (
	coldStartOutEnv = "EVENTBOARD_COLDSTART_OUT"
	// coldStarts is per function. A p50 of 25 starts moved a bootstrap's
	// ratio by as much as 0.3× between two runs a day apart (resetPassword,
	// 1.41× and 1.10×); 50 narrow that by about a third, for about 40 s
	// more of make bench.
	coldStarts        = 50
	helloName         = "hello (aws-lambda-go)"
	maxColdStartRatio = 1.25
)

type coldStartStats struct {
	Name     string  `json:"name"`
	Count    int     `json:"count"`
	P50      float64 `json:"p50_ms"`
	P95      float64 `json:"p95_ms"`
	Ratio    float64 `json:"ratio_p50"`
	RatioP95 float64 `json:"ratio_p95"`
	Bytes    int64   `json:"bootstrap_bytes"`
	initCost
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
	for _, dir := range dirs {
		if err := recache(filepath.Join(dir, "bootstrap")); err != nil {
			t.Fatal(err)
		}
	}

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
	loadBefore := loadAverage(t)
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
	loadAfter := loadAverage(t)
	hello, hello95 := percentile(times[helloName], 50), percentile(times[helloName], 95)
	var stats []coldStartStats
	for _, name := range names {
		p50, p95 := percentile(times[name], 50), percentile(times[name], 95)
		st := coldStartStats{Name: name, Count: len(times[name]), P50: p50, P95: p95, Ratio: p50 / hello, RatioP95: p95 / hello95}
		st.Bytes, st.initCost = bootstrapCost(t, dirs[name])
		stats = append(stats, st)
		t.Logf("%-24s p50 %6.1f ms  p95 %6.1f ms  %.2fx hello (p95 %.2fx)  %.2f MiB  init %.2f ms %d KiB",
			name, p50, p95, st.Ratio, st.RatioP95, float64(st.Bytes)/(1<<20), st.InitMs, st.InitBytes>>10)
	}
	t.Logf("load average before %s, after %s", loadBefore, loadAfter)
	b, _ := json.MarshalIndent(map[string]any{
		"starts": n, "max_ratio": maxColdStartRatio, "functions": stats,
		"loadavg_before": loadBefore, "loadavg_after": loadAfter,
	}, "", "  ")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, st := range stats {
		if st.Ratio > maxColdStartRatio {
			t.Errorf("%s: cold start p50 %.2fx hello's, over %.2fx", st.Name, st.Ratio, maxColdStartRatio)
		}
	}
}

// loadAverage is the first three fields of /proc/loadavg ("" where there
// is none).
func loadAverage(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// initCost is what a process's package initialisation took, as
// GODEBUG=inittrace=1 reports it: the sum over its packages.
type initCost struct {
	InitMs     float64 `json:"init_ms"`
	InitBytes  int64   `json:"init_bytes"`
	InitAllocs int64   `json:"init_allocs"`
	Packages   int     `json:"init_packages"`
}

// bootstrapCost returns the size of dir/bootstrap and its package
// initialisation, from one start with no runtime API to reach: the trace
// is printed before main runs.
func bootstrapCost(t *testing.T, dir string) (int64, initCost) {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("./bootstrap")
	cmd.Dir = dir
	cmd.Env = []string{"GODEBUG=inittrace=1", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9", "AWS_LAMBDA_FUNCTION_NAME=inittrace"}
	trace, _ := cmd.CombinedOutput() // it fails to reach the runtime API
	return fi.Size(), parseInitTrace(string(trace))
}

// parseInitTrace sums the lines
// "init pkg @0.5 ms, 0.12 ms clock, 4712 bytes, 49 allocs".
func parseInitTrace(trace string) initCost {
	var c initCost
	for line := range strings.Lines(trace) {
		f := strings.Fields(line)
		if len(f) != 11 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		clock, err1 := strconv.ParseFloat(f[4], 64)
		bytes, err2 := strconv.ParseInt(f[7], 10, 64)
		allocs, err3 := strconv.ParseInt(f[9], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		c.InitMs += clock
		c.InitBytes += bytes
		c.InitAllocs += allocs
		c.Packages++
	}
	return c
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

func TestParseInitTrace(t *testing.T) {
	t.Parallel()
	trace := "init internal/bytealg @0.043 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init net/http @7.3 ms, 0.075 ms clock, 4712 bytes, 49 allocs\n" +
		"init github.com/aws/aws-sdk-go-v2/service/dynamodb/schemas @10 ms, 3.4 ms clock, 586696 bytes, 3151 allocs\n" +
		"{\"level\":\"ERROR\"} not a trace line\n"
	want := initCost{InitMs: 3.475, InitBytes: 591408, InitAllocs: 3200, Packages: 3}
	got := parseInitTrace(trace)
	if got.Packages != want.Packages || got.InitBytes != want.InitBytes || got.InitAllocs != want.InitAllocs || math.Abs(got.InitMs-want.InitMs) > 1e-9 {
		t.Errorf("parseInitTrace = %+v, want %+v", got, want)
	}
}
