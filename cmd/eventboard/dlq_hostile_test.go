package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/eventboard/eventboard/internal/local/emulator"
)

// hostile is what a publisher of events can put in a DLQ message to act
// on the operator's terminal: set its title and clear the screen, and
// reverse the text that follows.
const hostile = "\u001b]0;PWNED\u0007\u001b[2J\u202eexe.gnp\u009b31m"

// A DLQ message whose detail-type held escape sequences set the terminal's
// title and cleared the screen on 'eventboard dlq peek'; attributes and
// bodies printed raw too, bidi overrides included.
func TestDLQPrintsHostileFieldsEscaped(t *testing.T) {
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
	const stage = "hostile"
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
		err := runDLQ(ctx, append(args, "--stage", stage, "--region", "eu-west-1", "--config", "../../serverless.yml"), &out, io.Discard)
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
