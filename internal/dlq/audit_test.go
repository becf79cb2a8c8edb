package dlq_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/dlq"
)

func TestAuditAppends(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "audit.jsonl")
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	records := []dlq.AuditRecord{
		{Time: at, Operator: "alice", Queue: "counter-dlq", MessageID: "m1", EventID: "e1", DetailType: "PostCreated", Destination: "eventboard-local-counter"},
		{Time: at.Add(time.Second), Operator: "alice", Queue: "counter-dlq", MessageID: "m2", EventID: "e2", Destination: "eventboard-local-counter"},
	}
	// Two runs append to the same log.
	for _, r := range records {
		a, err := dlq.OpenAudit(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Append(r); err != nil {
			t.Fatal(err)
		}
		if a.Lines() != 1 || a.Path() != path {
			t.Errorf("Lines, Path = %d, %s", a.Lines(), a.Path())
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []dlq.AuditRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r dlq.AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, r)
	}
	if diff := cmp.Diff(records, got); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}
