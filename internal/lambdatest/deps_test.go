//go:build unix

package lambdatest_test

import (
	"bytes"
	"os/exec"
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
// output (one package and its transitive dependencies per line) and returns,
// by package, each dependency under devOnlyRoot. An empty map means no
// package links dev-only code.
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

// TestLambdasLinkNoDevOnlyCode lists every Lambda main package as the
// deployment builds it (linux/arm64, -tags lambda.norpc) and fails if one
// links a package under internal/local/.
func TestLambdasLinkNoDevOnlyCode(t *testing.T) {
	t.Parallel()
	args := append([]string{"list", "-tags", "lambda.norpc", "-f", `{{.ImportPath}} {{join .Deps " "}}`}, lambdaRoots...)
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleRoot
	cmd.Env = append(cmd.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	listing := string(out)
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
