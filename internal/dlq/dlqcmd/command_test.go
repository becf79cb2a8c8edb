package dlqcmd

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
)

// runDLQ runs 'eventboard dlq' as package main calls it.
func runDLQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return Command{DataDir: ".eventboard", EndpointFile: "aws-endpoint"}.Run(ctx, args, stdout, stderr)
}

func TestParseTakesFlagsAfterArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		wantPos []string
		wantMax int
	}{
		{[]string{"counter-dlq"}, []string{"counter-dlq"}, 0},
		{[]string{"counter-dlq", "--max", "3"}, []string{"counter-dlq"}, 3},
		{[]string{"--max", "3", "counter-dlq"}, []string{"counter-dlq"}, 3},
		{[]string{"a", "--max", "3", "b"}, []string{"a", "b"}, 3},
	}
	for _, tc := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		limit := fs.Int("max", 0, "")
		pos, err := parse(fs, tc.args)
		if err != nil {
			t.Fatalf("parse(%q): %v", tc.args, err)
		}
		if diff := cmp.Diff(tc.wantPos, pos); diff != "" || *limit != tc.wantMax {
			t.Errorf("parse(%q): max %d (want %d), positional (-want +got):\n%s", tc.args, *limit, tc.wantMax, diff)
		}
	}
}

func TestDLQRefusesBadInvocations(t *testing.T) {
	t.Parallel()
	data := t.TempDir() // no eventboard local runs here
	tests := []struct {
		name string
		args []string
		want string // in the error
	}{
		{"no QUEUE", []string{"peek", "--data", data}, "QUEUE_REQUIRED"},
		{"native locally", []string{"replay", "counter-dlq", "--native", "--data", data}, "NATIVE_UNSUPPORTED"},
		{"native with a filter", []string{"replay", "counter-dlq", "--native", "--stage", "prod", "--detail-type", "PostCreated"}, "NATIVE_UNSUPPORTED"},
		{"a bad --since", []string{"replay", "counter-dlq", "--since", "yesterday", "--data", data}, "BAD_FILTER"},
		{"export without --out", []string{"export", "counter-dlq", "--data", data}, "OUT_REQUIRED"},
		{"no local stack", []string{"list", "--data", data, "--config", "../../../serverless.yml"}, "is 'eventboard local' running"},
		{"local and stage", []string{"list", "--local", "--stage", "prod"}, "exclude each other"},
		{"the local endpoint and a stage", []string{"list", "--endpoint", "http://127.0.0.1:1", "--stage", "prod"}, "AWS_ENDPOINT_URL"},
		{"unknown command", []string{"purge"}, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout bytes.Buffer
			err := runDLQ(context.Background(), tc.args, &stdout, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("dlq %q = %v, want an error with %q", tc.args, err, tc.want)
			}
			if apperr.KindOf(err) == apperr.Internal && strings.HasSuffix(tc.want, "_REQUIRED") {
				t.Errorf("a usage error is internal: %v", err)
			}
			if stdout.Len() > 0 {
				t.Errorf("a refused command printed %q", stdout.String())
			}
		})
	}
}

func TestNoProgressBarOffATerminal(t *testing.T) {
	t.Parallel()
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range []io.Writer{&bytes.Buffer{}, f} {
		if bar := newProgress(w, 10, "replaying"); bar != nil {
			t.Errorf("a progress bar on %T", w)
		}
	}
}
