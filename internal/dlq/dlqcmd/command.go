// Package dlqcmd is 'eventboard dlq', the operators' command for
// dead-letter queues: flags, output and exit statuses over package dlq. It
// runs against a deployed stage, so it links nothing under internal/local
// (TestOperatorToolsLinkNoDevOnlyCode in internal/lambdatest); package main
// only calls Command.Run.
package dlqcmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/termsafe"
)

const usage = `Usage: eventboard dlq <command> [flags]

Inspect and replay the dead-letter queues of the local stack (the default,
or --local) or of a stage on AWS (--stage S), from any directory: SQS and
EventBridge say which DLQs there are and where their messages go back.
A serverless.yml at hand (./serverless.yml, or --config) is cross-checked
against them, with a warning where they disagree.

Commands:
  list                      every DLQ: its source, where it replays to, depth, oldest message
  peek QUEUE [--max N]      decoded messages, left in the queue
  replay QUEUE [filters]    move matching messages to where they should have gone
  export QUEUE --out FILE   every message to JSON Lines, left in the queue

QUEUE is a name as 'list' prints it (counter-dlq) or a queue URL.
Run 'eventboard dlq <command> -h' for a command's flags.
`

// Command is 'eventboard dlq'. Its fields say where the local stack keeps
// what the command reads from it.
type Command struct {
	// DataDir is the local stack's default data directory.
	DataDir string
	// EndpointFile is the file under the data directory where
	// 'eventboard local' writes the URL of its AWS services.
	EndpointFile string
}

// ExitError ends the program with a status of its own (1: a replay left
// matching messages behind).
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

// ExitCode is the status the program should exit with.
func (e *ExitError) ExitCode() int { return e.Code }

// Run runs 'eventboard dlq' with args (those after "dlq"). A usage error
// is an apperr Invalid; flag.ErrHelp when only the usage was asked for or
// printed; an *ExitError when a replay left messages behind.
func (c Command) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"list": c.list, "peek": c.peek, "replay": c.replay, "export": c.export,
	}
	if cmd, ok := cmds[args[0]]; ok {
		return cmd(ctx, args[1:], stdout, stderr)
	}
	if h := args[0]; h == "-h" || h == "-help" || h == "--help" || h == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("dlq: unknown command %q", args[0])
}

// parse parses args with fs, flags before and after the positional
// arguments alike, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// queueArg parses the flags of a command that takes one QUEUE.
func queueArg(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", apperr.Errorf(apperr.Invalid, "QUEUE_REQUIRED", "%s: want one QUEUE, got %d", fs.Name(), len(pos))
	}
	return pos[0], nil
}

func (c Command) list(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dlq list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf targetFlags
	c.registerTarget(&tf, fs)
	asJSON := fs.Bool("json", false, "print JSON Lines")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("dlq list: unexpected %q", pos[0])
	}
	t, err := tf.open(ctx, stderr)
	if err != nil {
		return err
	}
	rows := dlq.List(ctx, t.sqs, t.topology, time.Now())
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "QUEUE\tKIND\tSOURCE\tREPLAYS TO\tMESSAGES\tIN FLIGHT\tOLDEST")
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t?\t?\t%s\n", termsafe.String(r.Short), r.Kind, termsafe.String(r.Source), termsafe.String(r.Destination), termsafe.String(r.Error))
			continue
		}
		oldest := "-"
		if r.Oldest > 0 {
			oldest = r.Oldest.Round(time.Second).String()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", termsafe.String(r.Short), r.Kind, termsafe.String(r.Source), termsafe.String(r.Destination), r.Messages, r.InFlight, oldest)
	}
	return w.Flush()
}

func (c Command) peek(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dlq peek", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf targetFlags
	c.registerTarget(&tf, fs)
	limit := fs.Int("max", 10, "show at most N messages (0: all)")
	asJSON := fs.Bool("json", false, "print each message as a JSON line, body and attributes included")
	ref, err := queueArg(fs, args)
	if err != nil {
		return err
	}
	t, q, err := tf.openQueue(ctx, ref, stderr)
	if err != nil {
		return err
	}
	before, err := queueInFlight(ctx, t.sqs, q.URL)
	if err != nil {
		return err
	}
	msgs, err := dlq.Peek(ctx, t.sqs, q.URL, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, m := range msgs {
			if err := enc.Encode(m); err != nil {
				return err
			}
		}
		fmt.Fprint(stderr, before.unseen(len(msgs)).note(q.Short)) // stdout holds only JSON lines
		return nil
	}
	for _, m := range msgs {
		printMessage(stdout, m)
	}
	fmt.Fprintf(stdout, "%d message(s) shown from %s; all are still in it.\n", len(msgs), q.Short)
	fmt.Fprint(stdout, before.unseen(len(msgs)).note(q.Short))
	return nil
}

// printMessage prints m for a person. Every field but the times and
// counts is text a publisher or a failing target chose, so it is printed
// through termsafe: a message cannot act on the operator's terminal.
func printMessage(w io.Writer, m dlq.Message) {
	what := termsafe.String(m.DetailType)
	if what == "" {
		what = "(unreadable)"
	}
	fmt.Fprintf(w, "%s  %s\n", termsafe.String(m.MessageID), what)
	if m.EventID != "" {
		fmt.Fprintf(w, "  event id        %s\n  correlation id  %s\n  occurred at     %s\n",
			termsafe.String(m.EventID), termsafe.String(m.CorrelationID), m.OccurredAt.Format(time.RFC3339))
	}
	fmt.Fprintf(w, "  receive count   %d\n  first failed    %s\n", m.ReceiveCount, m.FirstFailedAt.Format(time.RFC3339))
	if m.ErrorCode != "" || m.ErrorMessage != "" {
		fmt.Fprintf(w, "  error           %s: %s\n", termsafe.String(m.ErrorCode), termsafe.String(m.ErrorMessage))
	}
	if m.Unreadable != "" {
		fmt.Fprintf(w, "  unreadable      %s\n  body            %s\n", termsafe.String(m.Unreadable), termsafe.Truncate(m.Body, 200))
	}
}

func (c Command) export(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dlq export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf targetFlags
	c.registerTarget(&tf, fs)
	out := fs.String("out", "", "the JSON Lines file to write (required; '-' for standard output)")
	ref, err := queueArg(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return apperr.New(apperr.Invalid, "OUT_REQUIRED", "dlq export: --out is required")
	}
	t, q, err := tf.openQueue(ctx, ref, stderr)
	if err != nil {
		return err
	}
	w, done := stdout, func() error { return nil }
	if *out != "-" {
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("dlq export: %w", err)
		}
		w, done = f, func() error {
			if err := f.Sync(); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
	}
	n, err := dlq.Export(ctx, t.sqs, q.URL, w)
	if cerr := done(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stdout, "exported %d message(s) of %s to %s; all are still in it.\n", n, q.Short, *out)
	}
	return nil
}

// stringList is a flag that may be given more than once.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// isTerminal reports whether w is a terminal, where a progress bar belongs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns a progress bar on w for about total messages, or nil
// when w is not a terminal.
func newProgress(w io.Writer, total int, what string) *progressbar.ProgressBar {
	if !isTerminal(w) {
		return nil
	}
	return progressbar.NewOptions(max(total, 1),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	)
}

var errIncomplete = errors.New("not every matching message moved")

// errInFlight ends a replay that could not see every message: others may
// match.
var errInFlight = errors.New("messages in flight were not seen; matching ones may remain")
