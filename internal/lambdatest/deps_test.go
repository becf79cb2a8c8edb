//go:build unix

package lambdatest_test

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eventboard/eventboard/internal/registry"
)

// devOnlyRoot is the tree that runs only on a laptop: no Lambda may link it.
const devOnlyRoot = "github.com/eventboard/eventboard/internal/local"

// lambdaRoots are the trees that hold one Lambda main package per folder.
var lambdaRoots = []string{"./api/...", "./workers/...", "./schedules/..."}

// devOnlyLinks reads `go list -f '{{.ImportPath}} {{join .Deps " "}}'`
// output (one package and its transitive dependencies, or its imports, per
// line) and returns, by package, each one under devOnlyRoot. An empty map
// means no package links dev-only code.
func devOnlyLinks(listing string) map[string][]string {
	links := map[string][]string{}
	for line := range strings.Lines(listing) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		for _, dep := range fields[1:] {
			if dep == devOnlyRoot || strings.HasPrefix(dep, devOnlyRoot+"/") {
				links[fields[0]] = append(links[fields[0]], dep)
			}
		}
	}
	return links
}

func TestDevOnlyLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		listing string
		want    map[string][]string
	}{
		{
			name:    "clean",
			listing: "m/api/a fmt github.com/eventboard/eventboard/internal/post\nm/api/b os\n",
			want:    map[string][]string{},
		},
		{
			name: "a Lambda links the token check of the local gateway",
			listing: "m/api/a fmt github.com/eventboard/eventboard/internal/local/jwtauth\n" +
				"m/api/b os\n",
			want: map[string][]string{"m/api/a": {"github.com/eventboard/eventboard/internal/local/jwtauth"}},
		},
		{
			name:    "the local stack itself",
			listing: "m/workers/w github.com/eventboard/eventboard/internal/local\n",
			want:    map[string][]string{"m/workers/w": {"github.com/eventboard/eventboard/internal/local"}},
		},
		{
			name:    "the serverless.yml reader moved back under the tree",
			listing: "m/internal/dlq github.com/eventboard/eventboard/internal/local/manifest\n",
			want:    map[string][]string{"m/internal/dlq": {"github.com/eventboard/eventboard/internal/local/manifest"}},
		},
		{
			name:    "a look-alike name is not under the tree",
			listing: "m/api/a github.com/eventboard/eventboard/internal/localtime\n",
			want:    map[string][]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, devOnlyLinks(tt.listing)); diff != "" {
				t.Errorf("devOnlyLinks (-want +got):\n%s", diff)
			}
		})
	}
}

// goList runs `go list` with args in the module and returns its output.
func goList(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = moduleRoot
	cmd.Env = append(cmd.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestLambdasLinkNoDevOnlyCode lists every Lambda main package as the
// deployment builds it (linux/arm64, -tags lambda.norpc) and fails if one
// links a package under internal/local/.
func TestLambdasLinkNoDevOnlyCode(t *testing.T) {
	t.Parallel()
	args := append([]string{"-tags", "lambda.norpc", "-f", `{{.ImportPath}} {{join .Deps " "}}`}, lambdaRoots...)
	listing := goList(t, []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}, args...)
	for _, root := range []string{"/api/", "/workers/", "/schedules/"} {
		if !strings.Contains(listing, "github.com/eventboard/eventboard"+root) {
			t.Fatalf("go list found no package under %s; the check would pass vacuously", root)
		}
	}
	for pkg, deps := range devOnlyLinks(listing) {
		t.Errorf("%s links dev-only code: %s", pkg, strings.Join(deps, ", "))
	}

	// Every Lambda main package is a registry entry's, and the other way
	// round: a binary the registry lacks would be neither built nor run
	// locally.
	var mains, registered []string
	for line := range strings.Lines(listing) {
		if fields := strings.Fields(line); len(fields) > 0 {
			mains = append(mains, fields[0])
		}
	}
	for _, e := range registry.All {
		registered = append(registered, "github.com/eventboard/eventboard/"+strings.TrimPrefix(e.Main, "./"))
	}
	if diff := cmp.Diff(mains, registered, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("main packages (-go list +registry):\n%s", diff)
	}
}

// devOnlyImporters are the packages outside internal/local whose non-test
// files may import it: the command whose 'eventboard local' runs the local
// stack (and 'eventboard token' signs with its key). Its other commands
// live in packages of their own, which TestOperatorToolsLinkNoDevOnlyCode
// holds to the floor.
var devOnlyImporters = []string{"github.com/eventboard/eventboard/cmd/eventboard"}

// TestOnlyTheLocalCommandImportsDevOnlyCode fails when a package outside
// internal/local, other than devOnlyImporters, imports a package under it
// from a file that is not a test. Code that turns out to be shared moves
// out (as internal/manifest did); it is not reached into. Moving the
// serverless.yml reader back would fail here, since package dlq reads it.
//
// Any _test.go file may import internal/local: go build never compiles one
// into a binary, and tests are where the local stack's emulators stand in
// for AWS (kumo, started through internal/local/emulator, serves the
// adapters' tests in most packages). Listing those files one by one would
// guard nothing a shipped binary links. So may a test-helper package (its
// name ends in "test", as httptest's does), as long as only tests import it:
// TestTestHelpersStayInTests holds that.
func TestOnlyTheLocalCommandImportsDevOnlyCode(t *testing.T) {
	t.Parallel()
	listing := goList(t, nil, "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	if !strings.Contains(listing, "github.com/eventboard/eventboard/internal/manifest ") {
		t.Fatal("go list found no internal/manifest; the check would pass vacuously")
	}
	for pkg, imports := range devOnlyLinks(listing) {
		if pkg == devOnlyRoot || strings.HasPrefix(pkg, devOnlyRoot+"/") || slices.Contains(devOnlyImporters, pkg) || testHelper(pkg) {
			continue
		}
		t.Errorf("%s imports dev-only code outside its tests: %s", pkg, strings.Join(imports, ", "))
	}
}

// testHelper reports whether pkg is a test-helper package by its name.
func testHelper(pkg string) bool {
	return strings.HasSuffix(pkg[strings.LastIndex(pkg, "/")+1:], "test")
}

// TestTestHelpersStayInTests fails when a file that is not a test imports a
// test-helper package (one that TestOnlyTheLocalCommandImportsDevOnlyCode
// lets reach into internal/local), unless it is another test helper.
func TestTestHelpersStayInTests(t *testing.T) {
	t.Parallel()
	listing := goList(t, nil, "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...")
	helpers := 0
	for line := range strings.Lines(listing) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if testHelper(fields[0]) {
			helpers++
			continue
		}
		for _, dep := range fields[1:] {
			if strings.HasPrefix(dep, "github.com/eventboard/eventboard/") && testHelper(dep) {
				t.Errorf("%s imports the test helper %s outside its tests", fields[0], dep)
			}
		}
	}
	if helpers == 0 {
		t.Fatal("go list found no test-helper package; the check would pass vacuously")
	}
}

// operatorRoots are the packages of 'eventboard dlq', which operators run
// against a deployed stage.
var operatorRoots = []string{"./internal/dlq/..."}

// TestOperatorToolsLinkNoDevOnlyCode fails if the dlq command's code, or
// anything it links, is under internal/local/.
func TestOperatorToolsLinkNoDevOnlyCode(t *testing.T) {
	t.Parallel()
	listing := goList(t, nil, append([]string{"-f", `{{.ImportPath}} {{join .Deps " "}}`}, operatorRoots...)...)
	for _, pkg := range []string{"internal/dlq/dlqcmd ", "internal/manifest"} {
		if !strings.Contains(listing, "github.com/eventboard/eventboard/"+pkg) {
			t.Fatalf("go list %s does not name %s; the check would pass vacuously", strings.Join(operatorRoots, " "), pkg)
		}
	}
	for pkg, deps := range devOnlyLinks(listing) {
		t.Errorf("%s links dev-only code: %s", pkg, strings.Join(deps, ", "))
	}
}

// notLinked are packages whose init costs a cold start, with the Lambda
// main packages that must not link them ("" for every one): encoding/gob
// (once linked by the config loader), and the EventBridge client in the
// functions that only read.
var notLinked = map[string][]string{
	"encoding/gob": {""},
	"github.com/aws/aws-sdk-go-v2/service/eventbridge": {
		"github.com/eventboard/eventboard/api/getpost",
		"github.com/eventboard/eventboard/api/listposts",
	},
	// The auth functions that only talk to Cognito (package authsessions
	// declares the others).
	"github.com/aws/aws-sdk-go-v2/service/dynamodb": {
		"github.com/eventboard/eventboard/api/signup",
		"github.com/eventboard/eventboard/api/confirm",
		"github.com/eventboard/eventboard/api/resend",
		"github.com/eventboard/eventboard/api/forgot",
	},
}

// TestLambdasLinkNothingTheyDoNotCall guards what the cold-start work
// removed: a package's init runs in every cold start of every binary that
// links it, called or not. Beside notLinked it refuses the SDK's service
// schemas (see sdkSchemas).
func TestLambdasLinkNothingTheyDoNotCall(t *testing.T) {
	t.Parallel()
	args := append([]string{"-tags", "lambda.norpc", "-f", `{{.ImportPath}} {{join .Deps " "}}`}, lambdaRoots...)
	listing := goList(t, []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}, args...)
	for line := range strings.Lines(listing) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		for dep, mains := range notLinked {
			if slices.Contains(fields[1:], dep) && (slices.Contains(mains, "") || slices.Contains(mains, fields[0])) {
				t.Errorf("%s links %s", fields[0], dep)
			}
		}
		for _, dep := range fields[1:] {
			if sdkSchemas(dep) {
				t.Errorf("%s links %s, which builds every shape of the service at init (docs/performance.md, \"The SDK's schemas\")", fields[0], dep)
			}
		}
	}
}

// sdkSchemas reports whether pkg is an aws-sdk-go-v2 service's schemas
// package. Service clients released with schema-based serialisation build
// one value per shape of the whole service at package init (DynamoDB's:
// 570 KiB in 3,150 allocations, 2.5 to 3.5 ms of every cold start on a
// 2-core machine). go.mod holds the clients the functions use at the last
// release before it, and Dependabot ignores the later ones, until the SDK
// builds them lazily.
func sdkSchemas(pkg string) bool {
	return strings.HasPrefix(pkg, "github.com/aws/aws-sdk-go-v2/service/") && strings.HasSuffix(pkg, "/schemas")
}
