package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/local/emulator"
)

// TestDLQOnAStage runs 'eventboard dlq --stage' through the SDK's default
// configuration, as on AWS, with AWS_ENDPOINT_URL pointing it at kumo (which
// serves SQS and STS): queue names come from serverless.yml for the stage,
// and the audit log names the caller STS reports.
func TestDLQOnAStage(t *testing.T) {
	srv := emulator.NewKumo()
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "operator")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_PROFILE", "")

	ctx := context.Background()
	api := emulator.SQS(srv.URL)
	const stage = "opsdrill"
	urls := map[string]string{}
	for _, name := range []string{"counter", "counter-dlq", "counter-rule-dlq"} {
		out, err := api.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("eventboard-" + stage + "-" + name)})
		if err != nil {
			t.Fatal(err)
		}
		urls[name] = aws.ToString(out.QueueUrl)
	}
	sample, err := os.ReadFile("../../events/samples/PostCreated.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{string(sample), "not an event"} {
		if _, err := api.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(urls["counter-dlq"]), MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		err := runDLQ(ctx, append(args, "--stage", stage, "--region", "eu-west-1", "--config", "../../serverless.yml"), &out, io.Discard)
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
	if exit, ok := err.(*exitError); err == nil || ok && exit.code != 1 {
		t.Errorf("--native against an SQS without move tasks = %v, want a failure", err)
	}
}
