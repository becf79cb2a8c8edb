package dlqcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// hostile is what a publisher of events can put in a DLQ message to act
// on the operator's terminal: set its title and clear the screen, and
// reverse the text that follows.
const hostile = "\u001b]0;PWNED\u0007\u001b[2J\u202eexe.gnp\u009b31m"

// A DLQ message whose detail-type held escape sequences set the terminal's
// title and cleared the screen on 'eventboard dlq peek'; attributes and
// bodies printed raw too, bidi overrides included.
func TestDLQPrintsHostileFieldsEscaped(t *testing.T) {
	ctx := context.Background()
	const stage = "hostile"
	st := stageQueues(t, stage)
	api, urls := st.sqs, st.urls
	sample, err := os.ReadFile("../../../events/samples/PostCreated.json")
	if err != nil {
		t.Fatal(err)
	}
	event := strings.Replace(string(sample), `"detail-type": "PostCreated"`, `"detail-type": "PostCreated`+jsonEscape(hostile)+`"`, 1)
	attr := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	for _, m := range []sqs.SendMessageInput{
		{MessageBody: aws.String(event)},
		{MessageBody: aws.String("not an event " + hostile), MessageAttributes: map[string]types.MessageAttributeValue{
			"ERROR_CODE": attr("CODE" + hostile), "ERROR_MESSAGE": attr("message" + hostile),
		}},
	} {
		m.QueueUrl = aws.String(urls["counter-rule-dlq"])
		if _, err := api.SendMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"peek", "counter-rule-dlq"},
		{"list"},
		{"replay", "counter-rule-dlq", "--dry-run"},
	} {
		var out bytes.Buffer
		err := runDLQ(ctx, append(args, "--stage", stage, "--region", "eu-west-1", "--config", "../../../serverless.yml"), &out, io.Discard)
		if err != nil && args[0] != "replay" {
			t.Fatalf("dlq %s: %v\n%s", args[0], err, out.String())
		}
		got := out.String()
		for _, raw := range []string{"\u001b", "\u0007", "\u202e", "\u009b"} {
			if strings.Contains(got, raw) {
				t.Errorf("dlq %s printed a raw %U:\n%q", args[0], []rune(raw)[0], got)
			}
		}
		if args[0] == "peek" {
			for _, want := range []string{`PostCreated\u001B]0;PWNED\u0007\u001B[2J\u202Eexe.gnp\u009B31m`, `CODE\u001B]0;PWNED`, `message\u001B]0;PWNED`, `not an event \u001B]0;PWNED`} {
				if !strings.Contains(got, want) {
					t.Errorf("dlq peek does not show %s escaped:\n%s", want, got)
				}
			}
		}
	}
}

func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// With three messages in the DLQ held invisible by another receive, replay
// printed "moved 0 of 0 matching message(s); 0 other(s) left" and exited 0:
// an operator would believe the queue empty.
func TestReplayReportsMessagesInFlight(t *testing.T) {
	ctx := context.Background()
	const stage = "inflight"
	st := stageQueues(t, stage)
	api, urls := st.sqs, st.urls
	sample, err := os.ReadFile("../../../events/samples/PostCreated.json")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := api.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(urls["counter-dlq"]), MessageBody: aws.String(string(sample))}); err != nil {
			t.Fatal(err)
		}
	}
	held := 0
	for held < 3 { // another reader holds them for 10 minutes
		out, err := api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(urls["counter-dlq"]), MaxNumberOfMessages: 10, VisibilityTimeout: 600})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			t.Fatalf("received %d of 3 messages", held)
		}
		held += len(out.Messages)
	}
	for _, args := range [][]string{
		{"replay", "counter-dlq", "--audit", filepath.Join(t.TempDir(), "audit.jsonl")},
		{"peek", "counter-dlq"},
	} {
		var out bytes.Buffer
		err := runDLQ(ctx, append(args, "--stage", stage, "--region", "eu-west-1", "--config", "../../../serverless.yml"), &out, io.Discard)
		if !strings.Contains(out.String(), "3 message(s) in flight") {
			t.Errorf("dlq %s does not say 3 messages are in flight:\n%s", args[0], out.String())
		}
		if args[0] == "replay" {
			var exit *ExitError
			if !errors.As(err, &exit) || exit.Code == 0 {
				t.Errorf("replay with messages in flight: %v, want a non-zero exit", err)
			}
		}
	}
}
