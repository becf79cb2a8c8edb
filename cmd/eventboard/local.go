package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/eventboard/eventboard/internal/local"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/local/portguard"
)

// Defaults shared by the commands, so a token from 'eventboard token' is
// valid for 'eventboard local' run with no flags.
const (
	defaultAddr    = "127.0.0.1:8080"
	defaultDataDir = ".eventboard"
)

// endpointFile is where 'eventboard local' writes the URL of its AWS
// services, under its data directory, for the AWS CLI, SDKs and
// 'eventboard dlq'.
const endpointFile = "aws-endpoint"

// kumoFlushMS is how often kumo writes its snapshot to the data directory.
const kumoFlushMS = "100"

func runLocal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", defaultAddr, "address to serve the API and the SPA on")
	data := fs.String("data", defaultDataDir, "directory that keeps the stack's data across restarts")
	config := fs.String("config", "serverless.yml", "the serverless.yml to run")
	frontend := fs.String("frontend", "frontend/dist", "the built SPA to serve at /")
	idleReclaim := fs.Duration("idle-reclaim", lambdasvc.DefaultIdleReclaim, "how long a function's execution environment stays warm while idle")
	docs := fs.String("docs", ".build/apidocs", "the rendered API reference to serve at /local/docs (make apidocs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dataDir, err := filepath.Abs(*data)
	if err != nil {
		return err
	}
	if err := persistKumo(dataDir); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	stack, err := local.Start(ctx, local.Options{
		Addr:        *addr,
		DataDir:     dataDir,
		Manifest:    *config,
		FrontendDir: *frontend,
		DocsDir:     *docs,
		Log:         log,
		Console:     stdout,
		IdleReclaim: *idleReclaim,
	})
	if err != nil {
		return err
	}
	defer stack.Close()
	endpoint, err := writeEndpoint(dataDir, stack.AWSEndpoint())
	if err != nil {
		return err
	}
	defer os.Remove(endpoint)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := portguard.Server(stack.Handler())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Eventboard is running at http://%s (API under /api, data in %s)\n", *addr, dataDir)
	fmt.Fprintf(stdout, "AWS endpoint (DynamoDB, SQS, EventBridge): %s, also in %s\n", stack.AWSEndpoint(), endpoint)
	fmt.Fprintf(stdout, "  aws --endpoint-url \"$(cat %s)\" sqs list-queues   (any credentials; region %s)\n", endpoint, emulator.Region)
	ep := stack.Endpoints()
	fmt.Fprintf(stdout, "User pool (Cognito): %s; Lambda Invoke API: %s and this port. AWS ports take SigV4-signed calls only (any credentials)\n", ep["cognito-idp"], ep["lambda"])
	fmt.Fprintf(stdout, "API reference: http://%s/local/docs\n", *addr)
	fmt.Fprintf(stdout, "Sign up at POST /api/auth/signup; confirmation codes show here and at /local/mailbox?username=NAME\n")
	fmt.Fprintf(stdout, "Or get a token at once: go run ./cmd/eventboard token --user alice\n")
	fmt.Fprintf(stdout, "Functions and their warm environments: /local/functions; schedules: /local/schedules\n")

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "Stopping; saving data…")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// writeEndpoint writes url to <dataDir>/aws-endpoint, for the AWS CLI,
// SDKs and 'eventboard dlq' to find the in-process AWS services, and
// returns the file's path. The port changes with every start.
func writeEndpoint(dataDir, url string) (string, error) {
	path := filepath.Join(dataDir, endpointFile)
	if err := os.WriteFile(path, []byte(url+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write the AWS endpoint: %w", err)
	}
	return path, nil
}

// persistKumo sets up kumo for this process: its data kept under dataDir,
// and its EventBridge deliveries sent to this process's own port. kumo reads
// both from the environment once, when the process starts, so when they are
// not set yet the process sets them and replaces itself (same pid, one
// process).
func persistKumo(dataDir string) error {
	want := filepath.Join(dataDir, "aws")
	if err := os.MkdirAll(want, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	env, err := emulator.KumoDeliveryEnv()
	if err != nil {
		return err
	}
	env["KUMO_DATA_DIR"] = want
	env["KUMO_PERSIST_FLUSH_INTERVAL_MS"] = kumoFlushMS
	return emulator.Reexec(env) // restarts once; a no-op afterwards
}

func runToken(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.String("user", "", "the username the token is for (required)")
	addr := fs.String("addr", defaultAddr, "address the local stack serves on (part of the issuer)")
	data := fs.String("data", defaultDataDir, "the local stack's data directory (holds the signing key)")
	ttl := fs.Duration("ttl", time.Hour, "how long the token is valid")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" {
		fs.Usage()
		return errors.New("token: --user is required")
	}
	id, err := local.NewIdentity(*data, *addr)
	if err != nil {
		return err
	}
	tok, err := id.IssueAccessToken(*user, *ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}
