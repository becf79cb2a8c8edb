package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// 'eventboard dlq' needed serverless.yml in the working directory. Run from
// an empty directory against a running local stack, it learns the DLQs and
// where each replays to from the stack's SQS and EventBridge, with no
// warning, as there is nothing to cross-check; run in the checkout, its
// serverless.yml agrees with what the stack reports.
func TestDLQListsTheLocalStackFromAnyDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs the local stack")
	}
	data := t.TempDir()
	startLocal(t, eventboardBinary(t), freeAddr(t), data)
	endpoint, err := os.ReadFile(filepath.Join(data, endpointFile))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"counter-dlq":      "queue DLQ of eventboard-local-counter, replays to eventboard-local-counter",
		"counter-rule-dlq": "rule DLQ of eventboard-local-counter, replays to eventboard-local-counter",
	}
	list := func(t *testing.T, args ...string) {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := realMain(t.Context(), append([]string{"dlq", "list", "--json"}, args...), &out, &errOut); err != nil {
			t.Fatalf("dlq list %q: %v\n%s", args, err, errOut.String())
		}
		got := map[string]string{}
		dec := json.NewDecoder(&out)
		for dec.More() {
			var row struct{ Queue, Kind, Source, Destination, Error string }
			if err := dec.Decode(&row); err != nil {
				t.Fatal(err)
			}
			if row.Error != "" {
				t.Errorf("%s: %s", row.Queue, row.Error)
			}
			got[row.Queue] = row.Kind + " DLQ of " + row.Source + ", replays to " + row.Destination
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("dlq list %q (-want +got):\n%s", args, diff)
		}
		if errOut.Len() > 0 {
			t.Errorf("dlq list %q warned:\n%s", args, errOut.String())
		}
	}

	t.Run("in the checkout", func(t *testing.T) {
		list(t, "--data", data, "--config", "../../serverless.yml")
	})
	t.Chdir(t.TempDir())
	t.Run("the data directory", func(t *testing.T) { list(t, "--data", data) })
	t.Run("the endpoint", func(t *testing.T) { list(t, "--endpoint", strings.TrimSpace(string(endpoint))) })
}
