package dlqcmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/eventboard/eventboard/internal/apperr"
	"github.com/eventboard/eventboard/internal/dlq"
	"github.com/eventboard/eventboard/internal/termsafe"
)

// replayFlags are the flags of 'eventboard dlq replay'.
type replayFlags struct {
	target      targetFlags
	dryRun      bool
	detailTypes stringList
	eventIDs    stringList
	since       string
	until       string
	max         int
	rate        float64
	unreadable  bool
	audit       string
	native      bool
}

func (c Command) registerReplay(f *replayFlags, fs *flag.FlagSet) {
	c.registerTarget(&f.target, fs)
	fs.BoolVar(&f.dryRun, "dry-run", false, "show what would move; move nothing")
	fs.Var(&f.detailTypes, "detail-type", "move only events of this detail-type (repeatable)")
	fs.Var(&f.eventIDs, "event-id", "move only the event with this metadata.eventId (repeatable)")
	fs.StringVar(&f.since, "since", "", "move only events that occurred at or after T (RFC 3339, or a duration ago: 2h)")
	fs.StringVar(&f.until, "until", "", "move only events that occurred before T (RFC 3339, or a duration ago)")
	fs.IntVar(&f.max, "max", 0, "move at most N messages (0: no limit)")
	fs.Float64Var(&f.rate, "rate", 0, "send at most R messages a second (0: no limit)")
	fs.BoolVar(&f.unreadable, "unreadable", false, "also move messages that are not Eventboard events (only without other filters)")
	fs.StringVar(&f.audit, "audit", "", "append one JSON line per moved message here (default: dlq-audit.jsonl in the data directory locally, eventboard-dlq-audit-STAGE.jsonl on AWS)")
	fs.BoolVar(&f.native, "native", false, "on AWS, with no filter: let SQS move every message back (StartMessageMoveTask) and follow it")
}

func (f *replayFlags) filter(now time.Time) (dlq.Filter, error) {
	flt := dlq.Filter{DetailTypes: f.detailTypes, EventIDs: f.eventIDs, Unreadable: f.unreadable}
	var err error
	if f.since != "" {
		if flt.Since, err = dlq.ParseTime(f.since, now); err != nil {
			return flt, apperr.Errorf(apperr.Invalid, "BAD_FILTER", "--since %v", err)
		}
	}
	if f.until != "" {
		if flt.Until, err = dlq.ParseTime(f.until, now); err != nil {
			return flt, apperr.Errorf(apperr.Invalid, "BAD_FILTER", "--until %v", err)
		}
	}
	if f.max < 0 || f.rate < 0 {
		return flt, apperr.New(apperr.Invalid, "BAD_FILTER", "--max and --rate cannot be negative")
	}
	return flt, nil
}

// checkNative refuses --native where SQS's own redrive cannot do what was
// asked.
func (f *replayFlags) checkNative(flt dlq.Filter) error {
	if f.target.stage == "" {
		return apperr.New(apperr.Invalid, "NATIVE_UNSUPPORTED", "--native needs SQS's StartMessageMoveTask, which the local stack's SQS (kumo) does not have; replay without --native, which moves the same messages one by one")
	}
	if !flt.Empty() || f.unreadable || f.max > 0 || f.dryRun {
		return apperr.New(apperr.Invalid, "NATIVE_UNSUPPORTED", "--native moves every message: it takes no filter, --max, --unreadable or --dry-run")
	}
	return nil
}

func (c Command) replay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dlq replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f replayFlags
	c.registerReplay(&f, fs)
	ref, err := queueArg(fs, args)
	if err != nil {
		return err
	}
	flt, err := f.filter(time.Now())
	if err != nil {
		return err
	}
	if f.native {
		if err := f.checkNative(flt); err != nil {
			return err
		}
	}
	t, q, err := f.target.openQueue(ctx, ref, stderr)
	if err != nil {
		return err
	}
	if f.dryRun {
		return dryRun(ctx, t, q, flt, f, stdout)
	}
	operator, err := t.operator(ctx)
	if err != nil {
		return err
	}
	if f.audit == "" {
		f.audit = t.defaultAudit()
	}
	audit, err := dlq.OpenAudit(f.audit)
	if err != nil {
		return err
	}
	defer audit.Close()
	if f.native {
		return replayNative(ctx, t, q, f, operator, audit, stdout, stderr)
	}

	before, err := queueInFlight(ctx, t.sqs, q.URL)
	if err != nil {
		return err
	}
	opts := dlq.ReplayOptions{Filter: flt, Max: f.max}
	if f.rate > 0 {
		opts.Pacer = dlq.NewLimiter(f.rate, nil)
	}
	var bar *progressbar.ProgressBar
	if d, err := dlq.QueueDepth(ctx, t.sqs, q.URL); err == nil {
		bar = newProgress(stderr, d.Messages, "replaying "+q.Short)
	}
	opts.Seen = func(dlq.Message) {
		if bar != nil {
			_ = bar.Add(1)
		}
	}
	opts.Moved = func(m dlq.Message) error {
		return audit.Append(dlq.AuditRecord{
			Time: time.Now().UTC(), Operator: operator, Queue: q.Name, MessageID: m.MessageID,
			EventID: m.EventID, DetailType: m.DetailType, Destination: q.Destination,
		})
	}
	fmt.Fprintf(stdout, "Replaying %s (%s DLQ of %s) to %s\n", q.Short, q.Kind, q.Source, q.Destination)
	res, err := dlq.Replay(ctx, t.sqs, q, opts)
	if bar != nil {
		_ = bar.Finish()
	}
	fmt.Fprintf(stdout, "moved %d of %d matching message(s); %d other(s) left in %s\n", res.Moved, res.Matched, res.Left, q.Short)
	unseen := before.unseen(res.Matched + res.Left)
	fmt.Fprint(stdout, unseen.note(q.Short))
	fmt.Fprintf(stdout, "audit: %d line(s) appended to %s\n", audit.Lines(), audit.Path())
	if err != nil {
		return &ExitError{Code: 1, Msg: err.Error()}
	}
	if !res.Complete() {
		return &ExitError{Code: 1, Msg: errIncomplete.Error()}
	}
	if unseen.messages > 0 { // any of them may match
		return &ExitError{Code: 1, Msg: errInFlight.Error()}
	}
	return nil
}

// dryRun lists what a replay would move.
func dryRun(ctx context.Context, t *target, q dlq.Queue, flt dlq.Filter, f replayFlags, stdout io.Writer) error {
	before, err := queueInFlight(ctx, t.sqs, q.URL)
	if err != nil {
		return err
	}
	opts := dlq.ReplayOptions{Filter: flt, Max: f.max, DryRun: true}
	opts.Moved = func(m dlq.Message) error {
		what := m.DetailType
		if what == "" {
			what = "(unreadable)"
		}
		_, err := fmt.Fprintf(stdout, "would move %s  %s  %s\n", termsafe.String(m.MessageID), termsafe.String(what), termsafe.String(m.EventID))
		return err
	}
	res, err := dlq.Replay(ctx, t.sqs, q, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dry run: %d message(s) would move from %s to %s; %d would stay. Nothing moved.\n", res.Matched, q.Short, q.Destination, res.Left)
	fmt.Fprint(stdout, before.unseen(res.Matched+res.Left).note(q.Short))
	return nil
}

func replayNative(ctx context.Context, t *target, q dlq.Queue, f replayFlags, operator string, audit *dlq.Audit, stdout, stderr io.Writer) error {
	fmt.Fprintf(stdout, "Starting SQS's redrive of %s back to %s; it runs in SQS even if this command stops.\n", q.Short, q.Source)
	task, err := dlq.ReplayNative(ctx, t.sqs, t.sqs, q, dlq.NativeOptions{
		Rate: int(f.rate),
		Progress: func(task dlq.Task) {
			fmt.Fprintf(stderr, "%s: %d of %d moved\n", task.Status, task.Moved, task.ToMove)
		},
	})
	if task.Handle != "" {
		if aerr := audit.Append(dlq.AuditRecord{
			Time: time.Now().UTC(), Operator: operator, Queue: q.Name, MessageID: task.Handle,
			Destination: q.Destination, Native: true, Moved: task.Moved,
		}); aerr != nil && err == nil {
			err = aerr
		}
	}
	if task.Handle != "" {
		fmt.Fprintf(stdout, "task %s: %s, %d of %d moved\naudit: %d line(s) appended to %s\n", task.Handle, task.Status, task.Moved, task.ToMove, audit.Lines(), audit.Path())
	}
	if err != nil {
		if task.Status == "RUNNING" {
			fmt.Fprintf(stdout, "the task may still run; stop it with: aws sqs cancel-message-move-task --task-handle %s\n", task.Handle)
		}
		return &ExitError{Code: 1, Msg: err.Error()}
	}
	return nil
}
