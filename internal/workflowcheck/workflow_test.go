package workflowcheck_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const workflowDir = "../../.github/workflows"

// workflow is the part of a workflow file the rules look at.
type workflow struct {
	On          map[string]yaml.Node `yaml:"on"`
	Concurrency map[string]any       `yaml:"concurrency"`
	Jobs        map[string]job       `yaml:"jobs"`
}

type job struct {
	Needs any    `yaml:"needs"`
	If    string `yaml:"if"`
	Uses  string `yaml:"uses"`
	Env   map[string]string
	Steps []step `yaml:"steps"`
}

type step struct {
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]any    `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

func load(t *testing.T) map[string]workflow {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(workflowDir, "*.yml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no workflows under %s: %v", workflowDir, err)
	}
	out := map[string]workflow{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(b, &w); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = w
	}
	return out
}

func TestDeployRunsOnlyAfterCIPassedOnTheSameCommit(t *testing.T) {
	t.Parallel()
	for name, w := range load(t) {
		if !strings.HasPrefix(name, "deploy") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			if _, ok := w.On["push"]; ok {
				t.Errorf("deploys on push, in parallel with CI")
			}
			run, ok := w.On["workflow_run"]
			if !ok {
				t.Fatalf("no workflow_run trigger: nothing waits for CI")
			}
			var wr struct {
				Workflows []string `yaml:"workflows"`
				Types     []string `yaml:"types"`
			}
			// The frontend waits for the backend of the same commit, which
			// waits for CI: on a first deploy the stack's outputs exist.
			after := []string{"ci"}
			if name == "deploy-frontend.yml" {
				after = []string{"deploy backend"}
			}
			if err := run.Decode(&wr); err != nil || !slices.Equal(wr.Workflows, after) || !slices.Equal(wr.Types, []string{"completed"}) {
				t.Errorf("workflow_run = %+v (%v), want %v completed", wr, err, after)
			}
			deploy, ok := w.Jobs["deploy"]
			if !ok {
				t.Fatal("no deploy job")
			}
			for _, want := range []string{"github.event.workflow_run.conclusion == 'success'", "needs.ci.result == 'success'"} {
				if !strings.Contains(deploy.If, want) {
					t.Errorf("deploy.if lacks %q: %s", want, deploy.If)
				}
			}
			if w.Jobs["ci"].Uses != "./.github/workflows/ci.yml" || deploy.Needs != "ci" {
				t.Errorf("a dispatched deploy does not run CI first: ci job %+v, needs %v", w.Jobs["ci"], deploy.Needs)
			}
			if ref := deploy.Steps[0].With["ref"]; ref != "${{ github.event.workflow_run.head_sha || github.sha }}" {
				t.Errorf("checkout ref = %v, want the commit CI tested", ref)
			}
		})
	}
}

func TestDispatchStageIsAChoiceKeptOutOfTheShell(t *testing.T) {
	t.Parallel()
	w := load(t)["deploy-backend.yml"]
	var dispatch struct {
		Inputs map[string]struct {
			Type    string   `yaml:"type"`
			Options []string `yaml:"options"`
		} `yaml:"inputs"`
	}
	node := w.On["workflow_dispatch"]
	if err := node.Decode(&dispatch); err != nil {
		t.Fatal(err)
	}
	stage := dispatch.Inputs["stage"]
	if stage.Type != "choice" || len(stage.Options) == 0 || slices.Contains(stage.Options, "local") {
		t.Errorf("stage input = %+v, want a choice of deployed stages", stage)
	}
	for name, wf := range load(t) {
		for jobName, j := range wf.Jobs {
			for _, s := range j.Steps {
				if strings.Contains(s.Run, "${{") {
					t.Errorf("%s/%s: an expression is pasted into a shell script: %q", name, jobName, s.Run)
				}
			}
		}
	}
}

var pinned = regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)

func TestActionsArePinnedBySHAWithConcurrencyAndMaintainedNode(t *testing.T) {
	t.Parallel()
	for name := range load(t) {
		raw, err := os.ReadFile(filepath.Join(workflowDir, name))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(raw), "\n") {
			_, after, ok := strings.Cut(line, "uses: ")
			if !ok || strings.HasPrefix(after, "./") {
				continue
			}
			ref, comment, _ := strings.Cut(after, " # ")
			if !pinned.MatchString(ref) || !strings.HasPrefix(comment, "v") {
				t.Errorf("%s:%d: %q is not pinned by commit SHA with a version comment", name, i+1, strings.TrimSpace(after))
			}
		}
	}
	for name, w := range load(t) {
		if w.Concurrency["group"] == nil {
			t.Errorf("%s: no concurrency group", name)
		}
		for _, j := range w.Jobs {
			for _, s := range j.Steps {
				if v, ok := s.With["node-version"]; ok && v != 22 && v != 24 {
					t.Errorf("%s: node-version %v, want 22 or 24 (20 is end-of-life)", name, v)
				}
			}
		}
	}
	if _, err := os.Stat("../../.github/dependabot.yml"); err != nil {
		t.Errorf("no Dependabot config: %v", err)
	}
}
