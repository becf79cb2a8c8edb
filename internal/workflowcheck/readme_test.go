package workflowcheck_test

import (
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const repoRoot = "../.."

// readmeMap returns the paths README.md's "What is where" table names in
// its first column, in order, without a trailing slash.
func readmeMap(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(repoRoot + "/README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## What is where\n")
	if !ok {
		t.Fatal(`README.md has no "## What is where" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	code := regexp.MustCompile("`([^`]+)`")
	var paths []string
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		for _, m := range code.FindAllStringSubmatch(cells[1], -1) {
			paths = append(paths, strings.TrimSuffix(m[1], "/"))
		}
	}
	if len(paths) == 0 {
		t.Fatal(`README.md's "What is where" table names no path`)
	}
	return paths
}

// trackedFolders returns the folders git tracks at the top of the tree and
// directly under internal/: what a checkout holds, not build output or
// local data, which .gitignore keeps out.
func trackedFolders(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("git ls-files: %v (not a git checkout?)", err)
	}
	seen := map[string]bool{}
	for _, f := range strings.Split(string(out), "\x00") {
		parts := strings.Split(f, "/")
		if len(parts) > 1 {
			seen[parts[0]] = true
		}
		if len(parts) > 2 && parts[0] == "internal" {
			seen[path.Join(parts[0], parts[1])] = true
		}
	}
	var folders []string
	for f := range seen {
		folders = append(folders, f)
	}
	slices.Sort(folders)
	return folders
}

func TestReadmeMapNamesEveryTopLevelAndInternalFolder(t *testing.T) {
	t.Parallel()
	listed := readmeMap(t)
	for _, folder := range trackedFolders(t) {
		// A folder under internal/ is a package: it needs its own entry. A
		// top-level one may be shown through what it holds (cmd/eventboard).
		covered := slices.ContainsFunc(listed, func(p string) bool {
			return p == folder || !strings.HasPrefix(folder, "internal/") && strings.HasPrefix(p, folder+"/")
		})
		if !covered {
			t.Errorf("README.md's \"What is where\" does not say what %s/ is for", folder)
		}
	}
}

func TestReadmeMapNamesOnlyPathsThatExistAndEachOnce(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, p := range readmeMap(t) {
		if seen[p] {
			t.Errorf("README.md's \"What is where\" lists %s twice", p)
		}
		seen[p] = true
		if _, err := os.Stat(repoRoot + "/" + p); err != nil {
			t.Errorf("README.md's \"What is where\" lists %s, which is not in the tree: %v", p, err)
		}
	}
}
