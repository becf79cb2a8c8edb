// Package local runs the whole of Eventboard in one process: kumo serves
// DynamoDB in-process to the real adapters, an API Gateway emulator
// (package apigw) routes HTTP requests to every function through its Lambda
// entry point (the anonymous reads of posts reach theirs through their
// function URLs, as CloudFront sends them: apireads.go), a local identity
// provider signs access tokens, and the SPA is served from the same origin. What runs comes from serverless.yml; a
// function there that the stack cannot build, or the other way round, is an
// error at start.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/eventboard/eventboard/internal/eventbus"
	"github.com/eventboard/eventboard/internal/local/apigw"
	"github.com/eventboard/eventboard/internal/local/emulator"
	"github.com/eventboard/eventboard/internal/local/lambdasvc"
	"github.com/eventboard/eventboard/internal/local/pipeline"
	"github.com/eventboard/eventboard/internal/local/portguard"
	"github.com/eventboard/eventboard/internal/manifest"
)

// Options configure a Stack.
type Options struct {
	// Addr is the host:port the stack is served on; it is part of the
	// token issuer's URL.
	Addr string
	// DataDir holds the stack's state: the token signing key here, and
	// kumo's tables when the process was started with KUMO_DATA_DIR
	// pointing below it (see cmd/eventboard).
	DataDir string
	// Manifest is the path of serverless.yml.
	Manifest string
	// Stage is the stage serverless.yml is resolved for; "local" if empty.
	// Table names include it. kumo's state is process-wide, so stacks in
	// one process (tests) need stages of their own.
	Stage string
	// FrontendDir is the built SPA; when it holds no index.html, / says how
	// to build it.
	FrontendDir string
	// DocsDir holds the rendered API reference (index.html, built from
	// api/openapi.yaml by `make apidocs`), served at /local/docs; when it
	// holds none, /local/docs says how to build it.
	DocsDir string
	// Log receives the stack's and the functions' logs.
	Log *slog.Logger
	// Console shows what a developer must see at once, such as the
	// confirmation codes the user pool sends; io.Discard if nil.
	Console io.Writer
	// Provision adjusts what the pipeline creates from serverless.yml
	// (tests shorten queues' visibility timeouts).
	Provision []pipeline.ProvisionOption
	// Faults injects failures, for tests that prove nothing is lost.
	Faults Faults
	// Environment overrides functions' environment variables, by function
	// name (tests make the outbox sweeper take records of any age).
	Environment map[string]map[string]string
	// IdleReclaim is how long a function's execution environment stays
	// warm while idle; lambdasvc.DefaultIdleReclaim if zero.
	IdleReclaim time.Duration
	// Unthrottled turns off the gateway's throttling (serverless.yml's
	// stage and route buckets) and the per-client limits of its web ACL
	// at CloudFront, for load runs that measure the stack rather than the
	// buckets.
	Unthrottled bool
	// NoEdgeCache sends every /api request to its origin (the gateway, or
	// a function URL for an anonymous read of posts), as a cache miss at
	// CloudFront does, for load runs that measure the functions rather
	// than the cache.
	NoEdgeCache bool
	// RefreshGracePeriod, when positive, replaces the app client's
	// RetryGracePeriodSeconds (tests of rotation wait it out).
	RefreshGracePeriod time.Duration
	// Params override serverless.yml's params, as --param does on deploy
	// (tests make a per-client limit small enough to reach).
	Params map[string]string
}

// Faults wrap the parts of the stack where AWS can fail. A nil field
// injects nothing.
type Faults struct {
	// EventBridge wraps every PutEvents call of the functions' EventBridge
	// clients (before the SDK's retries, as a wrapper of the client would).
	EventBridge func(eventbus.API) eventbus.API
	// Pipeline wraps how the event pipeline invokes functions (SQS batches,
	// schedules): duplicate deliveries, function errors.
	Pipeline func(pipeline.Invoker) pipeline.Invoker
	// APIOptions are added to every SDK client the functions build: tests
	// see or fail any AWS call a function makes.
	APIOptions []func(*middleware.Stack) error
}

// Stack is a running local Eventboard.
type Stack struct {
	opts      Options
	kumo      *emulator.Kumo
	pipeline  *pipeline.Pipeline
	resources *pipeline.Resources
	manifest  *manifest.Manifest
	functions *functions
	pool      *userPool
	identity  *Identity
	handler   http.Handler
	// invokeAPI serves the Lambda Invoke API on a loopback port of its
	// own, the endpoint the warmer's Lambda client is given.
	invokeAPI *http.Server
	invokeURL string
}

// Start starts the stack: kumo, the tables of serverless.yml, every
// function, the gateway. Close releases it.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	if opts.Stage == "" {
		opts.Stage = "local"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Console == nil {
		opts.Console = io.Discard
	}
	m, err := manifest.Load(opts.Manifest, manifest.Options{Stage: opts.Stage, Region: emulator.Region, ParamsStage: "local", Params: opts.Params})
	if err != nil {
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	identity, err := NewIdentity(opts.DataDir, opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	if err := emulator.KumoDelivery(); err != nil {
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	s := &Stack{opts: opts, manifest: m, identity: identity, kumo: emulator.NewKumo()}
	db := emulator.DynamoDB(s.kumo.URL)
	if err := createTables(ctx, db, m.Tables); err != nil {
		s.kumo.Close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	clients := pipeline.Clients{SQS: emulator.SQS(s.kumo.URL), EventBridge: emulator.EventBridge(s.kumo.URL)}
	if s.resources, err = pipeline.Provision(ctx, m, clients, opts.Provision...); err != nil {
		s.kumo.Close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	pool, err := newUserPool(m, identity, opts.DataDir, opts.Console, opts.RefreshGracePeriod, func(ctx context.Context, fn string, payload []byte) ([]byte, error) {
		return s.functions.Invoke(ctx, fn, payload)
	})
	if err != nil {
		s.kumo.Close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	s.pool = pool
	svc := lambdasvc.New(lambdasvc.Options{Region: m.Region, Account: pipeline.Account, IdleReclaim: opts.IdleReclaim})
	s.invokeURL, err = s.serveInvokeAPI(svc)
	if err != nil {
		pool.close()
		s.kumo.Close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	fe := functionEnv{
		endpoints: map[string]string{
			"AWS_ENDPOINT_URL":                           s.kumo.URL,
			"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": pool.url,
			// The warmer's Lambda client: the stack's own Invoke API.
			"AWS_ENDPOINT_URL_LAMBDA": s.invokeURL,
		},
		overrides:  opts.Environment,
		logs:       opts.Log.Handler(),
		apiOptions: opts.Faults.APIOptions,
	}
	if opts.Faults.EventBridge != nil {
		fe.apiOptions = append(fe.apiOptions, eventBridgeFaults(opts.Faults.EventBridge))
	}
	s.functions, err = buildFunctions(ctx, m, fe, svc)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	var inv pipeline.Invoker = s.functions
	if opts.Faults.Pipeline != nil {
		inv = opts.Faults.Pipeline(inv)
	}
	// The pipeline outlives the request that started the stack.
	if s.pipeline, err = pipeline.Start(context.WithoutCancel(ctx), m, s.resources, clients, inv, pipeline.Options{Log: opts.Log}); err != nil {
		s.close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	gw, err := newGateway(m, s.functions, identity, opts.Log, !opts.Unthrottled)
	if err != nil {
		s.pipeline.Stop()
		s.close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	edge, err := newEdgeCache(m)
	if err != nil {
		s.pipeline.Stop()
		s.close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	reads, err := newAPIReads(m, s.functions, opts.Log)
	if err != nil {
		s.pipeline.Stop()
		s.close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	waf, err := newClientLimits(m, !opts.Unthrottled)
	if err != nil {
		s.pipeline.Stop()
		s.close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	mux := http.NewServeMux()
	// As at CloudFront: the web ACL's per-client limits first, on every
	// request; then the viewer-request function picks the origin of an
	// anonymous read of posts (a function URL), then the cache, then the
	// origin it picked or the behaviour's, API Gateway.
	api := reads.origin(forwardedAsCloudFront(gw))
	if !opts.NoEdgeCache {
		api = edge.serve(api)
	}
	mux.Handle("/api/", waf.serve(reads.viewerRequest(api)))
	mux.Handle("GET /local/cache", http.HandlerFunc(edge.stats))
	identity.register(mux)
	// The AWS APIs take only SigV4-shaped requests, which no page can send
	// cross-site; the state-changing dev action only what a page cannot
	// forge (package portguard).
	mux.Handle("/local/cognito-idp/", portguard.SigV4(http.StripPrefix("/local/cognito-idp", pool.server), unsigned))
	mux.Handle("GET /local/mailbox", http.HandlerFunc(pool.mailbox))
	mux.Handle("GET /local/docs", docsHandler(opts.DocsDir))
	mux.Handle("/2015-03-31/", portguard.SigV4(svc.InvokeAPI(opts.Log), nil))
	mux.Handle("GET /local/functions", svc.StatusHandler())
	mux.Handle("GET /local/schedules", http.HandlerFunc(s.listSchedules))
	mux.Handle("POST /local/schedules/{name}/fire", portguard.Unforgeable(http.HandlerFunc(s.fireSchedule)))
	headers, err := siteHeaders(m)
	if err != nil {
		s.pipeline.Stop()
		s.close()
		return nil, fmt.Errorf("local.Start: %w", err)
	}
	mux.Handle("/", withSiteHeaders(headers, spaHandler(opts.FrontendDir)))
	// Every path, dev endpoints included, answers only to loopback host
	// names and takes at most API Gateway's 10 KB of headers.
	s.handler = portguard.Loopback(portguard.HeaderLimit(mux))
	return s, nil
}

// Handler serves the stack: /api (the HTTP API), /local (the stack's own
// endpoints, never deployed), and the SPA.
func (s *Stack) Handler() http.Handler { return s.handler }

// Endpoints are the URLs of the stack's AWS API ports besides its own:
// kumo (DynamoDB, SQS, EventBridge), the user pool (Cognito Identity
// Provider) and the Lambda Invoke API, by service. Each takes only
// loopback Host names and SigV4-shaped requests (package portguard).
func (s *Stack) Endpoints() map[string]string {
	return map[string]string{"kumo": s.kumo.URL, "cognito-idp": s.pool.url, "lambda": s.invokeURL}
}

// Identity is the stack's identity provider.
func (s *Stack) Identity() *Identity { return s.identity }

// AWSEndpoint is the URL of the in-process AWS services.
func (s *Stack) AWSEndpoint() string { return s.kumo.URL }

// Manifest is the serverless.yml the stack runs.
func (s *Stack) Manifest() *manifest.Manifest { return s.manifest }

// Resources are the queues, buses and rules the stack created from
// serverless.yml.
func (s *Stack) Resources() *pipeline.Resources { return s.resources }

// Fire runs a scheduled function now, as its schedule would.
func (s *Stack) Fire(ctx context.Context, function string) error {
	return s.pipeline.Fire(ctx, function)
}

// Close stops the stack: the pollers finish their batches first. With
// persistence on, it waits for kumo's background snapshot so the last
// writes reach the disk.
func (s *Stack) Close() {
	s.pipeline.Stop()
	s.close()
	if os.Getenv("KUMO_DATA_DIR") != "" {
		time.Sleep(2 * flushInterval())
	}
}

// close stops what Start started before the pipeline: the Invoke API, the
// user pool and kumo.
func (s *Stack) close() {
	if s.invokeAPI != nil {
		_ = s.invokeAPI.Close()
	}
	s.pool.close()
	s.kumo.Close()
}

// flushInterval is how often kumo writes its snapshots.
func flushInterval() time.Duration {
	var ms int
	if _, err := fmt.Sscan(os.Getenv("KUMO_PERSIST_FLUSH_INTERVAL_MS"), &ms); err != nil || ms <= 0 {
		ms = 1000
	}
	return time.Duration(ms) * time.Millisecond
}

// createTables creates every table of serverless.yml that does not exist yet.
func createTables(ctx context.Context, db *dynamodb.Client, tables []manifest.Table) error {
	for _, t := range tables {
		_, err := db.CreateTable(ctx, t.CreateTableInput())
		var inUse *types.ResourceInUseException
		if err != nil && !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", t.Name, err)
		}
	}
	return nil
}

// newGateway builds the API Gateway emulator from serverless.yml's routes.
func newGateway(m *manifest.Manifest, fns *functions, id *Identity, log *slog.Logger, throttled bool) (*apigw.Gateway, error) {
	cfg := apigw.Config{Invoker: fns, Authorizer: id, Log: log}
	throttling, err := m.Throttling()
	if err != nil {
		return nil, err
	}
	if !throttled {
		throttling = manifest.Throttling{}
	}
	if d := throttling.Default; d != nil {
		cfg.DefaultThrottle = &apigw.Throttle{Rate: d.Rate, Burst: d.Burst}
	}
	for _, fn := range m.Functions {
		for _, r := range fn.Routes {
			route := apigw.Route{
				Method:     r.Method,
				Path:       r.Path,
				Function:   fn.Name,
				Authorized: r.Authorizer != "",
				Scopes:     r.Scopes,
			}
			if t, ok := throttling.Routes[r.Key()]; ok {
				route.Throttle = &apigw.Throttle{Rate: t.Rate, Burst: t.Burst}
			}
			cfg.Routes = append(cfg.Routes, route)
		}
	}
	if c := m.CORS; c != nil {
		cfg.CORS = &apigw.CORS{
			AllowedOrigins:   c.AllowedOrigins,
			AllowedHeaders:   c.AllowedHeaders,
			AllowedMethods:   c.AllowedMethods,
			ExposedHeaders:   c.ExposedResponseHeaders,
			AllowCredentials: c.AllowCredentials,
			MaxAge:           c.MaxAge,
		}
	}
	return apigw.New(cfg)
}

// docsHandler serves the API reference: one self-contained HTML file.
func docsHandler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		index := filepath.Join(dir, "index.html")
		if _, err := os.Stat(index); dir == "" || err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintln(w, "The API reference is not built yet: run make apidocs (make run does). The contract itself is api/openapi.yaml.")
			return
		}
		http.ServeFile(w, r, index)
	})
}

// spaHandler serves the built SPA, answering index.html for client-side
// routes. Under /assets/ it serves only the files there, with the
// immutable cache they get when deployed; anything else there is a 404,
// never index.html, which a browser would otherwise keep a year as the
// asset it asked for.
func spaHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		index := filepath.Join(dir, "index.html")
		if _, err := os.Stat(index); dir == "" || err != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "Eventboard local stack: the API is under /api. The SPA is not built yet (make frontend).")
			return
		}
		if p := path.Clean("/" + r.URL.Path); p == "/assets" || strings.HasPrefix(p, "/assets/") {
			if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil || !info.Mode().IsRegular() {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprintln(w, "No such asset.")
				return
			}
			w.Header().Set("Cache-Control", immutableCache)
			files.ServeHTTP(w, r)
			return
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.Clean("/"+r.URL.Path))); err != nil {
			http.ServeFile(w, r, index)
			return
		}
		files.ServeHTTP(w, r)
	})
}
