// Command eventboard is Eventboard's command line:
//
//	eventboard local  runs the whole system on this machine (the local stack)
//	eventboard token  prints an access token the local stack accepts
//	eventboard dlq    inspects and replays dead-letter queues (operators)
//	eventboard functions  lists the Lambda functions and their main packages
//	eventboard smoke  checks a deployed stage from the outside
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/eventboard/eventboard/internal/dlq/dlqcmd"
	"github.com/eventboard/eventboard/internal/termsafe"
)

const usage = `Usage: eventboard <command> [flags]

Commands:
  local   run the whole system on this machine: API, identity, AWS services
  token   print an access token the local stack accepts
  dlq     inspect and replay dead-letter queues, locally or on AWS
  functions  list the Lambda functions and their main packages
  smoke   check a deployed stage from the outside (its SiteUrl)

Run 'eventboard <command> -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "eventboard:", termsafe.String(err.Error())) // errors can quote what a message held
		}
		var exit interface{ ExitCode() int } // *exitError, *dlqcmd.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		os.Exit(2)
	}
}

func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "local":
		return runLocal(ctx, args[1:], stdout, stderr)
	case "token":
		return runToken(args[1:], stdout, stderr)
	case "dlq":
		return dlqcmd.Command{DataDir: defaultDataDir, EndpointFile: endpointFile}.Run(ctx, args[1:], stdout, stderr)
	case "functions":
		return runFunctions(args[1:], stdout, stderr)
	case "smoke":
		return runSmoke(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// exitError ends the program with a status of its own (smoke: 1 when a
// check failed, 2 on bad usage).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// ExitCode is the status the program exits with.
func (e *exitError) ExitCode() int { return e.code }
