package dlqcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/dlq/dlqtest"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// deployedStage is a stage deployed on kumo, with the SDK's default
// configuration pointed at it as 'eventboard dlq --stage' reads it on AWS.
type deployedStage struct {
	sqs *sqs.Client
	eb  *eventbridge.Client
	// urls are the queues' URLs by short name (counter, counter-dlq,
	// counter-rule-dlq).
	urls map[string]string
}

// stageQueues starts kumo, points the SDK's default configuration at it,
// and deploys there the counter queue of stage and its DLQs as
// serverless.yml does (dlqtest.Deploy).
func stageQueues(t *testing.T, stage string) deployedStage {
	t.Helper()
	srv := emulator.NewKumo()
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "operator")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_PROFILE", "")
	d := deployedStage{sqs: emulator.SQS(srv.URL), eb: emulator.EventBridge(srv.URL)}
	d.urls = dlqtest.Deploy(t, d.sqs, d.eb, dlq.Stage{Service: "eventboard", Name: stage})
	return d
}

// TestDLQOnAStage runs 'eventboard dlq --stage' through the SDK's default
// configuration, as on AWS, with AWS_ENDPOINT_URL pointing it at kumo (which
// serves SQS, EventBridge and STS): the DLQs come from the services, agree
// with serverless.yml, and the audit log names the caller STS reports.
func TestDLQOnAStage(t *testing.T) {
	ctx := context.Background()
	const stage = "opsdrill"
	st := stageQueues(t, stage)
	sample, err := os.ReadFile("../../../events/samples/PostCreated.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{string(sample), "not an event"} {
		if _, err := st.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(st.urls["counter-dlq"]), MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := runDLQ(ctx, append(args, "--stage", stage, "--region", "eu-west-1", "--config", "../../../serverless.yml"), &out, &errOut)
		if strings.Contains(errOut.String(), "warning") {
			t.Errorf("dlq %s: serverless.yml and the stage deployed from it disagree:\n%s", args[0], errOut.String())
		}
		return out.String(), err
	}

	out, err := run("list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"queue":"counter-dlq","name":"eventboard-opsdrill-counter-dlq"`) || !strings.Contains(out, `"messages":2`) {
		t.Errorf("list --stage:\n%s", out)
	}
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	out, err = run("replay", "counter-dlq", "--audit", audit)
	if err != nil {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	if !strings.Contains(out, "moved 1 of 1") {
		t.Errorf("replay --stage:\n%s", out)
	}
	b, err := os.ReadFile(audit)
	if err != nil {
		t.Fatal(err)
	}
	var rec dlq.AuditRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatalf("audit %q: %v", b, err)
	}
	if !strings.HasPrefix(rec.Operator, "arn:aws:") || rec.Destination != "eventboard-opsdrill-counter" || rec.EventID == "" {
		t.Errorf("audit line %+v: want the caller's ARN from STS, the destination and the event id", rec)
	}

	// kumo has no StartMessageMoveTask: the error comes from SQS itself, and
	// the exit status says nothing moved.
	_, err = run("replay", "counter-dlq", "--native", "--audit", audit)
	var exit *ExitError
	if err == nil || errors.As(err, &exit) && exit.Code != 1 {
		t.Errorf("--native against an SQS without move tasks = %v, want a failure", err)
	}
}

// 'eventboard dlq --stage' failed outside a checkout: "manifest.Load: open
// serverless.yml: no such file or directory".
func TestDLQOnAStageNeedsNoServerlessYML(t *testing.T) {
	const stage = "anywhere"
	stageQueues(t, stage)
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	if err := runDLQ(t.Context(), []string{"list", "--stage", stage, "--region", "eu-west-1"}, &out, &errOut); err != nil {
		t.Fatalf("list outside a checkout: %v\n%s", err, errOut.String())
	}
	if diff := cmp.Diff(listed(out.String()), [][]string{
		{"counter-dlq", "queue", "eventboard-anywhere-counter", "eventboard-anywhere-counter"},
		{"counter-rule-dlq", "rule", "eventboard-anywhere-counter", "eventboard-anywhere-counter"},
	}); diff != "" {
		t.Errorf("list: DLQ, kind, source, replays to (-got +want):\n%s", diff)
	}
	if errOut.Len() > 0 {
		t.Errorf("list with no serverless.yml at hand printed %q; there is nothing to cross-check", errOut.String())
	}
}

// When serverless.yml and the stage disagree, the command says so and goes
// by the stage; a --config it cannot read is a warning too.
func TestDLQWarnsWhenServerlessYMLDisagrees(t *testing.T) {
	const stage = "drifted"
	st := stageQueues(t, stage)
	// The rule's target loses its DLQ, as if changed by hand on the console.
	counter, err := st.sqs.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(st.urls["counter"]), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.eb.PutTargets(t.Context(), &eventbridge.PutTargetsInput{
		Rule: aws.String("eventboard-" + stage + "-counter"), EventBusName: aws.String("eventboard-" + stage),
		Targets: []ebtypes.Target{{Id: aws.String("counterQueue"), Arn: aws.String(counter.Attributes["QueueArn"])}},
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, config string
		want         []string // in the warning
	}{
		{"a DLQ gone", "../../../serverless.yml", []string{
			"warning: ../../../serverless.yml and stage drifted in eu-west-1 disagree",
			"serverless.yml declares counter-rule-dlq (the rule DLQ of eventboard-drifted-counter, replayed to eventboard-drifted-counter), which the stage does not have",
		}},
		{"no such file", "nowhere/serverless.yml", []string{"warning: cannot cross-check stage drifted in eu-west-1 against nowhere/serverless.yml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := runDLQ(t.Context(), []string{"list", "--stage", stage, "--region", "eu-west-1", "--config", tc.config}, &out, &errOut); err != nil {
				t.Fatalf("list: %v\n%s", err, errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("the warning does not say %q:\n%s", w, errOut.String())
				}
			}
			if !strings.Contains(out.String(), "counter-dlq") || strings.Contains(out.String(), "counter-rule-dlq") {
				t.Errorf("list does not go by the stage (counter-dlq, no counter-rule-dlq):\n%s", out.String())
			}
		})
	}
}

// An operator who names a stage that is not deployed (or the wrong region)
// is told so, not shown an empty table.
func TestDLQOnAStageThatIsNotThere(t *testing.T) {
	stageQueues(t, "elsewhere")
	err := runDLQ(t.Context(), []string{"list", "--stage", "nosuchstage", "--region", "eu-west-1", "--config", "../../../serverless.yml"}, io.Discard, io.Discard)
	if apperr.CodeOf(err) != "NO_DLQS" || !strings.Contains(err.Error(), "found no DLQ of stage nosuchstage in eu-west-1") {
		t.Errorf("list on a stage with no queues = %v, want found no DLQ", err)
	}
}

// listed returns the first four columns of each row 'dlq list' printed:
// the DLQ, its kind, its source and where it replays to.
func listed(table string) [][]string {
	var rows [][]string
	for i, line := range strings.Split(strings.TrimSpace(table), "\n") {
		if f := strings.Fields(line); i > 0 && len(f) >= 4 {
			rows = append(rows, f[:4])
		}
	}
	return rows
}
