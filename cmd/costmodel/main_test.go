package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRealMainWritesCost(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "cost.md")
	if err := realMain([]string{"-measurements", "../../internal/costmodel/testdata/measurements.json", "-out", out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "**API back end") || !strings.Contains(string(b), "100× the seed's month") {
		t.Errorf("cost.md:\n%s", b)
	}
	if err := realMain([]string{"-measurements", "no-such-file.json", "-out", out}); err == nil {
		t.Error("no measurements, no error")
	}
}
