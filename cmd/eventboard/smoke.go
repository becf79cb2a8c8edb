package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/eventboard/eventboard/internal/smoke"
)

// runSmoke checks a deployed stage (package smoke): exit status 0 when
// every check passed, 1 when one failed, 2 on bad usage.
func runSmoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	siteURL := fs.String("url", "", "the site's URL (the stack output SiteUrl), e.g. https://d111.cloudfront.net")
	username := fs.String("username", os.Getenv("EVENTBOARD_SMOKE_USERNAME"), "a confirmed test user, for the checks that write (default $EVENTBOARD_SMOKE_USERNAME)")
	apiOnly := fs.Bool("api-only", false, "skip the SPA at / (a backend deploy, before the SPA is uploaded)")
	within := fs.Duration("within", time.Minute, "how long a new post may take to be listed and counted")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: eventboard smoke --url SITE_URL [--username USER] [--within 1m] [--api-only]")
		fmt.Fprintln(stderr, "The test user's password is read from $EVENTBOARD_SMOKE_PASSWORD.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *siteURL == "" || fs.NArg() > 0 {
		fs.Usage()
		return &exitError{code: 2, msg: "smoke: --url is required"}
	}
	password := os.Getenv("EVENTBOARD_SMOKE_PASSWORD")
	if *username != "" && password == "" {
		return &exitError{code: 2, msg: "smoke: --username needs $EVENTBOARD_SMOKE_PASSWORD"}
	}
	report, err := smoke.Run(ctx, smoke.Config{SiteURL: *siteURL, Username: *username, Password: password, APIOnly: *apiOnly, Within: *within})
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	if _, err := report.WriteTo(stdout); err != nil {
		return err
	}
	if report.Failed() {
		return &exitError{code: 1, msg: "smoke: a check failed"}
	}
	return nil
}
