package registry_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/eventboard/eventboard/internal/config"
	"github.com/eventboard/eventboard/internal/manifest"
	"github.com/eventboard/eventboard/internal/registry"
)

// The stages whose environment is checked: every stage shares the
// functions' variables, but params differ, and a param may be empty.
var stages = []string{"test", "prod", "local"}

// TestEachFunctionGetsOnlyTheVariablesItReads holds serverless.yml's
// environment of each function (provider.environment merged with its own)
// to its declaration: every variable its Config requires is given (less
// what Lambda sets), and nothing it does not read is. A variable given to a
// function that never reads it is not harmless: COGNITO_CLIENT_ID on the
// post-confirmation trigger makes the template circular (pool → trigger →
// client → pool), and CloudFormation refuses it.
func TestEachFunctionGetsOnlyTheVariablesItReads(t *testing.T) {
	t.Parallel()
	for _, stage := range stages {
		m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: stage})
		if err != nil {
			t.Fatalf("stage %s: %v", stage, err)
		}
		for _, fn := range m.Functions {
			e, ok := registry.ByName(fn.Name)
			if !ok {
				t.Errorf("stage %s: %s is in serverless.yml, not in the registry", stage, fn.Name)
				continue
			}
			given := map[string]bool{}
			for k := range fn.Environment {
				given[k] = true
			}
			for k := range fn.EnvironmentIntrinsics {
				given[k] = true
			}
			for _, problem := range environmentProblems(e.Variables(), given) {
				t.Errorf("stage %s: function %s: %s", stage, fn.Name, problem)
			}
		}
	}
}

// environmentProblems compares what a function reads with what it is given.
func environmentProblems(reads []config.Variable, given map[string]bool) []string {
	var problems []string
	read := map[string]bool{}
	for _, v := range reads {
		read[v.Name] = true
		switch {
		case config.SetByLambda[v.Name] && given[v.Name]:
			problems = append(problems, "is given "+v.Name+", which Lambda sets")
		case v.Required && !config.SetByLambda[v.Name] && !given[v.Name]:
			problems = append(problems, "lacks "+v.Name+", which its Config requires")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(given)) {
		if !read[k] {
			problems = append(problems, "is given "+k+", which its Config does not read")
		}
	}
	return problems
}

func TestEnvironmentProblems(t *testing.T) {
	t.Parallel()
	reads := []config.Variable{
		{Name: "AWS_LAMBDA_FUNCTION_NAME", Required: true},
		{Name: "LOG_LEVEL", Default: "info"},
		{Name: "USERS_TABLE", Required: true},
	}
	tests := []struct {
		name  string
		given []string
		want  int
	}{
		{"exactly what it needs", []string{"USERS_TABLE"}, 0},
		{"an optional one too", []string{"USERS_TABLE", "LOG_LEVEL"}, 0},
		{"the app client's id it never reads", []string{"USERS_TABLE", "COGNITO_CLIENT_ID"}, 1},
		{"a required one missing", []string{"LOG_LEVEL"}, 1},
		{"what Lambda sets", []string{"USERS_TABLE", "AWS_LAMBDA_FUNCTION_NAME"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			given := map[string]bool{}
			for _, k := range tt.given {
				given[k] = true
			}
			if got := environmentProblems(reads, given); len(got) != tt.want {
				t.Errorf("environmentProblems = %q, want %d problem(s)", got, tt.want)
			}
		})
	}
}
