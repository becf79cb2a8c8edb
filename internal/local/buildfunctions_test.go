package local

import (
	"strings"
	"testing"

	"github.com/eventboard/eventboard/internal/manifest"
)

func TestSameFunctions(t *testing.T) {
	t.Parallel()
	m, err := manifest.Load("../../serverless.yml", manifest.Options{Stage: "local"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sameFunctions(m); err != nil {
		t.Fatalf("serverless.yml and the stack disagree: %v", err)
	}

	missing := *m
	missing.Functions = m.Functions[1:]
	if err := sameFunctions(&missing); err == nil || !strings.Contains(err.Error(), m.Functions[0].Name) {
		t.Errorf("a function the manifest lacks: err = %v, want it named", err)
	}

	extra := *m
	extra.Functions = append([]manifest.Function{{Name: "mysteryFunction"}}, m.Functions...)
	if err := sameFunctions(&extra); err == nil || !strings.Contains(err.Error(), "mysteryFunction") {
		t.Errorf("a function the stack lacks: err = %v, want it named", err)
	}
}
